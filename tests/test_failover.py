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
