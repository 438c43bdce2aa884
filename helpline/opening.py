"""The opening hours in force: the environment's (``HELPLINE_OPENING_HOURS``,
``HELPLINE_HOLIDAYS``), overridden by what a coordinator sets at run time (``keys.HOURS``),
and a closure. Read on every incoming call, so kept in memory for a few seconds; the rules
themselves (what is open when) are the pure functions in ``helpline.hours``."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta

import redis

from helpline import hours, keys
from helpline.clock import Clock
from helpline.config import Settings
from helpline.texts import N_, Refusal

log = logging.getLogger(__name__)
CLOSURE_AHEAD = timedelta(days=366)  # a closure ends within a year, or is open-ended


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
        """The schedule from what is stored, each stored value checked as it is read: one
        that does not parse (or a closure's end past any sane date) is replaced by the
        settings' value (an open-ended closure), so no stored value can break the phone menu."""
        if stored is None:
            stored = self.redis.hgetall(keys.HOURS)
        tz = hours.zone(self.settings.timezone)
        try:
            weekly = hours.parse_weekly(stored.get("weekly") or self.settings.opening_hours)
        except ValueError:
            log.error("stored weekly hours do not parse; the settings' hours are used")
            weekly = hours.parse_weekly(self.settings.opening_hours)
        try:
            holiday_spec = hours.parse_holidays(
                stored["holidays"] if "holidays" in stored else self.settings.holidays
            )
        except ValueError:
            log.error("stored holidays do not parse; the settings' holidays are used")
            holiday_spec = hours.parse_holidays(self.settings.holidays)
        closure = self._read_closure(stored.get("closure")) if stored.get("closure") else None
        return hours.Schedule(weekly, holiday_spec, tz, closure)

    def _read_closure(self, text: str) -> hours.Closure:
        try:
            raw = json.loads(text)
            reason = {k: str(v) for k, v in (raw.get("reason") or {}).items()}
        except (ValueError, AttributeError, TypeError):
            log.error("a stored closure does not parse; closed until reopened")
            return hours.Closure(reason={})
        until = None
        try:
            until = datetime.fromisoformat(raw["until"]) if raw.get("until") else None
            if until is not None and (
                until.tzinfo is None or until - self.clock.now() > 2 * CLOSURE_AHEAD
            ):
                raise ValueError("out of range")
        except (ValueError, TypeError, OverflowError):
            log.error("a stored closure's end is not a sane time; closed until reopened")
            until = None
        return hours.Closure(reason=reason, until=until)

    def set(self, *, weekly: str | None = None, holidays: str | None = None) -> None:
        self._schedule_cache = None
        if weekly is not None:
            hours.parse_weekly(weekly)
            self.redis.hset(keys.HOURS, "weekly", weekly)
        if holidays is not None:
            hours.parse_holidays(holidays)
            self.redis.hset(keys.HOURS, "holidays", holidays)

    def close(self, reason: dict[str, str], until: datetime | None) -> None:
        """Close now, until ``until`` (aware, from now to a year ahead; Refusal otherwise)
        or until reopened by hand."""
        if until is not None:
            now = self.clock.now()
            if until.tzinfo is None or not now < until <= now + CLOSURE_AHEAD:
                raise Refusal(N_("time_out_of_range"))
        self._schedule_cache = None
        value = {"reason": reason, "until": until.isoformat() if until else None}
        self.redis.hset(keys.HOURS, "closure", json.dumps(value))

    def reopen(self) -> None:
        self._schedule_cache = None
        self.redis.hdel(keys.HOURS, "closure")

    def reset(self) -> None:
        self._schedule_cache = None
        self.redis.delete(keys.HOURS)
