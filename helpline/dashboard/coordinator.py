"""Coordinator pages beyond people, places and reports: the opening hours and the IVR flow
diagram."""

from __future__ import annotations

from flask import render_template

from helpline import hours
from helpline.dashboard import bp, language, page
from helpline.extensions import helpline
from helpline.reports import flowchart


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
