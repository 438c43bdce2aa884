"""Real RQ processes: `helpline cron` schedules the periodic jobs, `helpline worker` runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpline import keys

BIN = Path(sys.executable).parent


def start(args, redis_url):
    env = {**os.environ, "REDIS_URL": redis_url, "HELPLINE_ENV": "test"}
    return subprocess.Popen(
        [str(BIN / "helpline"), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


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
