"""Structured logs: one JSON object per line in production, with the Twilio CallSid or the RQ
job id of the work in hand; never a phone number. Web processes, workers and the scheduler
call ``configure_logging`` once at start."""

from __future__ import annotations

import json
import logging

from flask import g, has_request_context, request
from rq import get_current_job


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the call and job ids in scope; never phone numbers."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("call", "job", "job_name", "failures", "path", "status"):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["error"] = f"{record.exc_info[0].__name__}: {record.exc_info[1]}"
        return json.dumps(entry)


class ContextFilter(logging.Filter):
    """Adds the Twilio CallSid of the request, or the RQ job id, to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if has_request_context() and request.path.startswith("/voice/"):
                parsed = g.get("twilio_params")  # parsed once by the voice blueprint
                record.call = (parsed.get("CallSid") if parsed else None) or request.args.get(
                    "CallSid"
                )
        except Exception:  # noqa: BLE001 - logging must never fail
            pass
        try:
            job = get_current_job()
            if job is not None:
                record.job = job.id
                record.job_name = job.func_name
        except Exception:  # noqa: BLE001
            pass
        return True


def configure_logging(fmt: str, level: str | int | None = None) -> None:
    """``json`` (production) or ``text``, set once per process; from ``level`` up (INFO
    unless told, and a later call may change it: the app is built before a worker knows its
    level)."""
    root = logging.getLogger()
    if getattr(root, "_helpline_configured", False):
        if level is not None:
            root.setLevel(level)
        return
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.setLevel(level or logging.INFO)
    # the twilio library logs every REST request at INFO (URLs and headers): too much noise,
    # and nothing it says there is needed to run the helpline
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    root._helpline_configured = True
