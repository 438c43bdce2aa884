"""Twilio voice webhooks: where a call comes in. Every route checks X-Twilio-Signature, answers
a redelivered webhook from memory, and answers valid TwiML even when something breaks."""

from __future__ import annotations

import functools
import hmac
import io
import logging
import re
import time
from urllib.parse import unquote_plus

from flask import Blueprint, Response, abort, g, request
from twilio.twiml.voice_response import VoiceResponse
from werkzeug.exceptions import HTTPException

from helpline.extensions import helpline
from helpline.ops import observe_webhook
from helpline.replay import ReplayCache

log = logging.getLogger("helpline.voice")

bp = Blueprint("voice", __name__, url_prefix="/voice")

MAX_FIELDS = 200  # Twilio sends about 20; more is not Twilio
MAX_BODY_BYTES = 64 * 1024  # a long spoken answer is a few kB


def _public_url(h, req) -> str:
    """The URL Twilio requested: ``PUBLIC_URL`` plus path and query."""
    query = req.query_string
    return h.public_base + req.path + ("?" + query.decode("latin-1") if query else "")


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


_ESCAPED_SEPARATOR = re.compile(r"%(?:26|3[dD])")  # an escaped & or =


def parse_form(body: str) -> Params:
    """A urlencoded body (``a=1&b=%2B31...``), parsed as ``urllib.parse.parse_qsl`` with
    blank values kept would, grouped by name.

    Written out because it runs on every webhook. A body with no escaped ``&`` or ``=`` (any
    Twilio body) is unquoted once as a whole; otherwise each name and value is unquoted on its
    own. More than ``MAX_FIELDS`` fields is a ``ValueError``.
    """
    out = Params()
    if not body:
        return out
    if body.count("&") >= MAX_FIELDS:
        raise ValueError("too many fields")
    escaped = "%" in body or "+" in body
    if escaped and not _ESCAPED_SEPARATOR.search(body):
        body, escaped = unquote_plus(body), False
    for part in body.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if escaped:
            name, value = unquote_plus(name), unquote_plus(value)
        out.setdefault(name, []).append(value)
    return out


def _body(req) -> str:
    """The request body as text, at most ``MAX_BODY_BYTES`` (else 413).

    With a Content-Length (every Twilio request) it is read straight from the WSGI input,
    which costs half of werkzeug's general stream machinery, and the input is replaced by the
    bytes read, so a later reader still finds them.
    """
    if req.method != "POST":
        return ""
    length = req.environ.get("CONTENT_LENGTH")
    chunked = "chunked" in req.environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    if length and length.isdigit() and not chunked:
        size = int(length)
        if size > MAX_BODY_BYTES:
            abort(413)
        raw = req.environ["wsgi.input"].read(size)
        req.environ["wsgi.input"] = io.BytesIO(raw)
    else:  # chunked, or no length given
        raw = req.stream.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            abort(413)
    return raw.decode("utf-8", "replace")


def params() -> Params:
    """The webhook's parameters, parsed once: the form body of a POST, nothing for a GET."""
    cached = g.get("twilio_params")
    if cached is None:
        cached = g.twilio_params = parse_form(_body(request._get_current_object()))
    return cached


def check_signature(h, req) -> None:
    """Refuse (403, no change) any request not signed by Twilio with our auth token.

    Twilio signs the URL it requested; that is ``PUBLIC_URL`` plus path and query. The exact
    URL is checked first (one HMAC); only a mismatch runs the validator's full check, which
    also tries the URL with and without a default port.
    """
    signature = req.environ.get("HTTP_X_TWILIO_SIGNATURE", "")
    validator = h.validator
    try:
        form = params()
    except ValueError:  # more fields than any Twilio request has
        abort(400)
    url = _public_url(h, req)
    expected = validator.compute_signature(url, form).encode()
    if signature and hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return
    if not signature or not validator.validate(url, form, signature):
        log.warning("rejected unsigned or forged webhook path=%s", req.path)
        abort(403)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Refusals and malformed requests answer an empty TwiML document, never an HTML page."""
    return Response(str(VoiceResponse()), status=error.code or 400, mimetype="text/xml")


def voice_route(rule: str, fallback, *, replay: bool = False):
    """Register a webhook. Each request to it, in order: the signature check (403 and no
    change when it fails); for ``replay`` routes, a redelivery (same idempotency token) gets
    the first answer again; then the view, and if anything inside it fails, ``fallback(lang)``
    TwiML instead. Every request's time is counted per route for /metrics.

    ``replay`` is for routes whose answer depends on changing state (the wait, the callback
    dialog, the steps that connect a volunteer and a caller); the others are pure, or their
    state change is idempotent in its Lua script.

    Done here, not in Flask's request hooks: this is the app's hottest path.
    """
    route = f"{bp.url_prefix}{rule}"

    def decorate(view):
        @functools.wraps(view)
        def wrapped():
            started = time.perf_counter()
            try:
                return _answer(view, fallback, replay)
            finally:
                observe_webhook(route, time.perf_counter() - started)

        # OPTIONS too, so that Flask does not answer it by itself, unsigned
        bp.add_url_rule(
            rule,
            view_func=wrapped,
            methods=["GET", "POST", "OPTIONS"],
            provide_automatic_options=False,
        )
        return wrapped

    return decorate


def _answer(view, fallback, replay: bool) -> Response:
    req = request._get_current_object()
    h = helpline()
    check_signature(h, req)
    token = req.environ.get("HTTP_I_TWILIO_IDEMPOTENCY_TOKEN", "") if replay else ""
    call_sid = params().get("CallSid", "") if token else ""
    cache = ReplayCache(h.redis, h.settings.idempotency_ttl)
    known = cache.answer(req.path, call_sid, token)
    if known is not None:
        return Response(known, mimetype="text/xml")
    try:
        response = view()
    except Exception:
        log.exception(
            "webhook failed path=%s call=%s",
            req.path,
            g.get("twilio_params", Params()).get("CallSid", "-")[:40],
        )
        from helpline import twiml

        return twiml.reply(fallback(req.args.get("lang", "")))
    if token and response.status_code == 200 and not g.get("skip_replay_cache"):
        cache.remember(req.path, call_sid, token, response.get_data(as_text=True))
    return response


from helpline.voice import views  # noqa: E402,F401  (registers the routes)
