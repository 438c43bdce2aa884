"""Processes the tests start and stop: `helpline` commands in their own process group, and a
crash that takes every process they forked along (RQ's scheduler, its work horse)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def start(args, redis_url):
    """A `helpline` command with the test's Redis, its output discarded."""
    env = {**os.environ, "REDIS_URL": redis_url, "HELPLINE_ENV": "test"}
    return subprocess.Popen(
        [str(BIN / "helpline"), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def descendants(pid: int) -> list[int]:
    found = children(pid)
    for child in list(found):
        found += descendants(child)
    return found


def crash(process: subprocess.Popen) -> None:
    """SIGKILL a process and everything it forked, as when its machine or container dies (RQ's
    work horse puts itself in its own process group, so killing the group is not enough)."""
    for pid in [*descendants(process.pid), process.pid]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=10)
