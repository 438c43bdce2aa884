"""Volunteers' shifts, and the staffing plan: who is planned each weekday hour, against how
many volunteers the calls of the last four weeks need (``helpline.staffing``, the numbers of
the capacity finding).

A shift repeats weekly (a weekday) or is on one date, from a start to an end time in the
helpline's time zone. It counts for the skills the volunteer has when the plan is made, and a
volunteer counts once: split across their skills as their time on duty is (docs/capacity.md).
Shifts live in one Redis hash (``shifts``: id -> JSON), read and written only here.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpline import keys
from helpline.texts import Refusal

TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
MAX_SHIFTS_PER_VOLUNTEER = 100


class ShiftError(Refusal):
    """A shift that cannot be saved: a message id fit to show."""


@dataclass(frozen=True)
class Shift:
    id: str
    volunteer: str
    start: str  # "HH:MM"
    end: str  # "HH:MM", after start
    weekday: int | None = None  # 0 is Monday: every week
    date: str | None = None  # "YYYY-MM-DD": once

    def minutes(self) -> tuple[int, int]:
        return _minutes(self.start), _minutes(self.end)

    def on(self, day: date) -> bool:
        """Whether the shift takes place on ``day``."""
        if self.date:
            return self.date == day.isoformat()
        return self.weekday == day.weekday()


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def check(data: dict, volunteer: str, shift_id: str | None = None) -> Shift:
    """A shift from submitted values; raises ShiftError naming what is wrong."""
    start, end = str(data.get("start") or ""), str(data.get("end") or "")
    if not TIME.match(start) or not TIME.match(end):
        raise ShiftError("shift_time_invalid")
    if _minutes(end) <= _minutes(start):
        raise ShiftError("shift_end_before_start")
    weekday, day = data.get("weekday"), data.get("date") or None
    if (weekday is None) == (day is None):
        raise ShiftError("shift_when_missing")
    if weekday is not None and (not isinstance(weekday, int) or not 0 <= weekday <= 6):
        raise ShiftError("shift_when_missing")
    if day is not None:
        try:
            day = date.fromisoformat(str(day)).isoformat()
        except ValueError:
            raise ShiftError("shift_date_invalid") from None
    return Shift(shift_id or secrets.token_hex(6), volunteer, start, end, weekday, day)


def week_days(week: str) -> list[date]:
    """The seven days of an ISO week such as '2026-W49'."""
    year, number = week.split("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    return [monday + timedelta(days=n) for n in range(7)]


def weekday_counts(first: date, last: date) -> list[int]:
    """How often each weekday (Monday 0) comes in the days from ``first`` to ``last``: a span
    of days need not be whole weeks."""
    seen = [0] * 7
    for offset in range((last - first).days + 1):
        seen[(first + timedelta(days=offset)).weekday()] += 1
    return seen


def is_week(text: str) -> bool:
    """Whether ``text`` names an ISO week that exists ('2026-W49'; not '2026-W53')."""
    if not re.fullmatch(r"\d{4}-W\d{2}", text or ""):
        return False
    try:
        week_days(text)
    except ValueError:
        return False
    return True


def next_week(week: str, weeks: int = 1) -> str:
    """The ISO week ``weeks`` after ``week`` (before it when negative)."""
    return week_of(week_days(week)[0] + timedelta(weeks=weeks))


def week_of(day: date) -> str:
    year, number, _ = day.isocalendar()
    return f"{year}-W{number:02d}"


class Shifts:
    """The shifts of every volunteer, and what they add up to per weekday hour and skill."""

    def __init__(self, client, router, settings, clock):
        self.redis, self.router, self.clock = client, router, clock
        self.zone = ZoneInfo(settings.timezone)

    def all(self) -> list[Shift]:
        shifts = [Shift(**json.loads(v)) for v in self.redis.hvals(keys.SHIFTS)]
        return sorted(shifts, key=_order)

    def of(self, volunteer: str) -> list[Shift]:
        return [s for s in self.all() if s.volunteer == volunteer]

    def get(self, shift_id: str) -> Shift | None:
        raw = self.redis.hget(keys.SHIFTS, shift_id)
        return Shift(**json.loads(raw)) if raw else None

    def save(self, shift: Shift) -> Shift:
        if self.get(shift.id) is None and len(self.of(shift.volunteer)) >= MAX_SHIFTS_PER_VOLUNTEER:
            raise ShiftError("shift_too_many")
        self.redis.hset(keys.SHIFTS, shift.id, json.dumps(asdict(shift)))
        return shift

    def delete(self, shift_id: str) -> bool:
        return bool(self.redis.hdel(keys.SHIFTS, shift_id))

    def today(self) -> date:
        return self.now().date()

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now_ms() / 1000, tz=self.zone)

    def current(self, volunteer: str) -> dict | None:
        """The volunteer's shift going on now, with the day it is on (its occurrence)."""
        now = self.now()
        minute = now.hour * 60 + now.minute
        for shift in self.of(volunteer):
            start, end = shift.minutes()
            if shift.on(now.date()) and start <= minute < end:
                return {**asdict(shift), "occurrence": f"{shift.id}@{now.date().isoformat()}"}
        return None

    def planned(self, first: date, last: date, shares) -> dict[tuple[int, int, str], float]:
        """Volunteers planned per (weekday, hour, skill), on average over the days from
        ``first`` to ``last`` (each weekday over the times it comes in them); a shift covering
        part of an hour counts for that part, and a volunteer counts once, split across their
        skills by ``shares(volunteer)`` ({skill: fraction}, adding up to 1), as their time on
        duty is (docs/capacity.md)."""
        seen = weekday_counts(first, last)
        split: dict[str, dict[str, float]] = {}
        out: dict[tuple[int, int, str], float] = {}
        shifts = self.all()
        day = first
        while day <= last:
            for shift in shifts:
                if not shift.on(day):
                    continue
                if shift.volunteer not in split:
                    volunteer = self.router.volunteer(shift.volunteer)
                    split[shift.volunteer] = shares(volunteer) if volunteer else {}
                for hour, part in hours_covered(shift):
                    for skill, fraction in split[shift.volunteer].items():
                        key = (day.weekday(), hour, skill)
                        out[key] = out.get(key, 0.0) + part * fraction / seen[day.weekday()]
            day += timedelta(days=1)
        return out

    def occurrences(self, days: list[date]) -> list[tuple[Shift, datetime, datetime]]:
        """Every shift that takes place on these days, with its start and end."""
        out = []
        for day in days:
            for shift in self.all():
                if shift.on(day):
                    start, end = shift.minutes()
                    midnight = datetime.combine(day, datetime.min.time(), tzinfo=self.zone)
                    out.append(
                        (
                            shift,
                            midnight + timedelta(minutes=start),
                            midnight + timedelta(minutes=end),
                        )
                    )
        return out


def hours_covered(shift: Shift) -> list[tuple[int, float]]:
    """The hours of the day a shift touches, each with the share of it that it covers."""
    start, end = shift.minutes()
    out = []
    for hour in range(start // 60, (end - 1) // 60 + 1):
        covered = min(end, (hour + 1) * 60) - max(start, hour * 60)
        if covered > 0:
            out.append((hour, covered / 60))
    return out


def _order(shift: Shift) -> tuple:
    return (shift.date or "", shift.weekday if shift.weekday is not None else 9, shift.start)
