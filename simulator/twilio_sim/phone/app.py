"""The browser phone: call the simulated helpline from a web page, several callers at once."""

from __future__ import annotations

import itertools

from flask import Flask, abort, jsonify, render_template, request

from twilio_sim.legs import Leg
from twilio_sim.people import Answer, InteractiveCaller
from twilio_sim.simulator import Simulator

SHOWN = {
    "say",
    "play",
    "pause",
    "gather",
    "input",
    "enqueued",
    "queue-result",
    "status",
    "app-error",
    "hangup",
    "dial",
    "bridged",
    "conference-join",
    "conference-leave",
}


def create_phone_app(sim: Simulator) -> Flask:
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config["JSON_SORT_KEYS"] = False
    numbers = (f"+3120{n:07d}" for n in itertools.count(1234567))
    calls: dict[str, Leg] = {}

    def leg_or_404(call_sid: str) -> Leg:
        leg = calls.get(call_sid)
        if leg is None:
            abort(404)
        return leg

    @app.get("/")
    def page():
        return render_template("phone.html", helpline_number=sim.number)

    @app.post("/api/calls")
    def place():
        number = (request.get_json(silent=True) or {}).get("from") or next(numbers)
        leg = sim.place_call(InteractiveCaller(number))
        calls[leg.sid] = leg
        return jsonify({"sid": leg.sid, "from": number}), 201

    @app.get("/api/calls/<call_sid>")
    def state(call_sid):
        leg = leg_or_404(call_sid)
        since = max(0, request.args.get("since", 0, type=int))
        entries = [
            {
                k: v
                for k, v in e.items()
                if k
                in (
                    "t",
                    "kind",
                    "text",
                    "language",
                    "digits",
                    "speech",
                    "result",
                    "url",
                    "status",
                    "queue",
                    "seconds",
                    "code",
                )
            }
            for e in leg.transcript[since:]
            if e["kind"] in SHOWN
        ]
        with sim.lock:
            queue = leg.queue
            position = queue.members.index(leg) + 1 if queue and leg in queue.members else None
        return jsonify(
            {
                "sid": leg.sid,
                "from": leg.from_,
                "status": leg.status,
                "ended": leg.done.is_set(),
                "next": len(leg.transcript),
                "queue": queue.name if queue else None,
                "position": position,
                "entries": entries,
            }
        )

    @app.post("/api/calls/<call_sid>/keys")
    def keys(call_sid):
        leg = leg_or_404(call_sid)
        digits = "".join(
            c
            for c in str((request.get_json(silent=True) or {}).get("digits", ""))
            if c in "0123456789*#"
        )[:20]
        if not digits:
            return jsonify({"error": "Geen toetsen ontvangen."}), 400
        leg.person.give(Answer(digits=digits, in_queue=leg.queue is not None))
        leg.poke()
        return jsonify({"ok": True})

    @app.post("/api/calls/<call_sid>/speech")
    def speech(call_sid):
        leg = leg_or_404(call_sid)
        words = str((request.get_json(silent=True) or {}).get("words", "")).strip()[:200]
        if not words:
            return jsonify({"error": "Typ eerst wat u wilt zeggen."}), 400
        leg.person.give(Answer(speech=words, in_queue=leg.queue is not None))
        leg.poke()
        return jsonify({"ok": True})

    @app.post("/api/calls/<call_sid>/hangup")
    def hangup(call_sid):
        sim.hang_up(leg_or_404(call_sid))
        return jsonify({"ok": True})

    return app
