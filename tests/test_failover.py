"""Losing the Redis primary mid-surge: Redis Sentinel promotes the replica, every process of the
helpline follows by itself, and nothing is lost.

Real processes: a primary (AOF, ``min-replicas-to-write 1``), a replica and three
``redis-server --sentinel`` on free ports (``tests.sentinels``); gunicorn with two web
processes, two RQ workers and the cron scheduler, all finding the primary through the
sentinels; the simulator places a surge of calls while volunteers take them through the API.
The primary is SIGKILLed mid-surge and never comes back. Then the checker accounts for every
caller as the fault suite does (``tests/test_faults.py``), every webhook was answered within
Twilio's 15 s, and the test prints the figures that ``docs/reliability.md`` gives: seconds
from the kill to the sentinels' new primary, and to the first call routed after it.
"""

from __future__ import annotations

import threading
import time

from tests.sentinels import SentinelRedis
from tests.stack import Stack
from tests.test_faults import assert_accounted, calls

TWILIO_WAITS_MS = 15_000


class FirstRoutedCall(threading.Thread):
    """Notes when a volunteer first takes a caller after the kill (an accept is a Lua script
    on the primary: it needs the new one)."""

    def __init__(self, stack: Stack):
        super().__init__(daemon=True)
        self.stack = stack
        self.since: float | None = None
        self.before = 0
        self.at: float | None = None
        self.done = threading.Event()

    def accepted(self) -> int:
        return sum(len(agent.accepted) for agent in self.stack.agents)

    def start_watching(self) -> None:
        self.before, self.since = self.accepted(), time.time()
        self.start()

    def run(self) -> None:
        while not self.done.wait(0.02):
            if self.accepted() > self.before:
                self.at = time.time()
                return

    def seconds(self) -> float | None:
        return None if self.at is None else round(self.at - self.since, 2)


def test_a_primary_killed_mid_surge_fails_over_and_no_caller_is_lost(tmp_path):
    sentinel = SentinelRedis(tmp_path / "redis")
    stack = Stack(tmp_path / "stack", speed=15, redis=sentinel)
    stack.start()
    try:
        stack.volunteers(5, talk_seconds=20)
        watcher = FirstRoutedCall(stack)

        def kill() -> None:
            sentinel.kill_primary()
            watcher.start_watching()

        killer = threading.Timer(4.0, kill)
        killer.start()
        calls(stack, 30, every=0.2)
        killer.join()
        failover = sentinel.wait_for_failover()
        assert sentinel.primary_port() == sentinel.replica.port
        assert_accounted(stack)
        watcher.done.set()
        first_routed = watcher.seconds()
        slowest = max(
            (e.get("ms") or 0 for leg in stack.legs for e in leg.entries("request")), default=0
        )
        print(
            f"failover: {failover:.2f} s to the new primary, {first_routed} s to the first "
            f"routed call; slowest webhook {slowest / 1000:.2f} s"
        )
        assert first_routed is not None, "no call was routed after the kill"
        for leg in stack.legs:  # Twilio never had to give up on an answer, nor hang up
            assert not [e for e in leg.entries("request") if e.get("error") == 11205], leg.sid
            assert all((e.get("ms") or 0) < TWILIO_WAITS_MS for e in leg.entries("request"))
            assert "an application error has occurred" not in leg.said()
    finally:
        stack.stop()


# -- the client's retries, without Sentinel -------------------------------------------------


def test_a_safe_command_waits_for_redis_to_come_back_and_an_unsafe_one_does_not(tmp_path):
    from helpline.extensions import FailoverRedis
    from helpline.localredis import RedisServer

    server = RedisServer(tmp_path / "redis")
    client = FailoverRedis.from_url(f"redis://127.0.0.1:{server.port}/0", decode_responses=True)
    threading.Timer(0.5, server.start).start()  # Redis comes back in half a second
    try:
        started = time.monotonic()
        assert client.get("anything") is None  # tried again until it answered
        assert 0.4 < time.monotonic() - started < client.retry_seconds
    finally:
        time.sleep(0.1)
        server.stop()
    started = time.monotonic()
    try:
        client.incr("counter")  # not safe to run twice: tried once
        raise AssertionError("INCR reached a stopped Redis")
    except Exception as exc:  # noqa: BLE001
        assert "Connection" in type(exc).__name__ or "connect" in str(exc).lower()
    assert time.monotonic() - started < 1.5


def test_after_giving_up_the_client_fails_at_once_until_redis_answers(tmp_path):
    import redis

    from helpline.extensions import SAFE_TO_RETRY, FailoverRedis
    from helpline.localredis import free_port

    assert {"EVALSHA", "GET", "HGETALL", "SET"} <= SAFE_TO_RETRY
    assert not {"INCR", "HINCRBY", "XADD", "LPUSH", "RPOPLPUSH"} & SAFE_TO_RETRY

    class Quick(FailoverRedis):
        retry_seconds = 0.3

    client = Quick.from_url(f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    for _ in range(2):
        try:
            client.get("x")
        except redis.ConnectionError:
            pass
    first_two = time.monotonic() - started
    assert 0.2 < first_two < 1.0  # the first waited its 0.3 s, the second failed at once
