"""RQ workers: small idempotent jobs on queues named by urgency, and their periodic schedule."""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Queue, Worker
from rq.cron import CronScheduler

from helpline.ops import configure_logging

QUEUES = ("high", "default", "low")
SCHEDULER_CHECK_SECONDS = 30

# Periodic jobs: (dotted path, queue, seconds between runs).
PERIODIC = (
    ("workers.routing.repair_routing", "high", 30),
    ("workers.reports.process_events", "default", 10),
    ("workers.reports.sample_duty", "default", 60),
    ("workers.reports.detect_bottlenecks", "low", 900),
    ("workers.maintenance.trim_events", "low", 3600),
)


@lru_cache(maxsize=1)
def state():
    """The Helpline wiring for job code (one per worker process)."""
    from helpline import config
    from helpline.extensions import Helpline
    from helpline.routing.jobs import RoutingJobs

    helpline = Helpline(config.load())
    helpline.jobs = RoutingJobs(helpline.rq_redis, helpline.config)
    helpline.router.jobs = helpline.jobs
    return helpline


class HelplineWorker(Worker):
    """RQ's worker, remembering whether it was asked to stop: RQ's loop also just returns
    when it gives up after an error (such as Redis going away), and then it should start
    again."""

    stopping = False

    def request_stop(self, signum, frame):
        self.stopping = True
        super().request_stop(signum, frame)


def run_worker(helpline, *, burst: bool = False, name: str | None = None) -> None:
    """Run an RQ worker with RQ's scheduler (which moves delayed jobs onto the queues).

    RQ restarts a scheduler process that died, say because Redis was gone for a while, only
    in its maintenance pass; that pass runs every SCHEDULER_CHECK_SECONDS here instead of
    RQ's ten minutes, so delayed jobs (ending a lone caller, an offer's expiry) run soon after
    Redis is back. A worker that loses Redis waits and starts again."""
    configure_logging(helpline.config["HELPLINE_LOG_FORMAT"])

    def work() -> bool:
        queues = [Queue(q, connection=helpline.rq_redis) for q in QUEUES]
        worker = HelplineWorker(
            queues,
            connection=helpline.rq_redis,
            name=name,
            maintenance_interval=SCHEDULER_CHECK_SECONDS,
            # an idle worker waits for a job at most worker_ttl - 15 s before it looks at
            # its maintenance again
            worker_ttl=SCHEDULER_CHECK_SECONDS + 15,
        )
        worker.work(burst=burst, with_scheduler=True)
        return burst or worker.stopping

    _keep_running("worker", work)


def build_cron(helpline) -> CronScheduler:
    from rq.utils import import_attribute

    scheduler = CronScheduler(connection=helpline.rq_redis, name=None)
    for path, queue, interval in PERIODIC:
        scheduler.register(import_attribute(path), queue_name=queue, interval=interval)
    return scheduler


def run_cron(helpline) -> None:
    """Run the periodic schedule (a scheduler that died with Redis would leave every periodic
    job unscheduled, so it starts again when Redis is back)."""
    configure_logging(helpline.config["HELPLINE_LOG_FORMAT"])

    def schedule() -> bool:
        build_cron(helpline).start()
        return True  # it returns only when stopped on purpose

    _keep_running("cron", schedule)


def _keep_running(what: str, run) -> None:
    """Call ``run`` until it says it was stopped on purpose (SIGTERM, Ctrl-C); when it loses
    Redis or gives up, wait (doubling, at most 15 s) and call it again."""
    log = logging.getLogger(__name__)
    pause = 1.0
    while True:
        started = time.monotonic()
        try:
            if run():
                return
            trouble = "stopped by itself"
        except (RedisConnectionError, RedisTimeoutError) as exc:
            trouble = f"lost Redis ({exc})"
        if time.monotonic() - started > 60:
            pause = 1.0  # it ran well for a while: this is a new trouble
        log.warning("%s %s; starting again in %.0f s", what, trouble, pause)
        time.sleep(pause)
        pause = min(pause * 2, 15.0)
