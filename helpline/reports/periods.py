"""Report periods: a week, a month, a quarter, a year or any range of days, named as people
write them ('2026-W48', '2026-11', '2026-Q3', '2026', or a start and an end date), with the
period before it to compare with. A period wholly before the first counted day, or starting
more than a year ahead, is refused in words (a 400 on the API, a message on the page)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from helpline import texts
from helpline.reports.aggregate import week_name
from helpline.texts import N_, Refusal

KINDS = ("week", "month", "quarter", "year", "range")
MAX_DAYS = 3 * 366
AHEAD_DAYS = 366
MONTHS = (
    N_("month_1"),
    N_("month_2"),
    N_("month_3"),
    N_("month_4"),
    N_("month_5"),
    N_("month_6"),
    N_("month_7"),
    N_("month_8"),
    N_("month_9"),
    N_("month_10"),
    N_("month_11"),
    N_("month_12"),
)
PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date

    @property
    def name(self) -> str:
        """How the period is written in a link or a file name."""
        if self.kind == "week":
            return week_name(self.first)
        if self.kind == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    @property
    def query(self) -> dict[str, str]:
        """The query arguments that choose this period again."""
        if self.kind == "range":
            return {"start": self.first.isoformat(), "end": self.last.isoformat()}
        return {"period": self.name}

    def label(self, lang: str) -> str:
        """The period in words: 'week 48 van 2026', 'november 2026', 'het 3e kwartaal van
        2026', '2026', '1 oktober 2026 tot en met 15 oktober 2026'."""
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return texts.gettext(lang, "period_week", week=week, year=year)
        if self.kind == "month":
            return f"{texts.gettext(lang, MONTHS[self.first.month - 1])} {self.first.year}"
        if self.kind == "quarter":
            quarter = (self.first.month - 1) // 3 + 1
            return texts.gettext(lang, "period_quarter", quarter=quarter, year=self.first.year)
        if self.kind == "year":
            return str(self.first.year)
        return texts.gettext(
            lang, "period_range", first=day_words(self.first, lang), last=day_words(self.last, lang)
        )

    def short(self) -> str:
        """A short name for a column or a chart: 'W48', 'nov', 'Q3', '2026'."""
        if self.kind == "quarter":
            return f"Q{(self.first.month - 1) // 3 + 1} {self.first.year}"
        return self.name

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "week":
            return Period("week", self.first - timedelta(days=7), self.first - timedelta(days=1))
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            return _months(self.kind, _shift(self.first, -months), months)
        length = (self.last - self.first).days + 1
        return Period("range", self.first - timedelta(days=length), self.first - timedelta(1))

    def following(self) -> Period:
        if self.kind == "week":
            return Period("week", self.last + timedelta(days=1), self.last + timedelta(days=7))
        if self.kind in ("month", "quarter", "year"):
            months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
            return _months(self.kind, _shift(self.first, months), months)
        length = (self.last - self.first).days + 1
        return Period("range", self.last + timedelta(1), self.last + timedelta(days=length))


def day_words(day: date, lang: str) -> str:
    """'1 oktober 2026' / '1 October 2026'."""
    return f"{day.day} {texts.gettext(lang, MONTHS[day.month - 1])} {day.year}"


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _months(kind: str, first: date, months: int) -> Period:
    return Period(kind, first, _shift(first, months) - timedelta(days=1))


def of_kind(kind: str, today: date) -> Period:
    """The period of ``kind`` that today lies in (a range: the last 30 days)."""
    if kind == "week":
        monday = today - timedelta(days=today.weekday())
        return Period("week", monday, monday + timedelta(days=6))
    if kind == "month":
        return _months("month", today.replace(day=1), 1)
    if kind == "quarter":
        return _months("quarter", date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3)
    if kind == "year":
        return _months("year", date(today.year, 1, 1), 12)
    return Period("range", today - timedelta(days=29), today)


def named(text: str) -> Period | None:
    """The period a name stands for ('2026-W48', '2026-11', '2026-Q3', '2026'), if any."""
    for kind, pattern in PATTERNS.items():
        match = pattern.match(text)
        if not match:
            continue
        year, number = int(match.group(1)), int(match.group(2)) if kind != "year" else 1
        try:
            if kind == "week":
                monday = date.fromisocalendar(year, number, 1)
                return Period("week", monday, monday + timedelta(days=6))
            if kind == "month":
                return _months("month", date(year, number, 1), 1)
            if kind == "quarter":
                return _months("quarter", date(year, 3 * number - 2, 1), 3)
            return _months("year", date(year, 1, 1), 12)
        except OverflowError:  # the last days of year 9999
            raise Refusal("period_too_far_ahead") from None
        except ValueError:
            return None
    return None


def parse(args, today: date, first_counted: date | None, default: str = "week") -> Period:
    """The period a request asks for (``period`` = a name or a kind, or ``start`` and
    ``end``, or the old ``week``); this ``default`` period when it asks for none. Raises a
    Refusal that says what is wrong."""
    start, end = (args.get("start") or "").strip(), (args.get("end") or "").strip()
    chosen = (args.get("period") or args.get("week") or "").strip()
    if start or end:
        try:
            period = Period("range", date.fromisoformat(start), date.fromisoformat(end or start))
        except ValueError:
            raise Refusal("period_unreadable") from None
        if period.last < period.first:
            raise Refusal("period_backwards")
        if (period.last - period.first).days >= MAX_DAYS:
            raise Refusal("period_too_long", years=MAX_DAYS // 366)
    elif chosen in KINDS:
        period = of_kind(chosen, today)
    elif chosen:
        period = named(chosen)
        if period is None:
            raise Refusal("period_unreadable")
    else:
        period = of_kind(default, today)
    return sane(period, today, first_counted)


def sane(period: Period, today: date, first_counted: date | None) -> Period:
    if period.first > today + timedelta(days=AHEAD_DAYS):
        raise Refusal("period_too_far_ahead")
    earliest = min(first_counted or today, today)
    if period.last < earliest:
        raise Refusal("period_before_start", day=earliest.strftime("%d-%m-%Y"))
    return period
