"""RQ workers: small idempotent jobs on queues named by urgency, and their periodic schedule."""

from __future__ import annotations

import logging
from functools import lru_cache

from rq import Queue, Worker
from rq.cron import CronScheduler

from helpline.ops import configure_logging

QUEUES = ("high", "default", "low")

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


def run_worker(helpline, *, burst: bool = False, name: str | None = None) -> None:
    configure_logging(helpline.config["HELPLINE_LOG_FORMAT"])
    queues = [Queue(q, connection=helpline.rq_redis) for q in QUEUES]
    Worker(queues, connection=helpline.rq_redis, name=name).work(burst=burst, with_scheduler=True)


def build_cron(helpline) -> CronScheduler:
    from rq.utils import import_attribute

    scheduler = CronScheduler(connection=helpline.rq_redis, name=None)
    for path, queue, interval in PERIODIC:
        scheduler.register(import_attribute(path), queue_name=queue, interval=interval)
    return scheduler


def run_cron(helpline) -> None:
    """Run the periodic schedule; when Redis goes away, wait and start again (a scheduler
    that died with Redis would leave every periodic job unscheduled)."""
    import time

    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    configure_logging(helpline.config["HELPLINE_LOG_FORMAT"])
    log = logging.getLogger(__name__)
    pause = 1.0
    while True:
        try:
            build_cron(helpline).start()
            return  # stopped on purpose (SIGTERM, Ctrl-C)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            log.warning("cron lost Redis (%s); starting again in %.0f s", exc, pause)
            time.sleep(pause)
            pause = min(pause * 2, 15.0)
