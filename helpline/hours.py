"""Opening hours: weekly hours, public holidays and manual closures, as pure functions.

The grammar of weekly hours is ``mo-fr 09:00-17:00; sa 10:00-13:00`` (several ranges per day
with commas: ``mo 09:00-12:00,13:00-17:00``) or ``always``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_lib

from helpline.texts import Refusal

DAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
DAY_NAMES = {
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

Weekly = dict[int, list[tuple[int, int]]]  # weekday -> [(start minute, end minute)]

_RANGE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


class HoursError(Refusal):
    """Opening hours, holidays or a time zone that cannot be read: a message id and its values.
    ``str()`` is English, for whoever sets them in the settings or on the command line."""

    def __str__(self) -> str:
        return self.text("en")


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise HoursError("hours_timezone_unknown", name=name) from None


def _minute(hour: str, minute: str, *, end: bool) -> int:
    h, m = int(hour), int(minute)
    if m > 59 or h > 24 or (h == 24 and m) or (h == 24 and not end):
        raise HoursError("hours_time_impossible", time=f"{hour}:{minute}")
    return h * 60 + m


def _days(spec: str) -> list[int]:
    result: list[int] = []
    for part in spec.split(","):
        part = part.strip().lower()
        if "-" in part:
            first, last = (p.strip() for p in part.split("-", 1))
            if first not in DAYS or last not in DAYS:
                raise HoursError("hours_day_in_range_unknown", part=part)
            a, b = DAYS.index(first), DAYS.index(last)
            if a > b:
                raise HoursError("hours_days_backwards", part=part)
            result.extend(range(a, b + 1))
        elif part in DAYS:
            result.append(DAYS.index(part))
        else:
            raise HoursError("hours_day_unknown", part=part)
    return result


@lru_cache(maxsize=64)
def _parse_weekly_cached(text: str) -> tuple[tuple[int, tuple[tuple[int, int], ...]], ...]:
    stripped = text.strip().lower()
    if stripped == "always":
        return tuple((d, ((0, 1440),)) for d in range(7))
    if not stripped:
        raise HoursError("hours_empty")
    weekly: Weekly = {}
    for entry in stripped.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        pieces = entry.split(None, 1)
        if len(pieces) != 2:
            raise HoursError("hours_entry_incomplete", entry=entry)
        days, ranges_text = pieces
        ranges: list[tuple[int, int]] = []
        for chunk in ranges_text.replace(" ", "").split(","):
            match = _RANGE.match(chunk)
            if not match:
                raise HoursError("hours_range_invalid", range=chunk)
            start = _minute(match[1], match[2], end=False)
            stop = _minute(match[3], match[4], end=True)
            if stop <= start:
                raise HoursError("hours_range_backwards", range=chunk)
            ranges.append((start, stop))
        for day in _days(days):
            weekly.setdefault(day, []).extend(ranges)
    for day_ranges in weekly.values():
        day_ranges.sort()
        for (_, end_a), (start_b, _) in zip(day_ranges, day_ranges[1:], strict=False):
            if start_b < end_a:
                raise HoursError("hours_overlap")
    return tuple((d, tuple(r)) for d, r in sorted(weekly.items()))


def parse_weekly(text: str) -> Weekly:
    """Parse weekly hours; raises ValueError naming the bad part."""
    return {d: list(r) for d, r in _parse_weekly_cached(text)}


@dataclass(frozen=True)
class HolidaySpec:
    countries: tuple[str, ...] = ()
    dates: frozenset[date] = frozenset()

    def is_holiday(self, day: date) -> bool:
        if day in self.dates:
            return True
        return any(day in _country_holidays(c, day.year) for c in self.countries)

    def name(self, day: date) -> str | None:
        for country in self.countries:
            found = _country_holidays(country, day.year).get(day)
            if found:
                return found
        return None


@lru_cache(maxsize=32)
def _country_holidays(country: str, year: int):
    return holidays_lib.country_holidays(country, years=year)


def parse_holidays(text: str) -> HolidaySpec:
    """Parse ``NL, 2026-12-24`` into country codes and explicit dates."""
    countries: list[str] = []
    dates: set[date] = set()
    for token in (t.strip() for t in (text or "").split(",")):
        if not token:
            continue
        if re.fullmatch(r"[A-Za-z]{2}", token):
            code = token.upper()
            if code not in holidays_lib.list_supported_countries():
                raise HoursError("holidays_country_unknown", code=code)
            countries.append(code)
            continue
        try:
            dates.add(date.fromisoformat(token))
        except ValueError:
            raise HoursError("holidays_entry_invalid", entry=token) from None
    return HolidaySpec(tuple(countries), frozenset(dates))


@dataclass(frozen=True)
class Closure:
    """A manual closure by a coordinator, with a reason callers hear."""

    reason: dict[str, str] = field(default_factory=dict)
    until: datetime | None = None  # aware; None = until reopened by hand

    def active(self, now: datetime) -> bool:
        return self.until is None or now < self.until


@dataclass(frozen=True)
class Schedule:
    weekly: Weekly
    holidays: HolidaySpec
    tz: ZoneInfo
    closure: Closure | None = None


@dataclass(frozen=True)
class Status:
    open: bool
    reason: str  # "open", "hours", "holiday", "closure"
    next_opening: datetime | None
    closure_reason: dict[str, str] | None = None


def _open_by_hours(schedule: Schedule, local: datetime) -> bool:
    minute = local.hour * 60 + local.minute
    return any(a <= minute < b for a, b in schedule.weekly.get(local.weekday(), ()))


def status(schedule: Schedule, now: datetime) -> Status:
    """Whether the helpline is open at ``now`` (aware), why not, and when it opens next."""
    local = now.astimezone(schedule.tz)
    closure = schedule.closure if schedule.closure and schedule.closure.active(now) else None
    if closure:
        return Status(False, "closure", next_opening(schedule, now), dict(closure.reason))
    if schedule.holidays.is_holiday(local.date()):
        return Status(False, "holiday", next_opening(schedule, now))
    if _open_by_hours(schedule, local):
        return Status(True, "open", None)
    return Status(False, "hours", next_opening(schedule, now))


def open_since(schedule: Schedule, now: datetime, horizon_days: int = 7) -> datetime | None:
    """When the current opening began (aware, local), following opening hours that run on
    past midnight; None when closed now. Open without a break for ``horizon_days``: that far
    back. (The end of a manual closure is not tracked: the hours' start is used.)"""
    if not status(schedule, now).open:
        return None
    local = now.astimezone(schedule.tz)
    minute = local.hour * 60 + local.minute
    day = local.date()
    start = next(a for a, b in schedule.weekly.get(day.weekday(), ()) if a <= minute < b)
    for _ in range(horizon_days):
        before = day - timedelta(days=1)
        joined = [a for a, b in schedule.weekly.get(before.weekday(), ()) if b == 24 * 60]
        if start > 0 or not joined or schedule.holidays.is_holiday(before):
            break
        day, start = before, joined[0]
    return datetime.combine(day, time(0), tzinfo=schedule.tz) + timedelta(minutes=start)


def next_opening(schedule: Schedule, now: datetime, horizon_days: int = 400) -> datetime | None:
    """The next moment (aware, local) the helpline is open, strictly after closure and holidays;
    None when not known (none within the horizon, or a closure's end past the calendar)."""
    try:
        return _next_opening(schedule, now, horizon_days)
    except OverflowError:
        return None


def _next_opening(schedule: Schedule, now: datetime, horizon_days: int) -> datetime | None:
    local = now.astimezone(schedule.tz)
    if schedule.closure and schedule.closure.active(now):
        if schedule.closure.until is None:
            return None
        local = max(local, schedule.closure.until.astimezone(schedule.tz))
    for offset in range(horizon_days):
        day = local.date() + timedelta(days=offset)
        if schedule.holidays.is_holiday(day):
            continue
        for start, end in schedule.weekly.get(day.weekday(), ()):
            start_dt = datetime.combine(day, time(0), tzinfo=schedule.tz) + timedelta(minutes=start)
            end_dt = datetime.combine(day, time(0), tzinfo=schedule.tz) + timedelta(minutes=end)
            if offset == 0 and end_dt <= local:
                continue
            return max(start_dt, local) if offset == 0 else start_dt
    return None


def _clock(minute: int, lang: str) -> str:
    h, m = divmod(minute, 60)
    if lang == "nl":
        return f"{h} uur" if m == 0 else f"{h}.{m:02d} uur"
    return f"{h}:{m:02d}"


def _range_text(start: int, end: int, lang: str) -> str:
    if lang == "nl":
        a = _clock(start, lang).removesuffix(" uur")
        return f"van {a} tot {_clock(end, lang)}"
    return f"from {_clock(start, lang)} to {_clock(end, lang)}"


def describe_weekly(weekly: Weekly, lang: str) -> str:
    """Speakable opening hours, e.g. 'maandag tot en met vrijdag van 9 tot 17 uur'."""
    if all(weekly.get(d) == [(0, 1440)] for d in range(7)):
        return "dag en nacht" if lang == "nl" else "day and night"
    names = DAY_NAMES.get(lang, DAY_NAMES["en"])
    groups: list[tuple[int, int, list[tuple[int, int]]]] = []
    for day in range(7):
        ranges = weekly.get(day)
        if not ranges:
            continue
        if groups and groups[-1][1] == day - 1 and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], day, ranges)
        else:
            groups.append((day, day, ranges))
    parts = []
    for first, last, ranges in groups:
        if first == last:
            days = names[first]
        elif last == first + 1:
            days = (
                f"{names[first]} en {names[last]}"
                if lang == "nl"
                else (f"{names[first]} and {names[last]}")
            )
        else:
            days = (
                f"{names[first]} tot en met {names[last]}"
                if lang == "nl"
                else f"{names[first]} to {names[last]}"
            )
        joiner = " en " if lang == "nl" else " and "
        parts.append(days + " " + joiner.join(_range_text(a, b, lang) for a, b in ranges))
    if not parts:
        return "op dit moment niet" if lang == "nl" else "not at the moment"
    if len(parts) == 1:
        return parts[0]
    last_joiner = ", en " if lang == "nl" else ", and "
    return ", ".join(parts[:-1]) + last_joiner + parts[-1]


def describe_moment(moment: datetime, now: datetime, lang: str) -> str:
    """Speakable 'morgen om 9 uur' / 'on Monday 4 January at 9:00'."""
    local_now = now.astimezone(moment.tzinfo)
    days_ahead = (moment.date() - local_now.date()).days
    at = _clock(moment.hour * 60 + moment.minute, lang)
    if lang == "nl":
        if days_ahead == 0:
            return f"vandaag om {at}"
        if days_ahead == 1:
            return f"morgen om {at}"
        weekday, month = DAY_NAMES["nl"][moment.weekday()], MONTH_NAMES["nl"][moment.month - 1]
        day = f"{weekday} {moment.day} {month}"
        return f"op {day} om {at}"
    if days_ahead == 0:
        return f"today at {at}"
    if days_ahead == 1:
        return f"tomorrow at {at}"
    day = f"{DAY_NAMES['en'][moment.weekday()]} {moment.day} {MONTH_NAMES['en'][moment.month - 1]}"
    return f"on {day} at {at}"
