"""The opening hours in force: the environment's (``HELPLINE_OPENING_HOURS``,
``HELPLINE_HOLIDAYS``), overridden by what a coordinator sets at run time (``keys.HOURS``),
and a closure. Read on every incoming call, so kept in memory for a few seconds; the rules
themselves (what is open when) are the pure functions in ``helpline.hours``."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import redis

from helpline import hours, keys
from helpline.clock import Clock
from helpline.config import Settings


class OpeningHours:
    def __init__(self, client: redis.Redis, settings: Settings, clock: Clock):
        self.redis = client
        self.settings = settings
        self.clock = clock

    _open_kept: tuple | None = None  # (schedule, second, open status): see status
    SCHEDULE_TTL = 5.0  # seconds another process may see old hours after a change

    def schedule(self) -> hours.Schedule:
        """The opening hours: the environment's, overridden by a coordinator's in Redis.

        Kept in memory for a few seconds: it is read on every incoming call and changes rarely.
        """
        cached = getattr(self, "_schedule_cache", None)
        if cached and time.monotonic() - cached[0] < self.SCHEDULE_TTL:
            return cached[1]
        try:
            schedule = self._load_schedule()
        except redis.RedisError:
            # Redis is away: keep answering calls with the hours we knew, else the defaults.
            return cached[1] if cached else self._load_schedule(stored={})
        self._schedule_cache = (time.monotonic(), schedule)
        return schedule

    def status(self) -> hours.Status:
        """Whether the helpline is open now (the hours, holidays and closure in force).

        Every incoming call asks. Without a closure, an "open" answer cannot change within a
        whole second (hours change on whole minutes, holidays on whole days), so it is kept for
        the rest of that second.
        """
        schedule = self.schedule()
        now_ms = self.clock.now_ms()
        second = now_ms // 1000
        kept = self._open_kept
        if kept is not None and kept[0] is schedule and kept[1] == second:
            return kept[2]
        status = hours.status(schedule, datetime.fromtimestamp(now_ms / 1000, tz=UTC))
        if status.open and schedule.closure is None:
            self._open_kept = (schedule, second, status)
        return status

    def as_written(self) -> tuple[str, str]:
        """The weekly hours and the closed days as written, for a coordinator to edit: theirs
        when set at run time, else the settings' (read fresh, not from the cache)."""
        stored = self.redis.hgetall(keys.HOURS)
        weekly = stored.get("weekly") or self.settings.opening_hours
        return weekly, stored.get("holidays", self.settings.holidays)

    def _load_schedule(self, stored: dict | None = None) -> hours.Schedule:
        if stored is None:
            stored = self.redis.hgetall(keys.HOURS)
        tz = hours.zone(self.settings.timezone)
        weekly = hours.parse_weekly(stored.get("weekly") or self.settings.opening_hours)
        holiday_spec = hours.parse_holidays(
            stored["holidays"] if "holidays" in stored else self.settings.holidays
        )
        closure = None
        if stored.get("closure"):
            raw = json.loads(stored["closure"])
            until = datetime.fromisoformat(raw["until"]) if raw.get("until") else None
            closure = hours.Closure(reason=raw.get("reason") or {}, until=until)
        return hours.Schedule(weekly, holiday_spec, tz, closure)

    def set(self, *, weekly: str | None = None, holidays: str | None = None) -> None:
        self._schedule_cache = None
        if weekly is not None:
            hours.parse_weekly(weekly)
            self.redis.hset(keys.HOURS, "weekly", weekly)
        if holidays is not None:
            hours.parse_holidays(holidays)
            self.redis.hset(keys.HOURS, "holidays", holidays)

    def close(self, reason: dict[str, str], until: datetime | None) -> None:
        self._schedule_cache = None
        value = {"reason": reason, "until": until.isoformat() if until else None}
        self.redis.hset(keys.HOURS, "closure", json.dumps(value))

    def reopen(self) -> None:
        self._schedule_cache = None
        self.redis.hdel(keys.HOURS, "closure")

    def reset(self) -> None:
        self._schedule_cache = None
        self.redis.delete(keys.HOURS)
