"""The helpline's time. Wall-clock time in production; in demos and tests a clock that runs
faster (``HELPLINE_CLOCK_SPEED``), or one a test moves by hand."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from helpline.config import Settings


class Clock:
    """Wall-clock time; tests and the simulator may replace it with a controlled clock."""

    def now_ms(self) -> int:
        return int(time.time() * 1000)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.now_ms() / 1000, tz=UTC)


class ScaledClock(Clock):
    """Time that runs ``speed`` times faster than the wall clock from ``epoch_ms`` on.

    The app (HELPLINE_CLOCK_SPEED, HELPLINE_CLOCK_EPOCH) and the simulator compute the same
    function of wall time, so both agree on "now" without talking to each other.
    """

    def __init__(self, speed: float, epoch_ms: int):
        self.speed = speed
        self.epoch_ms = epoch_ms

    def now_ms(self) -> int:
        wall = time.time() * 1000
        return int(self.epoch_ms + (wall - self.epoch_ms) * self.speed)


def clock_from_settings(settings: Settings) -> Clock:
    speed = settings.clock_speed or 1.0
    if speed == 1:
        return Clock()
    return ScaledClock(speed, int(settings.clock_epoch or time.time() * 1000))
