"""The weekly report: its tables (shown on the page and exported as CSV) and its charts."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta

from helpline import keys
from helpline.reports import charts
from helpline.reports.aggregate import week_name
from helpline.reports.tables import Reports, Row

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
WEEKDAYS = {
    "nl": ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def count(metric: str):
    return lambda row: row.get(metric)


def _num(value) -> str:
    return "" if value is None else str(value)


# Each column: (id, Dutch header, English header, how to get it from a row)
SERVICE = [
    ("offered", "Bellers", "Callers", count("offered")),
    ("answered", "Geholpen", "Answered", count("answered")),
    ("service_level", "Op tijd", "In time", lambda r: _pct(r.service_level)),
    ("abandoned", "Afgehaakt", "Abandoned", count("abandoned")),
    ("abandon_rate", "% afgehaakt", "% abandoned", lambda r: _pct(r.abandon_rate)),
    ("wait_p50", "Wachttijd p50 (s)", "Wait p50 (s)", lambda r: _num(r.wait_p50)),
    ("wait_p90", "Wachttijd p90 (s)", "Wait p90 (s)", lambda r: _num(r.wait_p90)),
    ("handle", "Gespreksduur (s)", "Talk time (s)", lambda r: _num(r.handle_seconds)),
    ("callbacks_asked", "Terugbellen gevraagd", "Callbacks asked", count("callbacks_asked")),
    ("callbacks_made", "Teruggebeld", "Called back", count("callbacks_made")),
    ("callbacks_unreachable", "Onbereikbaar", "Unreachable", count("callbacks_unreachable")),
    ("repeat_calls", "Belt vaker", "Repeat callers", count("repeat_calls")),
]  # fmt: skip
OUTCOMES = [
    ("wrapups", "Afgerond", "Wrapped up", count("wrapups")),
    ("solved", "Opgelost", "Solved", count("outcome_solved")),
    ("partly", "Deels", "Partly", count("outcome_partly")),
    ("not_solved", "Niet opgelost", "Not solved", count("outcome_not_solved")),
    ("referred", "Doorverwezen", "Referred", count("outcome_referred")),
    ("place", "Naar informatiepunt/bieb", "To an information point/library",
     count("local_help_place")),
    ("course", "Naar cursus", "To a course", count("local_help_course")),
    ("organisation", "Naar helpdesk organisatie", "To the organisation's helpdesk",
     count("local_help_organisation")),
    ("recurring", "Komt vaker voor", "Comes up more often", count("recurring")),
]  # fmt: skip

# table id -> (dimension, Dutch title, English title, columns)
TABLES = {
    "topics": ("topic", "Per onderwerp", "By topic", SERVICE),
    "languages": ("lang", "Per taal", "By language", SERVICE),
    "referrals": ("referral", "Wie verwees de bellers", "Who referred the callers", SERVICE),
    "regions": ("region", "Per regio (netnummer)", "By region (area code)", SERVICE),
    "outcomes": ("topic", "Afloop per onderwerp", "Outcomes by topic", OUTCOMES),
    "subtopics": ("subtopic", "Per sub-onderwerp", "By sub-topic", OUTCOMES),
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
        dimension, title_nl, title_en, columns = TABLES[name]
        rows: list[Row] = self.reports.rows(self.data, dimension)
        if name == "outcomes":
            rows = [r for r in rows if r.get("wrapups")]
        first = {"topic": ("Onderwerp", "Topic"), "lang": ("Taal", "Language"),
                 "referral": ("Verwijzer", "Referrer"), "region": ("Regio", "Region"),
                 "subtopic": ("Sub-onderwerp", "Sub-topic")}[dimension]  # fmt: skip
        pick = 0 if self.lang == "nl" else 1
        headers = [first[pick]] + [c[1 + pick] for c in columns]
        body = [[self.label(dimension, r.key)] + [c[3](r) for c in columns] for r in rows]
        return (title_nl if self.lang == "nl" else title_en), headers, body

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
        names = {
            "nl": ("Bellers", "Geholpen", "Afgehaakt"),
            "en": ("Callers", "Answered", "Abandoned"),
        }[self.lang]
        series = [
            (names[i], [data.get("all", {}).get(metric, 0) for _, data in weeks])
            for i, metric in enumerate(("offered", "answered", "abandoned"))
        ]
        title = "Bellers per week" if self.lang == "nl" else "Callers per week"
        return charts.grouped_bars("trend", title, labels, series), list(
            zip(labels, *[s[1] for s in series], strict=True)
        )

    def heatmap_chart(self):
        grid = self.reports.heatmap(*self.reports.whole_weeks(4))
        title = (
            "Drukte per dag en uur (gemiddeld aantal bellers, 4 weken)"
            if self.lang == "nl"
            else "Busy hours (average callers, 4 weeks)"
        )
        return charts.heatmap("heat", title, grid, WEEKDAYS[self.lang]), grid

    def subtopic_chart(self):
        rows = self.reports.rows(self.data, "subtopic")
        items = sorted(
            ((self.label("subtopic", r.key), r.get("wrapups")) for r in rows),
            key=lambda item: -item[1],
        )[:10]
        title = "Meest voorkomende sub-onderwerpen" if self.lang == "nl" else "Top sub-topics"
        return charts.horizontal_bars("subtopics", title, items), items
