"""The floor for any Flask IVR: a bare endpoint that returns static TwiML, nothing else."""

from flask import Flask, Response

TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="/next" input="dtmf">'
    '<Say language="nl-NL">Waar gaat uw vraag over?</Say></Gather></Response>'
)


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/voice/incoming", methods=["POST"])
    @app.route("/voice/step", methods=["POST"])
    def static_twiml():
        return Response(TWIML, mimetype="text/xml")

    return app
