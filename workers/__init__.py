"""RQ workers: small idempotent jobs on queues named by urgency, and their periodic schedule
(both declared in the job registry, ``helpline.jobs``)."""

from __future__ import annotations

import logging
import signal
import threading
import time
from functools import lru_cache

from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.cron import CronScheduler

from helpline.jobs import PERIODIC, QUEUES
from helpline.logs import configure_logging

SCHEDULER_CHECK_SECONDS = 30


@lru_cache(maxsize=1)
def state():
    """The Helpline wiring for job code (one per worker process)."""
    from helpline import config
    from helpline.extensions import bootstrap

    return bootstrap(config.load())


# Set by SIGTERM or SIGINT: the worker or scheduler then ends, it does not start again.
_stop_requested = threading.Event()


class HelplineWorker(Worker):
    """RQ's worker, noting a stop request (RQ's loop also just returns when it gives up after
    an error such as losing Redis, and then it should start again)."""

    max_connection_wait_time = 15.0  # RQ's reconnect back-off stops growing here (RQ: 60 s)

    def request_stop(self, signum, frame):
        _stop_requested.set()
        super().request_stop(signum, frame)


class HelplineCron(CronScheduler):
    """RQ's cron scheduler, noting a stop request."""

    def _request_stop(self, signum, frame):
        _stop_requested.set()
        super()._request_stop(signum, frame)


def run_worker(
    helpline, *, burst: bool = False, name: str | None = None, log_level: str = "INFO"
) -> None:
    """Run an RQ worker with RQ's scheduler (which moves delayed jobs onto the queues).

    RQ restarts a scheduler process that died, say because Redis was gone for a while, only
    in its maintenance pass; that pass runs every SCHEDULER_CHECK_SECONDS here instead of
    RQ's ten minutes, so delayed jobs (ending a lone caller, an offer's expiry) run again
    within about half a minute of Redis coming back. A worker that loses Redis, or starts
    while it is down, waits and starts again; a burst worker just fails."""
    configure_logging(helpline.settings.log_format, log_level)

    def work() -> None:
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
        try:
            worker.work(burst=burst, with_scheduler=True, logging_level=log_level)
        except RedisError:
            if worker.pubsub_thread:  # RQ's teardown did not get that far
                worker.pubsub_thread.stop()
            raise

    if burst:
        work()
    else:
        _keep_running("worker", work)


def build_cron(helpline, log_level: str = "INFO") -> CronScheduler:
    from rq.utils import import_attribute

    scheduler = HelplineCron(connection=helpline.rq_redis, name=None, logging_level=log_level)
    for job in PERIODIC:
        scheduler.register(import_attribute(job.path), queue_name=job.queue, interval=job.interval)
    return scheduler


def run_cron(helpline, *, log_level: str = "INFO") -> None:
    """Run the periodic schedule (a scheduler that died with Redis would leave every periodic
    job unscheduled, so it starts again when Redis is back)."""
    configure_logging(helpline.settings.log_format, log_level)
    _keep_running("cron", lambda: build_cron(helpline, log_level).start())


def _keep_running(what: str, run) -> None:
    """Call ``run`` again whenever it ends without a stop request (it lost Redis or gave up),
    after a pause that doubles up to 15 s."""
    log = logging.getLogger(__name__)
    pause = 1.0
    while True:
        started = time.monotonic()
        try:
            run()
            trouble = "stopped by itself"
        except RedisError as exc:
            trouble = f"lost Redis ({exc})"
        if _stop_requested.is_set():
            return
        if time.monotonic() - started > 60:
            pause = 1.0  # it ran well for a while: this is a new trouble
        log.warning("%s %s; starting again in %.0f s", what, trouble, pause)
        # RQ's signal handlers belong to the worker or scheduler that ended: while waiting,
        # a stop request ends the process at once
        signal.signal(signal.SIGTERM, _leave)
        signal.signal(signal.SIGINT, _leave)
        time.sleep(pause)
        pause = min(pause * 2, 15.0)


def _leave(signum, frame):
    raise SystemExit(0)
