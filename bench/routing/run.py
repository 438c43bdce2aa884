"""Benchmark: full routing cycles against a private Redis, beside plain PING round trips.

    python bench/routing/run.py [--cycles 2000] [--write docs/benchmarks.md]

A cycle: a caller arrives, the volunteer's wrap-up ends, the head caller is offered to them,
accepted, connected, and the call completes (the volunteer is in wrap-up again). The line
keeps its length, so a cycle costs the same at every size. Measured with 100 callers waiting,
then with 100,000 waiting and 1,000 volunteers.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from helpline import config as config_module  # noqa: E402
from helpline import keys  # noqa: E402
from helpline.calls import CallStore  # noqa: E402
from helpline.ivr import flow as flow_module  # noqa: E402
from helpline.localredis import RedisServer  # noqa: E402
from helpline.routing.router import Router  # noqa: E402
from ivr_flows import DEFAULT_FLOW  # noqa: E402


class CountingRedis(redis.Redis):
    """Counts round trips (every command sent on its own)."""

    round_trips = 0

    def execute_command(self, *args, **options):
        CountingRedis.round_trips += 1
        return super().execute_command(*args, **options)


def setup(url: str, waiting: int, volunteers: int):
    client = CountingRedis.from_url(url, decode_responses=True)
    client.flushall()
    config = config_module.load({"HELPLINE_ENV": "test"})
    flow = flow_module.load(DEFAULT_FLOW)
    router = Router(client, config, flow)
    store = CallStore(client, config)
    for n in range(volunteers):
        router.save_volunteer(
            f"v{n}", name=f"v{n}", phone="+31600000000", skills=["digid"], languages=["nl"]
        )
    scripts = store.scripts
    batch = client.pipeline(transaction=False)
    now = store.clock.now_ms()
    for n in range(waiting):
        sid = f"CAw{n:031d}"
        scripts.enqueue(
            [keys.call(sid), keys.waiting("digid", "nl"), keys.EVENTS, keys.caller("-")],
            sid=sid,
            member=keys.call_member(sid),
            now=now,
            arrival=now - waiting + n,
            topic="digid",
            lang="nl",
            priority=0,
            referral="",
            repeat_window=1,
            repeat_bonus=0,
            call_ttl=3600,
            history_ttl=3600,
            caller="",
            region="020",
            span=keys.PRIORITY_SPAN,
            max_priority=keys.MAX_PRIORITY,
            client=batch,
        )
        if n % 2000 == 1999:
            batch.execute()
    batch.execute()
    client.delete(keys.EVENTS)  # a huge stream is not what we measure
    router.set_state("v0", "available")
    # put v0 in wrap-up with its first call, so every cycle starts the same way
    member = client.hget(keys.volunteer("v0"), "offer")
    router.accept("v0", member)
    router.connected("v0", member)
    router.call_done("v0", member)
    return client, router, store


SIDS = itertools.count()


def cycles(client, router, store, count: int) -> tuple[float, float]:
    start_trips = CountingRedis.round_trips
    started = time.perf_counter()
    for _ in range(count):
        store.enqueue(f"CAc{next(SIDS):031d}", "+31201234567", "digid", "nl", None)
        router.end_wrapup("v0")  # available: the head of the line is offered at once
        member = client.hget(keys.volunteer("v0"), "offer")
        assert router.accept("v0", member) == "accepted"
        router.connected("v0", member)
        router.call_done("v0", member)
    elapsed = time.perf_counter() - started
    return elapsed / count, (CountingRedis.round_trips - start_trips) / count


def pings(client, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        client.ping()
    return (time.perf_counter() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cycles", type=int, default=2000)
    parser.add_argument("--write")
    args = parser.parse_args()
    server = RedisServer(Path(tempfile.mkdtemp()) / "redis").start()
    rows = []
    try:
        for waiting, volunteers in ((100, 10), (100_000, 1000)):
            client, router, store = setup(server.url, waiting, volunteers)
            cycles(client, router, store, 200)  # warm up
            per_cycle, trips = cycles(client, router, store, args.cycles)
            per_ping = pings(client, int(args.cycles * trips))
            floor = per_ping * trips
            rows.append((waiting, volunteers, per_cycle, trips, floor))
    finally:
        server.stop()
    base = rows[0][2]
    lines = [
        "| callers waiting | volunteers | cycles/s | round trips per cycle | "
        "floor cycles/s (same number of PINGs) | ours / floor | cycle cost vs 100 waiting |",
        "|---|---|---|---|---|---|---|",
    ]
    for waiting, volunteers, per_cycle, trips, floor in rows:
        lines.append(
            f"| {waiting:,} | {volunteers:,} | {1 / per_cycle:,.0f} | {trips:.1f} | "
            f"{1 / floor:,.0f} | {floor / per_cycle:.0%} | {per_cycle / base:.2f}× |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write:
        write_section(
            Path(args.write),
            "routing",
            f"{args.cycles} cycles per row, one client, private redis-server on the same machine",
            table,
        )


if __name__ == "__main__":
    main()
