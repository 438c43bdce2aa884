"""Simulated time, shared by every part of the simulator.

The app's ``ScaledClock`` (settings ``HELPLINE_CLOCK_SPEED`` and ``HELPLINE_CLOCK_EPOCH``)
computes the same function of wall time, so both sides agree on "now" without talking.
"""

from __future__ import annotations

import threading
import time


class SimClock:
    """Simulated time: ``speed`` times the wall clock, counted from ``epoch_ms``."""

    def __init__(self, speed: float = 1.0, epoch_ms: int | None = None):
        self.speed = speed
        self.epoch_ms = epoch_ms if epoch_ms is not None else int(time.time() * 1000)

    def now_ms(self) -> int:
        wall = time.time() * 1000
        return int(self.epoch_ms + (wall - self.epoch_ms) * self.speed)

    def now(self) -> float:
        return self.now_ms() / 1000

    def sleep(self, seconds: float, event: threading.Event | None = None) -> None:
        real = max(0.0, seconds) / self.speed
        if event is None:
            time.sleep(real)
        else:
            event.wait(real)
