"""The reports as JSON: findings in words, the menu's drop-off, the funding report and
volunteers' activity, each for a period (a refused period is a 400 that says why)."""

from __future__ import annotations

from flask import g

from helpline.api import coordinator_only, error, operation, signed_in
from helpline.api import report_schemas as schemas
from helpline.api.messages import request_language
from helpline.extensions import helpline
from helpline.reports import bottlenecks, findings, periods
from helpline.reports.activity import VolunteerActivity
from helpline.reports.funding import FundingReport
from helpline.reports.menu import MenuReport
from helpline.reports.tables import Reports
from helpline.texts import Refusal


def chosen(query: dict, default: str) -> periods.Period:
    h = helpline()
    reports = Reports(h.redis, h.settings, h.store.clock)
    return periods.parse(query, reports.today(), reports.first_counted(), default)


@operation(
    "GET",
    "/reports/bottlenecks",
    "getBottleneckReport",
    "Findings in words, with a next step and the raw figures apart, for the last 7 days or "
    "a chosen period (coordinator)",
    access=coordinator_only,
    query=schemas.FindingsQuery,
    ok=schemas.BottleneckReport,
    errors=(400,),
)
def get_bottleneck_report(query):
    """Each finding has a ``title``, a ``text``, a suggested ``action``, the evidence and the
    method in words (``evidence_text``, ``method_text``) and its raw ``figures``; for a
    ``period`` (or ``start`` and ``end``), over that period's days."""
    h = helpline()
    lang = query.get("lang") if query.get("lang") in ("nl", "en") else request_language()
    chosen_report = None
    if query.get("period") or query.get("start") or query.get("end"):
        period, refused = _period_or_error(query, "week")
        if refused:
            return refused
        chosen_report = bottlenecks.for_period(h, period)
    reports = Reports(h.redis, h.settings, h.store.clock)
    report = findings.in_words(reports, h.flow, lang, chosen_report)
    if query.get("kind"):
        report["findings"] = [f for f in report["findings"] if f.get("kind") == query["kind"]]
    return report


def _period_or_error(query: dict, default: str):
    try:
        return chosen(query, default), None
    except Refusal as refusal:
        return None, error(400, refusal)


@operation(
    "GET",
    "/reports/menu",
    "getMenuReport",
    "Callers per menu step and where they hung up, and calls while closed (coordinator)",
    access=coordinator_only,
    query=schemas.PeriodQuery,
    ok=schemas.MenuReport,
    errors=(400,),
)
def get_menu_report(query):
    period, refused = _period_or_error(query, "week")
    if refused:
        return refused
    return MenuReport(helpline(), period, request_language()).as_dict()


@operation(
    "GET",
    "/reports/funding",
    "getFundingReport",
    "Per referring organisation and kind: callers, answered, callbacks, volunteer minutes, "
    "outcomes and top sub-topics, beside the period before (coordinator)",
    access=coordinator_only,
    query=schemas.PeriodQuery,
    ok=schemas.FundingReport,
    errors=(400,),
)
def get_funding_report(query):
    period, refused = _period_or_error(query, "quarter")
    if refused:
        return refused
    return FundingReport(helpline(), period, request_language()).as_dict()


@operation(
    "GET",
    "/reports/activity",
    "getVolunteerActivity",
    "Volunteers' hours, calls and minutes; a coordinator sees everyone, a volunteer their own",
    access=signed_in,
    query=schemas.PeriodQuery,
    ok=schemas.VolunteerActivity,
    errors=(400,),
)
def get_volunteer_activity(query):
    period, refused = _period_or_error(query, "month")
    if refused:
        return refused
    only = None if g.account.is_coordinator else g.account.username
    return VolunteerActivity(helpline(), period, request_language(), only=only).as_dict()
