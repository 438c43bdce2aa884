"""Twilio voice webhooks: where a call comes in. Every route checks X-Twilio-Signature, answers
a redelivered webhook from memory, and answers valid TwiML even when something breaks."""

from __future__ import annotations

import functools
import hmac
import logging
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, current_app, g, request
from redis.exceptions import RedisError
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from helpline import keys
from helpline.extensions import helpline
from helpline.ops import observe_webhooks

log = logging.getLogger("helpline.voice")

bp = Blueprint("voice", __name__, url_prefix="/voice")
observe_webhooks(bp)  # first, so the signature check is timed too


def _public_url() -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    query = request.query_string.decode("latin-1")
    return f"{base}{request.path}" + (f"?{query}" if query else "")


class Params(dict):
    """Twilio's parameters by name (each a list of values). ``get`` gives the first value, and
    ``getall`` is the shape RequestValidator asks for first."""

    def get(self, name: str, default=None):
        values = dict.get(self, name)
        return values[0] if values else default

    def __getitem__(self, name: str) -> str:
        return dict.__getitem__(self, name)[0]

    def getall(self, name: str) -> list[str]:
        return dict.__getitem__(self, name)


def params() -> Params:
    """The webhook's parameters, parsed once: the form body of a POST, the query of a GET.

    A plain parse of the urlencoded body (Twilio sends nothing else), cheaper than the general
    form machinery on the hottest path of the app.
    """
    cached = g.get("twilio_params")
    if cached is None:
        cached = Params()
        if request.method == "POST":
            body = request.get_data(cache=True).decode("utf-8", "replace")
            pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=200)
        else:
            pairs = []
        for name, value in pairs:
            cached.setdefault(name, []).append(value)
        g.twilio_params = cached
    return cached


@bp.before_request
def check_signature():
    """Refuse (403, no change) any request not signed by Twilio with our auth token.

    Twilio signs the URL it requested; that is ``PUBLIC_URL`` plus path and query. The exact
    URL is checked first (one HMAC); only a mismatch runs the validator's full check, which
    also tries the URL with and without a default port.
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    validator = helpline().validator
    try:
        form = params()
    except ValueError:  # more fields than any Twilio request has
        abort(400)
    url = _public_url()
    expected = validator.compute_signature(url, form).encode()
    if signature and hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return None
    if not signature or not validator.validate(url, form, signature):
        log.warning("rejected unsigned or forged webhook path=%s", request.path)
        abort(403)
    return None


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Refusals and malformed requests answer an empty TwiML document, never an HTML page."""
    return Response(str(VoiceResponse()), status=error.code or 400, mimetype="text/xml")


REPLAYED_ENDPOINTS: set[str] = set()


@bp.before_request
def answer_redelivery():
    """A webhook redelivered with the same idempotency token gets the same answer.

    Only for routes whose answer depends on changing state (the wait, the callback dialog, the
    steps that connect a volunteer and a caller);
    the others are pure or their state change is idempotent in its Lua script.
    """
    if request.endpoint not in REPLAYED_ENDPOINTS:
        return None
    token = request.headers.get("I-Twilio-Idempotency-Token", "")
    g.idempotency_token = token[:200]
    if not token:
        return None
    try:
        cached = helpline().redis.get(keys.idempotency(g.idempotency_token))
    except RedisError:
        return None
    if cached is not None:
        g.idempotency_replayed = True
        return Response(cached, mimetype="text/xml")
    return None


@bp.after_request
def remember_answer(response: Response) -> Response:
    token = g.get("idempotency_token")
    if (
        token
        and response.status_code == 200
        and not g.get("idempotency_replayed")
        and not g.get("voice_degraded")
        and not g.get("skip_replay_cache")
    ):
        try:
            helpline().redis.set(
                keys.idempotency(token),
                response.get_data(as_text=True),
                ex=current_app.config["HELPLINE_IDEMPOTENCY_TTL"],
                nx=True,
            )
        except RedisError:
            pass
    return response


def voice_route(rule: str, fallback, *, replay: bool = False):
    """Register a webhook; any failure inside answers ``fallback(lang)`` TwiML instead.

    ``replay``: answer a redelivery (same idempotency token) with the first answer.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped():
            try:
                return view()
            except Exception:
                g.voice_degraded = True
                log.exception(
                    "webhook failed path=%s call=%s",
                    request.path,
                    g.get("twilio_params", Params()).get("CallSid", "-")[:40],
                )
                from helpline import twiml

                lang = request.args.get("lang", "")
                return twiml.reply(fallback(lang))

        bp.add_url_rule(rule, view_func=wrapped, methods=["GET", "POST"])
        if replay:
            REPLAYED_ENDPOINTS.add(f"{bp.name}.{view.__name__}")
        return wrapped

    return decorate


from helpline.voice import views  # noqa: E402,F401  (registers the routes)
