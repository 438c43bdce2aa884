"""The job registry: the RQ queues, every periodic job declared once (dotted path, queue,
seconds between runs), and the entry points of the worker and the scheduler.

Both sides read it: the ``workers`` package schedules and guards its jobs from here, and the
web side (metrics, the operations page, the ``helpline worker`` and ``helpline cron``
commands) learns about the workers only from here. Jobs are named by dotted path, as RQ
enqueues them, so ``helpline`` never imports the workers' code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The queues, most urgent first (a worker takes from them in this order).
HIGH, DEFAULT, LOW = "high", "default", "low"
QUEUES = (HIGH, DEFAULT, LOW)


@dataclass(frozen=True)
class PeriodicJob:
    path: str  # dotted path of the job function
    queue: str
    interval: int  # seconds between runs

    @property
    def name(self) -> str:
        """The job's short name (its function's name): in Redis keys, metrics and pages."""
        return self.path.rsplit(".", 1)[1]


PERIODIC = (
    PeriodicJob("workers.routing.repair_routing", HIGH, 30),
    PeriodicJob("workers.reports.process_events", DEFAULT, 10),
    PeriodicJob("workers.reports.sample_duty", DEFAULT, 60),
    PeriodicJob("workers.reports.detect_bottlenecks", LOW, 900),
    PeriodicJob("workers.maintenance.trim_events", LOW, 3600),
)

# ``run_worker(helpline, burst=, name=, log_level=)`` and ``run_cron(helpline, log_level=)``
RUN_WORKER = "workers.run_worker"
RUN_CRON = "workers.run_cron"


def periodic_job(path: str) -> PeriodicJob:
    """The declaration of the periodic job at ``path`` (a ``KeyError`` names an undeclared
    one)."""
    for job in PERIODIC:
        if job.path == path:
            return job
    raise KeyError(f"{path} is not declared in helpline.jobs.PERIODIC")


def run(path: str, *args: Any, **kwargs: Any) -> Any:
    """Call the worker-side function at ``path`` (imported only now, in the process that runs
    it)."""
    from rq.utils import import_attribute

    return import_attribute(path)(*args, **kwargs)
