"""Benchmark: counting routing events into the reports, by real RQ processes.

1. Throughput: one `helpline worker` process counts a backlog of events (a call's worth of
   each kind); the baseline in the same run is a bare read of the same events in the same
   batches (XRANGE only), the floor any event processor pays.
2. Lag under a surge: events arrive at ten times a peak hour's rate while `helpline cron` and
   one worker count them every 10 s; the lag (age of the oldest uncounted event) is sampled
   and set beside the lag at the peak rate itself, measured in the same run.

Usage: python bench/events/run.py [--events 60000] [--seconds 60] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from helpline import keys  # noqa: E402
from helpline.localredis import RedisServer  # noqa: E402

BIN = Path(sys.executable).parent
# A busy hour at the helpline: 600 calls; each call leaves about 8 events in the stream.
PEAK_CALLS_PER_HOUR = 600
EVENTS_PER_CALL = 8
TOPICS = ("device", "password", "digid", "bank", "general")


def call_events(n: int, t: int) -> list[dict]:
    sid = f"CA{n:032d}"
    member = f"c:{sid}"
    topic = random.choice(TOPICS)
    wait = random.randint(5_000, 400_000)
    talk = random.randint(60_000, 900_000)
    base = {"topic": topic}
    return [
        {"type": "queued", "call": sid, "t": t, "arrival": t, "lang": "nl", "priority": 0,
         "referral": random.choice(("bank", "tv_advert", "")), "repeat": "0",
         "caller": f"p{n % 5000:015d}", "region": random.choice(("020", "010", "mobile")),
         **base},
        {"type": "offered", "member": member, "volunteer": "v1", "t": t + wait - 5000,
         "widened": "0", **base},
        {"type": "accepted", "member": member, "volunteer": "v1", "t": t + wait - 3000},
        {"type": "volunteer_rung", "member": member, "volunteer": "v1", "t": t + wait - 2000},
        {"type": "connected", "member": member, "volunteer": "v1", "t": t + wait,
         "wait_ms": wait, "widened": "0", **base},
        {"type": "completed", "member": member, "volunteer": "v1", "t": t + wait + talk,
         "talk_ms": talk, **base},
        {"type": "wrapup", "member": member, "volunteer": "v1", "t": t + wait + talk + 30_000,
         "w_outcome": "solved", "w_topic": topic, "w_subtopic": "", "w_local_help": "",
         "w_place": "", "w_recurring": "0", "w_note": "", **base},
        {"type": "volunteer_state", "volunteer": "v1", "t": t + wait + talk + 31_000,
         "from": "wrapup", "to": "available", "reason": ""},
    ]  # fmt: skip


def add_calls(client: redis.Redis, first: int, count: int) -> int:
    now = int(time.time() * 1000)
    with client.pipeline(transaction=False) as pipe:
        written = 0
        for n in range(first, first + count):
            for event in call_events(n, now):
                pipe.xadd(keys.EVENTS, {k: str(v) for k, v in event.items()})
                written += 1
        pipe.execute()
    return written


def start(role: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "helpline"), *role],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def throughput(client: redis.Redis, env: dict, events: int) -> tuple[float, float]:
    client.flushall()
    written = add_calls(client, 0, events // EVENTS_PER_CALL)
    # baseline: read the same events in the same batches, nothing else
    started = time.perf_counter()
    cursor, read = "0-0", 0
    while True:
        batch = client.xrange(keys.EVENTS, min=f"({cursor}", count=500)
        if not batch:
            break
        read += len(batch)
        cursor = batch[-1][0]
    read_rate = read / (time.perf_counter() - started)
    # ours: one worker process counts them all
    last = client.xrevrange(keys.EVENTS, count=1)[0][0]
    worker = start(["worker"], env)
    try:
        from rq import Queue

        time.sleep(1.5)  # the worker is up and listening
        rq = redis.Redis.from_url(env["REDIS_URL"])
        started = time.perf_counter()
        Queue("default", connection=rq).enqueue("workers.reports.process_events")
        while (client.get(keys.AGG_CURSOR) or "") != last:
            time.sleep(0.01)
        rate = written / (time.perf_counter() - started)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    return rate, read_rate


def lag_under(client: redis.Redis, env: dict, events_per_second: float, seconds: int) -> dict:
    client.flushall()
    processes = [start(["cron"], env), start(["worker"], env)]
    stop = threading.Event()
    produced = [0]

    def produce():
        per_call = 1 / (events_per_second / EVENTS_PER_CALL)
        n = 1_000_000
        next_at = time.perf_counter()
        while not stop.is_set():
            add_calls(client, n, 1)
            n += 1
            produced[0] += EVENTS_PER_CALL
            next_at += per_call
            time.sleep(max(0.0, next_at - time.perf_counter()))

    samples = []
    producer = threading.Thread(target=produce, daemon=True)
    try:
        time.sleep(2)
        producer.start()
        ends = time.time() + seconds
        while time.time() < ends:
            cursor = client.get(keys.AGG_CURSOR) or "0-0"
            oldest = client.xrange(keys.EVENTS, min=f"({cursor}", count=1)
            lag = 0.0
            if oldest:
                lag = time.time() - int(oldest[0][0].split("-")[0]) / 1000
            samples.append(lag)
            time.sleep(0.25)
    finally:
        stop.set()
        producer.join(5)
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    samples.sort()
    return {
        "rate": events_per_second,
        "max": samples[-1],
        "p95": samples[int(0.95 * (len(samples) - 1))],
        "median": samples[len(samples) // 2],
        "produced": produced[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=60_000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--write")
    args = parser.parse_args()
    server = RedisServer(Path(tempfile.mkdtemp()) / "redis").start()
    env = {**os.environ, "REDIS_URL": server.url, "HELPLINE_ENV": "test"}
    client = redis.Redis.from_url(server.url, decode_responses=True)
    peak = PEAK_CALLS_PER_HOUR * EVENTS_PER_CALL / 3600
    try:
        rate, read_rate = throughput(client, env, args.events)
        quiet = lag_under(client, env, peak, args.seconds)
        surge = lag_under(client, env, 10 * peak, args.seconds)
    finally:
        server.stop()
    table = "\n".join(
        [
            "| measure | ours | baseline (same run) | ours / baseline |",
            "|---|---|---|---|",
            f"| events counted per second, one worker | {rate:,.0f} | {read_rate:,.0f} (bare "
            f"XRANGE reads) | {rate / read_rate:.0%} |",
            f"| headroom: counting rate / surge arrival rate | {rate:,.0f} / "
            f"{surge['rate']:.1f} | | {rate / surge['rate']:,.0f}× |",
            f"| lag at 10× peak ({surge['rate']:.1f} events/s), p95 / max | "
            f"{surge['p95']:.1f} s / {surge['max']:.1f} s | {quiet['p95']:.1f} s / "
            f"{quiet['max']:.1f} s at peak ({quiet['rate']:.1f} events/s) | "
            f"{surge['p95'] / max(quiet['p95'], 0.001):.2f}× |",
        ]
    )
    print(table)
    if args.write:
        how = (
            f"on this machine ({os.cpu_count()} cores), {args.events:,} events backlog, "
            f"{args.seconds} s per load, one `helpline worker` and `helpline cron`; peak hour "
            f"= {PEAK_CALLS_PER_HOUR} calls × {EVENTS_PER_CALL} events"
        )
        write_section(Path(args.write), "events", how, table)


if __name__ == "__main__":
    main()
