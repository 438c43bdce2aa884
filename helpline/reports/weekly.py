"""The report of a period (a week, month, quarter, year or range): its tables (shown on the
page and exported as CSV), its findings in words and its charts."""

from __future__ import annotations

from helpline import texts
from helpline.reports import bottlenecks, charts, findings
from helpline.reports.exports import safe
from helpline.reports.findings import WEEKDAYS
from helpline.reports.labels import Labels
from helpline.reports.periods import Period
from helpline.reports.tables import Reports, Row
from helpline.texts import N_


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def count(metric: str):
    return lambda row: row.get(metric)


def _num(value) -> str:
    return "" if value is None else str(value)


def _took(lang: str, seconds: int | None) -> str:
    return "" if seconds is None else findings.duration(lang, seconds)


# Each column: (id, the message id of its header, how to get it from a row)
SERVICE = [
    ("calls", N_("report_col_calls"), count("calls")),
    ("offered", N_("report_col_offered"), count("offered")),
    ("answered", N_("report_col_answered"), count("answered")),
    ("service_level", N_("report_col_service_level"), lambda r: _pct(r.service_level)),
    ("abandoned", N_("report_col_abandoned"), count("abandoned")),
    ("abandon_rate", N_("report_col_abandon_rate"), lambda r: _pct(r.abandon_rate)),
    ("wait_p50", N_("report_col_wait_p50"), lambda r, lang: _took(lang, r.wait_p50)),
    ("wait_p90", N_("report_col_wait_p90"), lambda r, lang: _took(lang, r.wait_p90)),
    ("handle", N_("report_col_handle"), lambda r, lang: _took(lang, r.handle_seconds)),
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
    ("sms_consented", N_("report_col_sms_consented"), count("sms_consented")),
    ("sms_delivered", N_("report_col_sms_delivered"), count("sms_delivered")),
    ("sms_failed", N_("report_col_sms_failed"), count("sms_failed")),
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


def _figure(counts: dict, metric: str) -> int:
    if metric == "calls":  # every caller (those in line, before every caller was counted)
        return max(counts.get("calls", 0), counts.get("offered", 0))
    return counts.get(metric, 0)


class WeeklyReport:
    def __init__(self, h, period: Period, lang: str = "nl"):
        self.h = h
        self.lang = lang if lang in ("nl", "en") else "nl"
        self.labels = Labels(h.flow, self.lang)
        self.reports = Reports(h.redis, h.settings, h.store.clock)
        self.period = period
        self.first, self.last = period.first, period.last
        self.data = self.reports.period(period)

    def label(self, dimension: str, key: str) -> str:
        if dimension == "topic":
            return self.labels.topic(key)
        if dimension == "lang":
            return self.labels.language(key)
        if dimension == "subtopic":
            return self.labels.subtopic(key)
        if dimension == "referral":
            return self.labels.referral(key)
        if dimension == "region" and key == "unknown":
            return texts.gettext(self.lang, "region_unknown")
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
        body = [[self.label(dimension, r.key)] + [self._cell(c, r) for c in columns] for r in rows]
        return texts.gettext(self.lang, title), headers, body

    def _cell(self, column, row: Row):
        get = column[2]
        return get(row, self.lang) if get.__code__.co_argcount == 2 else get(row)

    def csv(self, name: str) -> str:
        import csv
        import io

        _, headers, rows = self.table(name)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:  # a cell starting with = + - @ is text, never a formula
            writer.writerow([safe(v) for v in row])
        return out.getvalue()

    def totals(self) -> Row:
        return self.reports.rows(self.data, "all")[0]

    def findings(self) -> dict:
        """The period's findings in words in the page's language (``bottlenecks.for_period``:
        the standing ones for the week we are in)."""
        report = bottlenecks.for_period(self.h, self.period)
        return findings.in_words(self.reports, self.h.flow, self.lang, report)

    def trend_chart(self):
        weeks = self.reports.weeks_until(self.last, 12)
        labels = [name for name, _ in weeks]
        names = [texts.gettext(self.lang, m) for m in ("callers", "answered", "abandoned")]
        series = [
            (names[i], [_figure(data.get("all", {}), metric) for _, data in weeks])
            for i, metric in enumerate(("calls", "answered", "abandoned"))
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
