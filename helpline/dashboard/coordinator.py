"""Coordinator pages beyond people, places and reports: the opening hours and the IVR flow
diagram."""

from __future__ import annotations

from flask import render_template

from helpline import hours, keys
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

    h = helpline()
    out = []
    for job in PERIODIC:
        status = h.redis.hgetall(keys.job_status(job.name))
        last = float(status.get("last_success") or 0)
        out.append(
            {
                "name": job.name,
                "interval": job.interval,
                "failures": int(status.get("failures") or 0),
                "last_error": status.get("last_error") or "",
                "last_success_ago": round(time.time() - last) if last else None,
                "late": (not last) or time.time() - last > 3 * job.interval,
            }
        )
    return out
