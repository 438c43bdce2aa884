"""Operations: /metrics (Prometheus), /healthz and /readyz. (The logs: ``helpline.logs``.)

Most figures are read from Redis when scraped (waiting callers, waits, volunteers, job
failures, how far the event counting lags), so every web process reports the same numbers.
Webhook latency is measured per process; with several gunicorn workers set
``PROMETHEUS_MULTIPROC_DIR`` to a writable directory and the processes report together.
"""

from __future__ import annotations

import hmac
import os
import time

from flask import Blueprint, Response, request
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from helpline.extensions import helpline
from helpline.jobs import PERIODIC, QUEUES

bp = Blueprint("ops", __name__)

WEBHOOK_SECONDS = Histogram(
    "helpline_webhook_seconds",
    "Time to answer a Twilio webhook",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15),
)


class HelplineCollector:
    """Figures read from Redis at scrape time."""

    def __init__(self, h):
        self.h = h

    def collect(self):
        from rq import Queue
        from rq.registry import FailedJobRegistry

        from helpline.reports.aggregate import Aggregator

        h = self.h
        now = h.store.clock.now_ms()
        waiting = GaugeMetricFamily(
            "helpline_waiting_callers", "Callers and callbacks in line", labels=["topic", "lang"]
        )
        longest = GaugeMetricFamily(
            "helpline_longest_wait_seconds", "Longest wait in a line now", labels=["topic"]
        )
        for topic in h.flow.topics:
            worst = 0
            for lang in h.flow.languages:
                count, first = h.store.line_length(topic, lang)
                waiting.add_metric([topic, lang], count)
                if first is not None:
                    worst = max(worst, now - first)
            longest.add_metric([topic], worst / 1000)
        yield waiting
        yield longest
        states = GaugeMetricFamily("helpline_volunteers", "Volunteers by state", labels=["state"])
        counts: dict[str, int] = {}
        for volunteer_id in h.router.volunteer_ids():
            volunteer = h.router.volunteer(volunteer_id)
            state = volunteer.state if volunteer else "offline"
            counts[state] = counts.get(state, 0) + 1
        for state, n in sorted(counts.items()):
            states.add_metric([state], n)
        yield states
        failures = GaugeMetricFamily(
            "helpline_job_failures", "Periodic job failures in a row", labels=["job"]
        )
        for job in PERIODIC:
            failures.add_metric([job.name], h.job_runs.status(job.name).failures)
        yield failures
        failed = GaugeMetricFamily(
            "helpline_failed_jobs", "Jobs in RQ's failed registry", labels=["queue"]
        )
        for name in QUEUES:
            queue = Queue(name, connection=h.rq_redis)
            failed.add_metric([name], len(FailedJobRegistry(queue=queue)))
        yield failed
        lag = Aggregator(h.redis, h.settings, h.store.clock).lag()
        yield GaugeMetricFamily(
            "helpline_events_not_counted",
            "Events not yet counted in the reports (up to 10,000)",
            value=lag,
        )


def metrics_registry(h) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(HelplineCollector(h))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry.register(_ProcessMetrics(REGISTRY))
    return registry


class _ProcessMetrics:
    """This process's own metrics (webhook latency) beside the Redis figures."""

    def __init__(self, source):
        self.source = source

    def collect(self):
        for family in self.source.collect():
            if family.name.startswith("helpline_"):
                yield family


@bp.get("/metrics")
def metrics():
    """Prometheus's figures: on ``HELPLINE_METRICS_BIND`` only, when that is set (the other
    addresses answer 404), and with the bearer token, when ``HELPLINE_METRICS_TOKEN`` is set."""
    settings = helpline().settings
    if settings.metrics_bind and not _arrived_at(settings.metrics_bind):
        return Response("not found\n", status=404, mimetype="text/plain")
    token = settings.metrics_token
    given = request.headers.get("Authorization", "").encode("utf-8", "replace")
    if token and not hmac.compare_digest(given, f"Bearer {token}".encode()):
        return Response("unauthorised\n", status=401, mimetype="text/plain")
    body = generate_latest(metrics_registry(helpline()))
    return Response(body, mimetype="text/plain; version=0.0.4")


def _arrived_at(bind: str) -> bool:
    """Whether this request came in on the listening address ``bind`` (gunicorn names the
    socket a request arrived on, whatever its Host header says)."""
    host, _, port = bind.rpartition(":")
    environ = request.environ
    return environ.get("SERVER_PORT") == port and environ.get("SERVER_NAME") == host.strip("[]")


@bp.get("/healthz")
def healthz():
    """The process is alive (no dependencies checked)."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Ready for traffic: Redis answers and at least one RQ worker is alive."""
    from rq import Worker

    h = helpline()
    checks: dict[str, object] = {}
    try:
        h.redis.ping()
        checks["redis"] = "ok"
        workers = Worker.all(connection=h.rq_redis)
        alive = [
            w
            for w in workers
            if w.last_heartbeat and time.time() - w.last_heartbeat.timestamp() < 120
        ]
        checks["workers"] = len(alive)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["redis"] = f"unavailable: {type(exc).__name__}"
        checks["workers"] = 0
    ready = checks["redis"] == "ok" and checks["workers"] > 0
    return {"status": "ready" if ready else "not ready", **checks}, 200 if ready else 503


_WEBHOOK_TIMERS: dict = {}


def observe_webhook(route: str, seconds: float) -> None:
    """Count one webhook's time (its route's histogram child is looked up once)."""
    timer = _WEBHOOK_TIMERS.get(route)
    if timer is None:
        timer = _WEBHOOK_TIMERS[route] = WEBHOOK_SECONDS.labels(route)
    timer.observe(seconds)
