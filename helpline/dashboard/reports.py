"""The report pages: the report of a period (findings in words, the menu's funnel, charts and
tables with CSV exports), the funding report with a printable page per organisation, and
volunteers' activity (a coordinator sees everyone, a volunteer their own)."""

from __future__ import annotations

from flask import Response, abort, g, render_template, request, url_for

from helpline.dashboard import bp, language, page
from helpline.dashboard.coordinator import job_health
from helpline.extensions import helpline
from helpline.reports import charts, periods
from helpline.reports.activity import VolunteerActivity
from helpline.reports.funding import FundingReport
from helpline.reports.menu import MenuReport
from helpline.reports.tables import Reports
from helpline.reports.weekly import TABLES, WEEKDAYS, WeeklyReport
from helpline.texts import N_, Refusal, gettext

JOB_WORDS = {  # the background jobs in words (the page never shows their code names)
    "repair_routing": N_("job_repair_routing"),
    "process_events": N_("job_process_events"),
    "sample_duty": N_("job_sample_duty"),
    "detect_bottlenecks": N_("job_detect_bottlenecks"),
    "trim_events": N_("job_trim_events"),
}
KIND_WORDS = {
    "week": N_("period_kind_week"),
    "month": N_("period_kind_month"),
    "quarter": N_("period_kind_quarter"),
    "year": N_("period_kind_year"),
}


class Refused(Exception):
    def __init__(self, refusal: Refusal):
        self.refusal = refusal


def chosen_period(default: str) -> periods.Period:
    h = helpline()
    reports = Reports(h.redis, h.settings, h.store.clock)
    try:
        return periods.parse(request.args, reports.today(), reports.first_counted(), default)
    except Refusal as refusal:
        raise Refused(refusal) from None


@bp.errorhandler(Refused)
def refused(exc: Refused):
    return render_template("refused.html", message=exc.refusal.text(language())), 400


def period_nav(period: periods.Period, endpoint: str, **values) -> dict:
    """Links to the period before and after, and the kinds to choose from."""
    return {
        "previous": (
            period.previous().label(language()),
            url_for(endpoint, **values, **period.previous().query),
        ),
        "following": (
            period.following().label(language()),
            url_for(endpoint, **values, **period.following().query),
        ),
        "kinds": [
            (kind, gettext(language(), words), url_for(endpoint, **values, period=kind))
            for kind, words in KIND_WORDS.items()
        ],
    }


def csv_response(text: str, name: str) -> Response:
    return Response(
        "\ufeff" + text,  # the byte order mark makes Excel read UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="digihulplijn-{name}.csv"'},
    )


@bp.get("/coordinator/report")
@page(coordinators=True)
def report():
    period = chosen_period("week")
    lang = language()
    weekly = WeeklyReport(helpline(), period, lang)
    menu = MenuReport(helpline(), period, lang)
    trend, trend_rows = weekly.trend_chart()
    heat, _ = weekly.heatmap_chart()
    top, top_rows = weekly.subtopic_chart()
    funnel = menu.as_dict()["funnel"]
    stages = [
        (gettext(lang, "funnel_called"), funnel["called"]),
        (gettext(lang, "funnel_in_menu"), funnel["in_menu"]),
        (gettext(lang, "funnel_in_line"), funnel["in_line"]),
        (gettext(lang, "funnel_answered"), funnel["answered"]),
    ]
    closed = menu.closed_grid()
    days = [gettext(lang, day) for day in WEEKDAYS]
    return render_template(
        "report.html",
        weekly=weekly,
        period=period,
        nav=period_nav(period, "dashboard.report"),
        tables=[(name, *weekly.table(name)) for name in TABLES],
        totals=weekly.totals(),
        findings=weekly.findings(),
        trend=trend,
        trend_rows=trend_rows,
        heat=heat,
        top=top,
        top_rows=top_rows,
        funnel=charts.horizontal_bars("funnel", gettext(lang, "funnel_title"), stages),
        stages=stages,
        steps=menu.steps(),
        closed_total=sum(map(sum, closed)),
        closed=charts.heatmap("closed", gettext(lang, "closed_chart"), closed, days),
        jobs=[
            {
                **job,
                "label": gettext(lang, JOB_WORDS[job["name"]])
                if job["name"] in JOB_WORDS
                else job["name"],
            }
            for job in job_health()
        ],
    )


@bp.get("/coordinator/report/<name>.csv")
@page(coordinators=True)
def export(name):
    period = chosen_period("week")
    if name == "menu":
        return csv_response(MenuReport(helpline(), period, language()).csv(), f"menu-{period.name}")
    if name not in TABLES:
        abort(404)
    weekly = WeeklyReport(helpline(), period, language())
    return csv_response(weekly.csv(name), f"{name}-{period.name}")


@bp.get("/coordinator/funding")
@page(coordinators=True)
def funding():
    period = chosen_period("quarter")
    report = FundingReport(helpline(), period, language())
    return render_template(
        "funding.html",
        report=report.as_dict(),
        period=period,
        nav=period_nav(period, "dashboard.funding"),
    )


@bp.get("/coordinator/funding.csv")
@page(coordinators=True)
def funding_csv():
    period = chosen_period("quarter")
    return csv_response(
        FundingReport(helpline(), period, language()).csv(), f"funding-{period.name}"
    )


@bp.get("/coordinator/funding/<kind>/<org>")
@page(coordinators=True)
def funding_letter(kind, org):
    """One organisation's page to print and send: what we did for their customers."""
    period = chosen_period("quarter")
    report = FundingReport(helpline(), period, language())
    row = report.organisation(kind, org)
    if row is None:
        abort(404)
    return render_template(
        "funding_print.html",
        row=row,
        report=report.as_dict(),
        period=period,
        first=periods.day_words(period.first, language()),
        last=periods.day_words(period.last, language()),
    )


def _activity(only: str | None):
    period = chosen_period("month")
    activity = VolunteerActivity(helpline(), period, language(), only=only)
    return period, activity.as_dict()


@bp.get("/coordinator/activity")
@page(coordinators=True)
def activity():
    period, data = _activity(None)
    return render_template(
        "activity.html",
        data=data,
        period=period,
        everyone=True,
        title=gettext(language(), "activity_title"),
        nav=period_nav(period, "dashboard.activity"),
    )


@bp.get("/coordinator/activity.csv")
@page(coordinators=True)
def activity_csv():
    period = chosen_period("month")
    return csv_response(
        VolunteerActivity(helpline(), period, language()).csv(), f"activity-{period.name}"
    )


@bp.get("/activity")
@page
def my_activity():
    period, data = _activity(g.account.username)
    return render_template(
        "activity.html",
        data=data,
        period=period,
        everyone=False,
        title=gettext(language(), "activity_own_title"),
        nav=period_nav(period, "dashboard.my_activity"),
    )
