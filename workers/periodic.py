"""Periodic jobs run once per period, even with two `helpline cron` schedulers, and back off
after failures. RQ's cron enqueues them; this guard decides whether a run does the work.

Each periodic job is declared once, in ``helpline.jobs.PERIODIC``; ``@scheduled`` takes the
job's name and interval from there."""

from __future__ import annotations

import functools
import json
import logging
import time

from helpline import keys
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

            h = state()
            now = _now()
            status = h.redis.hgetall(keys.job_status(name))
            if now < float(status.get("backoff_until") or 0):
                return "backing-off"
            if not h.redis.set(keys.period_run(name, int(now // interval)), "1", nx=True,
                               ex=max(2 * interval, 60)):  # fmt: skip
                return "ran-this-period"
            started = time.time()
            try:
                result = job(*args, **kwargs)
            except Exception as exc:
                failures = int(status.get("failures") or 0) + 1
                backoff = min(MAX_BACKOFF, interval * 2**failures)
                h.redis.hset(
                    keys.job_status(name),
                    mapping={
                        "failures": failures,
                        "backoff_until": now + backoff,
                        "last_error": f"{type(exc).__name__}: {str(exc)[:200]}",
                        "last_failure": now,
                    },
                )
                log.exception("periodic job failed", extra={"job": name, "failures": failures})
                raise
            h.redis.hset(
                keys.job_status(name),
                mapping={"failures": 0, "backoff_until": 0, "last_success": time.time()},
            )
            with h.redis.pipeline(transaction=False) as pipe:
                pipe.lpush(
                    keys.runs(name),
                    json.dumps(
                        {
                            "period": int(now // interval),
                            "at": round(started, 3),
                            "seconds": round(time.time() - started, 3),
                            "result": result if isinstance(result, int | str | dict) else None,
                        }
                    ),
                )
                pipe.ltrim(keys.runs(name), 0, 199)
                pipe.execute()
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
