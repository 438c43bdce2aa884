"""Benchmark: a surge. 2,000 callers within 10 minutes against 50 volunteers, with 2 web
processes and 2 RQ workers on one Redis (time compressed by the simulator's clock), beside a
quiet run on the same stack. Reports callers lost (must be 0), how every caller ended, and the
webhook latency p50/p99 under the surge against the quiet figure.

Usage: python bench/surge/run.py [--callers 2000] [--minutes 10] [--speed 5] [--write FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from tests.stack import TOPIC_KEYS, Stack  # noqa: E402


def latencies(stack: Stack, legs) -> list[float]:
    return [
        entry["ms"]
        for leg in legs
        for entry in leg.entries("request")
        if entry.get("ms") is not None
    ]


def pct(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(share * len(values)))] if values else 0.0


def run(callers: int, minutes: float, speed: float, volunteers: int) -> dict:
    directory = Path(tempfile.mkdtemp())
    stack = Stack(
        directory / "stack",
        speed=speed,
        web_processes=2,
        workers=2,
        HELPLINE_WAIT_SEGMENT=60,
        HELPLINE_OFFER_TIMEOUT=30,
    )
    stack.sim.twiml.play_seconds = 60
    stack.start()
    rng = random.Random(7)
    try:
        stack.volunteers(volunteers, talk_seconds=240)
        time.sleep(3)
        # quiet: a few callers, one at a time
        for n in range(20):
            stack.caller(900_000 + n, rng.choice(list(TOPIC_KEYS)), patience=600)
            time.sleep(3)
        quiet_legs = list(stack.legs)
        quiet = latencies(stack, quiet_legs)
        # the surge: arrivals spread evenly over `minutes` of helpline time
        gap = minutes * 60 / callers / speed
        started = time.time()
        for n in range(callers):
            patience = rng.uniform(120, 900)  # helpline seconds before a caller gives up
            stack.caller(n, rng.choice(list(TOPIC_KEYS)), patience=patience)
            time.sleep(max(0.0, started + (n + 1) * gap - time.time()))
        settled = stack.settle(timeout=1800)
        time.sleep(3)
        account = stack.account()
        surge_legs = [leg for leg in stack.legs if leg not in quiet_legs]
        surge = latencies(stack, surge_legs)
    finally:
        stack.stop()
    return {
        "settled": settled,
        "account": account,
        "quiet": (pct(quiet, 0.5), pct(quiet, 0.99), len(quiet)),
        "surge": (pct(surge, 0.5), pct(surge, 0.99), len(surge)),
        "mean_surge": statistics.fmean(surge) if surge else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--callers", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--speed", type=float, default=5)
    parser.add_argument("--volunteers", type=int, default=50)
    parser.add_argument("--write")
    args = parser.parse_args()
    result = run(args.callers, args.minutes, args.speed, args.volunteers)
    a = result["account"]
    q50, q99, qn = result["quiet"]
    s50, s99, sn = result["surge"]
    table = "\n".join(
        [
            "| measure | surge | quiet (same run) | surge / quiet |",
            "|---|---|---|---|",
            f"| webhook latency p50 | {s50:.1f} ms | {q50:.1f} ms | {s50 / max(q50, 0.01):.1f}× |",
            f"| webhook latency p99 | {s99:.1f} ms | {q99:.1f} ms | {s99 / max(q99, 0.01):.1f}× |",
            f"| webhook requests | {sn:,} | {qn:,} | |",
            "",
            "| callers | connected | called back | hung up themselves | still waiting | lost |"
            " connected twice | volunteers stuck | report = simulator |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {a.callers:,} | {a.connected:,} | {a.called_back:,} | {a.hung_up:,} | "
            f"{a.waiting:,} | {len(a.lost)} | {len(a.twice)} | {len(a.stuck)} | "
            f"{'yes' if a.report == a.simulator else f'no: {a.report} vs {a.simulator}'} |",
        ]
    )
    print(table)
    if args.write:
        how = (
            f"on this machine ({os.cpu_count()} cores): {args.callers:,} callers within "
            f"{args.minutes:g} helpline minutes against {args.volunteers} volunteers (talks of "
            f"4 minutes), callers giving up after 2 to 15 minutes; 2 gunicorn web processes, "
            f"2 RQ workers, cron, one Redis; clock {args.speed:g}× faster than the wall; the "
            f"quiet figure is 20 callers one at a time on the same stack first"
        )
        write_section(Path(args.write), "surge", how, table)
    if a.lost or a.twice or not result["settled"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
