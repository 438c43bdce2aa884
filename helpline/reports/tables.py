"""Reading the aggregates back as tables: per topic, language, referral source, region and
sub-topic, for a range of days or weeks. The report pages, the CSV exports and the bottleneck
detection all read through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpline.config import Settings
from helpline.reports.aggregate import WAIT_BINS, percentile, week_name
from helpline.reports.store import ReportStore

METRICS = (
    "calls",
    "closed_calls",
    "menu_ended",
    "offered",
    "answered",
    "within_sl",
    "abandoned",
    "abandoned_wait_ms",
    "wait_ms",
    "handled",
    "talk_ms",
    "callbacks_asked",
    "callbacks_made",
    "callbacks_unreachable",
    "repeat_calls",
    "wrapups",
    "recurring",
    "outcome_solved",
    "outcome_partly",
    "outcome_not_solved",
    "outcome_referred",
    "local_help_place",
    "local_help_course",
    "local_help_organisation",
    "taken",
    "wrap_ms",
    "outside_topics",
    "offers_timeout",
    "offers_declined",
    "sms_consented",
    "sms_delivered",
    "sms_failed",
)


@dataclass(frozen=True)
class Row:
    """One line of a report table, with the derived figures."""

    key: str
    counts: dict[str, int]
    service_level_s: int

    def get(self, metric: str) -> int:
        return self.counts.get(metric, 0)

    @property
    def service_level(self) -> float | None:
        answered = self.get("answered")
        return self.get("within_sl") / answered if answered else None

    @property
    def abandon_rate(self) -> float | None:
        offered = self.get("offered")
        return self.get("abandoned") / offered if offered else None

    @property
    def wait_histogram(self) -> list[int]:
        return [self.get(f"wait_bin{i}") for i in range(len(WAIT_BINS) + 1)]

    @property
    def wait_p50(self) -> int | None:
        return percentile(self.wait_histogram, 0.5)

    @property
    def wait_p90(self) -> int | None:
        return percentile(self.wait_histogram, 0.9)

    @property
    def handle_seconds(self) -> int | None:
        handled = self.get("handled")
        return round(self.get("talk_ms") / handled / 1000) if handled else None

    @property
    def abandoned_wait_seconds(self) -> int | None:
        abandoned = self.get("abandoned")
        return round(self.get("abandoned_wait_ms") / abandoned / 1000) if abandoned else None

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            **{m: self.get(m) for m in METRICS if not m.endswith("_ms")},
            "service_level": None if self.service_level is None else round(self.service_level, 3),
            "abandon_rate": None if self.abandon_rate is None else round(self.abandon_rate, 3),
            "wait_p50_s": self.wait_p50,
            "wait_p90_s": self.wait_p90,
            "handle_s": self.handle_seconds,
            "abandoned_wait_s": self.abandoned_wait_seconds,
        }


class Reports:
    def __init__(self, client, settings: Settings, clock):
        self.store = ReportStore(client)
        self.settings = settings
        self.clock = clock
        self.zone = ZoneInfo(settings.timezone)
        self.sl_seconds = settings.service_level_seconds

    def today(self) -> date:
        return datetime.fromtimestamp(self.clock.now_ms() / 1000, tz=self.zone).date()

    def first_counted(self) -> date | None:
        """The first day anything was counted (None before the first event)."""
        first = self.store.first_counted_ms()
        return None if first is None else datetime.fromtimestamp(first / 1000, self.zone).date()

    def whole_weeks(self, count: int) -> tuple[date, date]:
        """The first and last day of the ``count`` weeks before today (today is not over, so
        it is left out; each weekday comes exactly ``count`` times)."""
        today = self.today()
        return today - timedelta(days=7 * count), today - timedelta(days=1)

    def days(self, first: date, last: date) -> dict[str, dict[str, int]]:
        """The sum of the daily buckets from ``first`` to ``last`` (inclusive)."""
        names = []
        day = first
        while day <= last:
            names.append(day.isoformat())
            day += timedelta(days=1)
        return self.store.total("day", names)

    def period(self, period) -> dict[str, dict[str, int]]:
        """The counts of a report period (``periods.Period``): its week bucket for a week,
        else the sum of its days."""
        if period.kind == "week":
            return self.bucket("week", week_name(period.first))
        return self.days(period.first, period.last)

    def bucket(self, period: str, name: str) -> dict[str, dict[str, int]]:
        return self.store.bucket(period, name)

    def rows(self, data: dict[str, dict[str, int]], dimension: str) -> list[Row]:
        """The rows of one dimension ('topic', 'lang', 'referral', 'region', 'subtopic') or
        'all', biggest first."""
        if dimension == "all":
            return [Row("all", data.get("all", {}), self.sl_seconds)]
        prefix = f"{dimension}:"
        rows = [
            Row(dim[len(prefix) :], counts, self.sl_seconds)
            for dim, counts in data.items()
            if dim.startswith(prefix)
        ]
        return sorted(rows, key=lambda r: (-(r.get("offered") or r.get("wrapups")), r.key))

    def hours(self, first: date, last: date) -> dict[str, dict[str, dict[str, int]]]:
        """Hour buckets from ``first`` to ``last``: {bucket name: {dimension: counts}}."""
        start = datetime.combine(first, datetime.min.time(), tzinfo=self.zone)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=self.zone)
        names = self.store.indexed("hour", start.timestamp() * 1000, end.timestamp() * 1000 - 1)
        return dict(zip(names, self.store.buckets("hour", names), strict=True))

    def weeks(self, count: int) -> list[tuple[str, dict[str, dict[str, int]]]]:
        """The last ``count`` ISO weeks (oldest first), each as (name, data)."""
        return self.weeks_until(self.today(), count)

    def weeks_until(self, last: date, count: int) -> list[tuple[str, dict[str, dict[str, int]]]]:
        """The ``count`` ISO weeks up to the one ``last`` lies in (oldest first)."""
        names = [week_name(last - timedelta(weeks=back)) for back in range(count - 1, -1, -1)]
        return list(zip(names, self.store.buckets("week", names), strict=True))

    def heatmap(self, first: date, last: date, metric: str = "offered") -> list[list[float]]:
        """Average ``metric`` per weekday (Monday first) and hour over the days given."""
        grid = [[0.0] * 24 for _ in range(7)]
        seen = [0] * 7
        day = first
        while day <= last:
            seen[day.weekday()] += 1
            day += timedelta(days=1)
        for name, data in self.hours(first, last).items():
            moment = datetime.strptime(name, "%Y-%m-%dT%H")
            grid[moment.weekday()][moment.hour] += data.get("all", {}).get(metric, 0)
        return [
            [round(value / seen[d], 2) if seen[d] else 0.0 for value in grid[d]] for d in range(7)
        ]
