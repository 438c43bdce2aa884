"""The guard around periodic jobs, with its clock pinned: one run per period however many
schedulers enqueue the job, and a failing job backs off, doubling the pause, then recovers."""

from __future__ import annotations

import json

import pytest

import workers
from helpline import keys
from helpline.jobs import PERIODIC, QUEUES
from workers import periodic as guard

START = 1_800_000_005.0  # five seconds into a ten-second period


@pytest.fixture
def clock(redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    workers.state.cache_clear()
    now = [START]
    monkeypatch.setattr(guard, "_now", lambda: now[0])
    yield now
    workers.state.cache_clear()


def test_a_second_copy_in_the_same_period_does_no_work(clock, r):
    done = []
    job = guard.periodic("test_once", 10)(lambda: done.append(clock[0]) or len(done))
    assert job() == 1
    clock[0] += 4  # the other scheduler's copy, a moment later
    assert job() == "ran-this-period"
    clock[0] += 1  # the next period
    assert job() == 2
    assert done == [START, START + 5]
    runs = [json.loads(run) for run in r.lrange(keys.runs("test_once"), 0, -1)]
    assert [run["period"] for run in runs] == [180_000_001, 180_000_000]


def test_a_failing_job_backs_off_doubling_the_pause_and_recovers(clock, r):
    answers = iter([RuntimeError("no connection"), RuntimeError("still none"), "counted"])

    def flaky():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    job = guard.periodic("test_flaky", 10)(flaky)
    with pytest.raises(RuntimeError):
        job()
    status = r.hgetall(keys.job_status("test_flaky"))
    assert status["failures"] == "1" and float(status["backoff_until"]) == START + 20
    assert status["last_error"] == "RuntimeError: no connection"
    clock[0] += 19
    assert job() == "backing-off"
    clock[0] += 1
    with pytest.raises(RuntimeError):
        job()
    status = r.hgetall(keys.job_status("test_flaky"))
    assert status["failures"] == "2" and float(status["backoff_until"]) == START + 20 + 40
    clock[0] += 40
    assert job() == "counted"
    status = r.hgetall(keys.job_status("test_flaky"))
    assert status["failures"] == "0" and float(status["backoff_until"]) == 0
    assert status["last_error"] == "RuntimeError: still none"  # kept for the operations page


def test_every_periodic_job_runs_with_the_name_queue_and_interval_declared_for_it():
    from rq.utils import import_attribute

    for job in PERIODIC:
        guarded = import_attribute(job.path)
        assert (guarded.periodic_name, guarded.interval) == (job.name, job.interval)
        assert job.queue in QUEUES
    assert len({job.name for job in PERIODIC}) == len(PERIODIC)


def test_a_job_scheduled_without_a_declaration_is_refused():
    def stray_job():
        return "never"

    with pytest.raises(KeyError, match="stray_job is not declared"):
        guard.scheduled(stray_job)
