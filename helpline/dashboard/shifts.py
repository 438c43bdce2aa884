"""The shift pages: a volunteer plans their shifts; a coordinator sees the week grid of the
staffing plan (planned against needed, gaps in colour and in words) and exports it as CSV and
iCalendar."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import icalendar
from flask import Response, g, render_template, request

from helpline import staffing
from helpline.dashboard import bp, language, page
from helpline.extensions import helpline
from helpline.reports.weekly import WEEKDAYS
from helpline.shifts import is_week, next_week, week_days, week_of


def _week() -> str:
    asked = request.args.get("week", "")
    return asked if is_week(asked) else week_of(helpline().shifts.today())


@bp.get("/shifts")
@page
def shifts():
    h = helpline()
    profile = h.router.volunteer(g.account.username)
    return render_template(
        "shifts.html", has_profile=profile is not None, weekdays=WEEKDAYS, profile=profile
    )


def _grid(plan: dict, flow) -> list[dict]:
    """One table per skill: the hours that have a need or a plan, by weekday."""
    tables = []
    for skill in flow.skills:
        rows = [r for r in plan["rows"] if r["skill"] == skill]
        hours = sorted({r["hour"] for r in rows}) or list(range(9, 17))
        cells = {(r["weekday"], r["hour"]): r for r in rows}
        tables.append({"skill": skill, "hours": hours, "cells": cells})
    return tables


@bp.get("/coordinator/staffing")
@page(coordinators=True)
def staffing_plan():
    h = helpline()
    week = _week()
    plan = staffing.week_plan(h, week, language())
    return render_template(
        "staffing.html",
        plan=plan,
        grid=_grid(plan, h.flow),
        names={s: staffing.skill_name(h.flow, s, language()) for s in h.flow.skills},
        weekdays=WEEKDAYS,
        days=week_days(week),
        previous=next_week(week, -1),
        following=next_week(week, 1),
    )


@bp.get("/coordinator/staffing.csv")
@page(coordinators=True)
def staffing_csv():
    h = helpline()
    week = _week()
    plan = staffing.week_plan(h, week, language())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["week", "weekday", "hour", "skill", "planned", "needed", "gap"])
    for row in plan["rows"]:
        writer.writerow(
            [
                week,
                row["weekday"] + 1,
                row["hour"],
                row["skill"],
                row["planned"],
                row["needed"],
                row["gap"],
            ]
        )
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="digihulplijn-diensten-{week}.csv"'},
    )


@bp.get("/coordinator/staffing.ics")
@page(coordinators=True)
def staffing_ics():
    """The week as a calendar: every planned shift, and every gap as its own event."""
    h = helpline()
    week, lang = _week(), language()
    days = week_days(week)
    plan = staffing.week_plan(h, week, lang)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//DigiHulplijn//diensten//NL")
    calendar.add("version", "2.0")
    stamp = datetime.now(UTC)
    for shift, start, end in h.shifts.occurrences(days):
        volunteer = h.router.volunteer(shift.volunteer)
        skills = ", ".join(volunteer.skills) if volunteer else ""
        name = (volunteer.name if volunteer else "") or shift.volunteer
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.id}-{start.date().isoformat()}@digihulplijn")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("summary", f"{name} ({skills})")
        calendar.add_component(event)
    for gap in plan["gaps"]:
        midnight = datetime.combine(days[gap["weekday"]], time.min, tzinfo=h.shifts.zone)
        event = icalendar.Event()
        event.add("uid", f"gap-{week}-{gap['skill']}-{gap['weekday']}-{gap['start']}@digihulplijn")
        event.add("dtstamp", stamp)
        event.add("dtstart", midnight + timedelta(hours=gap["start"]))
        event.add("dtend", midnight + timedelta(hours=gap["end"]))
        event.add("summary", gap["sentence"])
        calendar.add_component(event)
    return Response(
        calendar.to_ical(),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="digihulplijn-diensten-{week}.ics"'},
    )
