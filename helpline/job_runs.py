"""What the periodic jobs have done: each job's health (failures in a row, back-off, the last
error and success), the claim that makes one run per period, and the latest runs. The one
reader and writer of those keys: the guard in ``workers.periodic`` writes, the operations
page, the live figures and the metrics read."""

from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from helpline import keys
from helpline.jobs import PeriodicJob

KEEP_RUNS = 200  # the latest runs kept per job


@dataclass(frozen=True)
class JobStatus:
    failures: int
    backoff_until: float
    last_error: str
    last_success: float

    @classmethod
    def from_hash(cls, data: dict) -> JobStatus:
        return cls(
            failures=int(data.get("failures") or 0),
            backoff_until=float(data.get("backoff_until") or 0),
            last_error=data.get("last_error") or "",
            last_success=float(data.get("last_success") or 0),
        )


class JobRuns:
    def __init__(self, client: redis.Redis):
        self.redis = client

    def status(self, name: str) -> JobStatus:
        return JobStatus.from_hash(self.redis.hgetall(keys.job_status(name)))

    def claim(self, name: str, period: int, ttl: int) -> bool:
        """True for the first run of ``name`` in ``period`` (two schedulers run it once)."""
        return bool(self.redis.set(keys.period_run(name, period), "1", nx=True, ex=ttl))

    def failed(self, name: str, *, at: float, failures: int, backoff: float, reason: str) -> None:
        self.redis.hset(
            keys.job_status(name),
            mapping={
                "failures": failures,
                "backoff_until": at + backoff,
                "last_error": reason[:250],
                "last_failure": at,
            },
        )

    def succeeded(self, name: str, *, at: float, run: dict) -> None:
        """Clear the failures and keep the run (period, start, seconds, result)."""
        self.redis.hset(
            keys.job_status(name), mapping={"failures": 0, "backoff_until": 0, "last_success": at}
        )
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.lpush(keys.runs(name), json.dumps(run))
            pipe.ltrim(keys.runs(name), 0, KEEP_RUNS - 1)
            pipe.execute()

    def runs(self, name: str) -> list[dict]:
        """The latest runs, newest first."""
        return [json.loads(run) for run in self.redis.lrange(keys.runs(name), 0, -1)]

    def health(self, jobs: tuple[PeriodicJob, ...], now: float) -> list[dict]:
        """Each job's state for the operations page; late after three missed intervals."""
        out = []
        for job in jobs:
            status = self.status(job.name)
            last = status.last_success
            out.append(
                {
                    "name": job.name,
                    "interval": job.interval,
                    "failures": status.failures,
                    "last_error": status.last_error,
                    "last_success_ago": round(now - last) if last else None,
                    "late": (not last) or now - last > 3 * job.interval,
                }
            )
        return out
