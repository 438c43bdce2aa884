"""Real RQ processes: `helpline cron` schedules the periodic jobs, `helpline worker` runs them."""

from __future__ import annotations

import signal
import time
from datetime import timedelta

import redis
from rq import Queue

from helpline import keys
from helpline.localredis import RedisServer
from tests.processes import crash, start


def test_event_retention_job_runs_from_the_cron_in_a_real_worker(r, redis_url):
    now_ms = int(time.time() * 1000)
    old = now_ms - 91 * 86_400_000
    r.xadd(keys.EVENTS, {"type": "queued", "call": "CAold"}, id=f"{old}-0")
    r.xadd(keys.EVENTS, {"type": "queued", "call": "CAnew"}, id=f"{now_ms}-0")
    processes = [start(["cron"], redis_url), start(["worker"], redis_url)]
    try:
        deadline = time.time() + 30
        while time.time() < deadline and r.xlen(keys.EVENTS) > 1:
            time.sleep(0.2)
        remaining = [fields["call"] for _, fields in r.xrange(keys.EVENTS)]
        assert remaining == ["CAnew"]
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def finished(job) -> bool:
    try:
        return job.get_status(refresh=True) == "finished"
    except Exception:  # Redis still coming back
        return False


def within(seconds: float, condition) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_a_worker_outlives_redis_going_away_and_runs_delayed_jobs_soon_after(tmp_path):
    """Started while Redis is down, the worker waits for it; after a later outage (which ends
    RQ's scheduler process) it still runs jobs, and a delayed job runs within about a minute, not
    after RQ's ten-minute maintenance pass."""
    server = RedisServer(tmp_path / "breakable").start()
    url = server.url
    server.stop()
    worker = start(["worker"], url)  # Redis is down
    try:
        time.sleep(3)
        assert worker.poll() is None  # still there, waiting
        server.start()
        rq_redis = redis.Redis.from_url(url)
        now = Queue("high", connection=rq_redis).enqueue("workers.routing.release_callbacks")
        assert within(60, lambda: finished(now))

        server.stop()
        time.sleep(8)  # long enough for the scheduler's heartbeat to fail
        server.start()
        assert worker.poll() is None
        later = Queue("high", connection=rq_redis).enqueue_in(
            timedelta(seconds=1), "workers.routing.release_callbacks"
        )
        assert within(90, lambda: finished(later))
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            crash(worker)
        server.stop()


def test_a_worker_or_scheduler_waiting_for_redis_stops_when_asked(tmp_path):
    server = RedisServer(tmp_path / "gone").start()
    server.stop()
    processes = [start(["worker"], server.url), start(["cron"], server.url)]
    try:
        time.sleep(4)  # both are waiting to start again
        for process in processes:
            assert process.poll() is None
            process.send_signal(signal.SIGTERM)
        assert [process.wait(timeout=10) for process in processes] == [0, 0]
    finally:
        for process in processes:
            if process.poll() is None:
                crash(process)
