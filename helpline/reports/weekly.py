"""The weekly report: its tables (shown on the page and exported as CSV) and its charts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

from helpline import keys, texts
from helpline.reports import charts
from helpline.reports.aggregate import week_name
from helpline.reports.tables import Reports, Row
from helpline.texts import N_

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
WEEKDAYS = [
    N_("monday"),
    N_("tuesday"),
    N_("wednesday"),
    N_("thursday"),
    N_("friday"),
    N_("saturday"),
    N_("sunday"),
]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def count(metric: str):
    return lambda row: row.get(metric)


def _num(value) -> str:
    return "" if value is None else str(value)


# Each column: (id, the message id of its header, how to get it from a row)
SERVICE = [
    ("offered", N_("report_col_offered"), count("offered")),
    ("answered", N_("report_col_answered"), count("answered")),
    ("service_level", N_("report_col_service_level"), lambda r: _pct(r.service_level)),
    ("abandoned", N_("report_col_abandoned"), count("abandoned")),
    ("abandon_rate", N_("report_col_abandon_rate"), lambda r: _pct(r.abandon_rate)),
    ("wait_p50", N_("report_col_wait_p50"), lambda r: _num(r.wait_p50)),
    ("wait_p90", N_("report_col_wait_p90"), lambda r: _num(r.wait_p90)),
    ("handle", N_("report_col_handle"), lambda r: _num(r.handle_seconds)),
    ("callbacks_asked", N_("report_col_callbacks_asked"), count("callbacks_asked")),
    ("callbacks_made", N_("report_col_callbacks_made"), count("callbacks_made")),
    (
        "callbacks_unreachable",
        N_("report_col_callbacks_unreachable"),
        count("callbacks_unreachable"),
    ),
    ("repeat_calls", N_("report_col_repeat_calls"), count("repeat_calls")),
]
OUTCOMES = [
    ("wrapups", N_("report_col_wrapups"), count("wrapups")),
    ("solved", N_("report_col_solved"), count("outcome_solved")),
    ("partly", N_("report_col_partly"), count("outcome_partly")),
    ("not_solved", N_("report_col_not_solved"), count("outcome_not_solved")),
    ("referred", N_("report_col_referred"), count("outcome_referred")),
    ("place", N_("report_col_place"), count("local_help_place")),
    ("place_unlisted", N_("report_col_place_unlisted"), count("local_help_place_unlisted")),
    ("course", N_("report_col_course"), count("local_help_course")),
    ("organisation", N_("report_col_organisation"), count("local_help_organisation")),
    ("recurring", N_("report_col_recurring"), count("recurring")),
]

# table id -> (dimension, the message id of its title, columns)
TABLES = {
    "topics": ("topic", N_("report_table_topics"), SERVICE),
    "languages": ("lang", N_("report_table_languages"), SERVICE),
    "referrals": ("referral", N_("report_table_referrals"), SERVICE),
    "regions": ("region", N_("report_table_regions"), SERVICE),
    "outcomes": ("topic", N_("report_table_outcomes"), OUTCOMES),
    "subtopics": ("subtopic", N_("report_table_subtopics"), OUTCOMES),
}
# The first column's header, by dimension
DIMENSIONS = {
    "topic": N_("report_dim_topic"),
    "lang": N_("report_dim_lang"),
    "referral": N_("report_dim_referral"),
    "region": N_("report_dim_region"),
    "subtopic": N_("report_dim_subtopic"),
}


def parse_week(text: str | None, today: date) -> str:
    """A valid ISO week ('2026-W48'); this week for anything else."""
    match = WEEK.match(text or "")
    if match:
        try:
            date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
            return text
        except ValueError:
            pass
    return week_name(today)


def week_days(week: str) -> tuple[date, date]:
    year, number = int(week[:4]), int(week[6:])
    monday = date.fromisocalendar(year, number, 1)
    return monday, monday + timedelta(days=6)


def shift_week(week: str, weeks: int) -> str:
    monday, _ = week_days(week)
    return week_name(monday + timedelta(weeks=weeks))


class WeeklyReport:
    def __init__(self, h, week: str | None, lang: str = "nl"):
        self.h = h
        self.lang = lang if lang in ("nl", "en") else "nl"
        self.reports = Reports(h.redis, h.settings, h.store.clock)
        self.week = parse_week(week, self.reports.today())
        self.first, self.last = week_days(self.week)
        self.data = self.reports.bucket("week", self.week)

    def label(self, dimension: str, key: str) -> str:
        if dimension == "topic":
            topic = self.h.flow.topics.get(key)
            return topic.name.get(self.lang, key) if topic else key
        if dimension == "lang":
            return {"nl": "Nederlands", "en": "English"}.get(key, key)
        if dimension == "subtopic":
            topic_id, _, sub = key.partition("/")
            topic = self.h.flow.topics.get(topic_id)
            if topic and sub in topic.subtopics:
                return f"{topic.name.get(self.lang, topic_id)}: {topic.subtopics[sub][self.lang]}"
        return key

    def table(self, name: str) -> tuple[str, list[str], list[list]]:
        """(title, headers, rows) of one table; the first column names the row."""
        dimension, title, columns = TABLES[name]
        rows: list[Row] = self.reports.rows(self.data, dimension)
        if name == "outcomes":
            rows = [r for r in rows if r.get("wrapups")]
        headers = [
            texts.gettext(self.lang, msgid)
            for msgid in (DIMENSIONS[dimension], *(c[1] for c in columns))
        ]
        body = [[self.label(dimension, r.key)] + [c[2](r) for c in columns] for r in rows]
        return texts.gettext(self.lang, title), headers, body

    def csv(self, name: str) -> str:
        _, headers, rows = self.table(name)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:  # a cell starting with = + - @ is text, never a formula
            writer.writerow([f"'{v}" if str(v)[:1] and str(v)[0] in "=+-@\t\r" else v for v in row])
        return out.getvalue()

    def totals(self) -> Row:
        return self.reports.rows(self.data, "all")[0]

    def findings(self) -> dict:
        raw = self.h.redis.get(keys.FINDINGS)
        return json.loads(raw) if raw else {"generated_at": None, "findings": []}

    def trend_chart(self):
        weeks = self.reports.weeks(12)
        labels = [name for name, _ in weeks]
        names = [texts.gettext(self.lang, m) for m in ("callers", "answered", "abandoned")]
        series = [
            (names[i], [data.get("all", {}).get(metric, 0) for _, data in weeks])
            for i, metric in enumerate(("offered", "answered", "abandoned"))
        ]
        title = texts.gettext(self.lang, "report_trend_chart")
        return charts.grouped_bars("trend", title, labels, series), list(
            zip(labels, *[s[1] for s in series], strict=True)
        )

    def heatmap_chart(self):
        grid = self.reports.heatmap(*self.reports.whole_weeks(4))
        title = texts.gettext(self.lang, "report_heat_chart")
        days = [texts.gettext(self.lang, day) for day in WEEKDAYS]
        return charts.heatmap("heat", title, grid, days), grid

    def subtopic_chart(self):
        rows = self.reports.rows(self.data, "subtopic")
        items = sorted(
            ((self.label("subtopic", r.key), r.get("wrapups")) for r in rows),
            key=lambda item: -item[1],
        )[:10]
        title = texts.gettext(self.lang, "top_title")
        return charts.horizontal_bars("subtopics", title, items), items
