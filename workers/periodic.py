"""Periodic jobs run once per period, even with two `helpline cron` schedulers, and back off
after failures. RQ's cron enqueues them; this guard decides whether a run does the work.

Each periodic job is declared once, in ``helpline.jobs.PERIODIC``; ``@scheduled`` takes the
job's name and interval from there."""

from __future__ import annotations

import functools
import logging
import time

from helpline.jobs import periodic_job

log = logging.getLogger(__name__)
MAX_BACKOFF = 600
_now = time.time  # the guard's clock (a test pins it)


def periodic(name: str, interval: int):
    """Wrap a job so that only the first run in each ``interval`` does its work; a failure
    doubles the wait before the next attempt (up to ten minutes) and is kept for the
    coordinators' operations page."""

    def decorate(job):
        @functools.wraps(job)
        def run(*args, **kwargs):
            from workers import state

            runs = state().job_runs
            now = _now()
            status = runs.status(name)
            if now < status.backoff_until:
                return "backing-off"
            if not runs.claim(name, int(now // interval), ttl=max(2 * interval, 60)):
                return "ran-this-period"
            started = time.time()
            try:
                result = job(*args, **kwargs)
            except Exception as exc:
                failures = status.failures + 1
                runs.failed(
                    name,
                    at=now,
                    failures=failures,
                    backoff=min(MAX_BACKOFF, interval * 2**failures),
                    reason=f"{type(exc).__name__}: {str(exc)[:200]}",
                )
                log.exception("periodic job failed", extra={"job": name, "failures": failures})
                raise
            runs.succeeded(
                name,
                at=time.time(),
                run={
                    "period": int(now // interval),
                    "at": round(started, 3),
                    "seconds": round(time.time() - started, 3),
                    "result": result if isinstance(result, int | str | dict) else None,
                },
            )
            return result

        run.periodic_name = name
        run.interval = interval
        return run

    return decorate


def scheduled(job):
    """Guard a job declared in ``helpline.jobs.PERIODIC``, with its declared name and interval
    (a job missing there is an error at import, not a job that never runs)."""
    declared = periodic_job(f"{job.__module__}.{job.__name__}")
    return periodic(declared.name, declared.interval)(job)
