"""Coordinator pages beyond people and places: the bottleneck report with its charts and CSV
exports, the opening hours, and the IVR flow diagram."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from helpline import hours
from helpline.dashboard import bp, language, page
from helpline.extensions import helpline
from helpline.reports import flowchart
from helpline.reports.weekly import TABLES, WeeklyReport, shift_week


@bp.get("/coordinator/report")
@page(coordinators=True)
def report():
    weekly = WeeklyReport(helpline(), request.args.get("week"), language())
    trend, trend_rows = weekly.trend_chart()
    heat, _ = weekly.heatmap_chart()
    top, top_rows = weekly.subtopic_chart()
    return render_template(
        "report.html",
        weekly=weekly,
        tables=[(name, *weekly.table(name)) for name in TABLES],
        totals=weekly.totals(),
        findings=weekly.findings(),
        trend=trend,
        trend_rows=trend_rows,
        heat=heat,
        top=top,
        top_rows=top_rows,
        previous=shift_week(weekly.week, -1),
        following=shift_week(weekly.week, 1),
        jobs=job_health(),
    )


@bp.get("/coordinator/report/<name>.csv")
@page(coordinators=True)
def export(name):
    if name not in TABLES:
        abort(404)
    weekly = WeeklyReport(helpline(), request.args.get("week"), language())
    return Response(
        "\ufeff" + weekly.csv(name),  # the byte order mark makes Excel read UTF-8
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="digihulplijn-{name}-{weekly.week}.csv"'
        },
    )


@bp.get("/coordinator/hours")
@page(coordinators=True)
def opening_hours():
    h = helpline()
    schedule = h.hours.schedule()
    now = h.store.clock.now()
    lang = language()
    status = hours.status(schedule, now)
    weekly, holidays = h.hours.as_written()
    return render_template(
        "hours.html",
        weekly_text=weekly,
        holidays_text=holidays,
        described=hours.describe_weekly(schedule.weekly, lang),
        status=status,
        closure=schedule.closure,
        next_opening=hours.describe_moment(status.next_opening, now, lang)
        if status.next_opening
        else None,
    )


@bp.get("/coordinator/flow")
@page(coordinators=True)
def flow_diagram():
    flow = helpline().flow
    lang = language()
    return render_template(
        "flow.html",
        diagram=flowchart.diagram(flow, lang),
        flow=flow,
        edges=flowchart.edges(flow, lang),
        prompt=lambda step: flowchart.prompt_text(flow, step, lang),
    )


def job_health() -> list[dict]:
    """Each periodic job's state: failures in a row, the last error, the last success."""
    import time

    from helpline.jobs import PERIODIC

    return helpline().job_runs.health(PERIODIC, time.time())
