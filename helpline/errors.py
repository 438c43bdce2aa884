"""Errors as each audience reads them, on every app: empty TwiML to Twilio under ``/voice``,
JSON under ``/api``, a short page (or Flask's) elsewhere. Redis away for a moment is a 503 the
caller's phone, the dashboard or the browser can wait out, never a bare server error.

The API's JSON errors are imported when one is answered: the webhooks' app has no API, and
importing ``helpline.api`` from here at load would run it before this module is ready.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, request
from redis import RedisError
from werkzeug.exceptions import HTTPException

from helpline import twiml
from helpline.texts import Refusal

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_error_handler(RedisError, redis_unavailable)
    app.register_error_handler(404, http_error)
    app.register_error_handler(405, http_error)
    app.register_error_handler(413, http_error)


def redis_unavailable(exc: RedisError):
    """Redis is away for a moment: say so (503)."""
    log.warning("redis unavailable path=%s error=%s", request.path, type(exc).__name__)
    if request.path.startswith("/voice/"):
        return twiml.reply(status=503)
    from helpline.api import error
    from helpline.api.messages import request_language

    if request.path.startswith("/api/"):
        response = error(503, "server_unavailable")
        response[0].headers["Retry-After"] = "5"
        return response
    message = Refusal("server_unavailable").text(request_language())
    page = (
        f'<!doctype html><html lang="{request_language()}"><meta charset="utf-8">'
        f"<title>DigiHulplijn</title><main><h1>{message}</h1></main></html>"
    )
    return current_app.response_class(page, status=503, mimetype="text/html")


def http_error(exc: HTTPException):
    """Unknown paths and methods: JSON under /api, empty TwiML under /voice, else Flask's."""
    if request.path.startswith("/api/"):
        from helpline.api import error

        if exc.code == 404:
            return error(404, "page_missing")
        if exc.code == 413:
            return error(413, "request_too_large")
        return error(exc.code, "method_not_allowed")
    if request.path.startswith("/voice/"):
        return twiml.reply(status=exc.code)
    return exc
