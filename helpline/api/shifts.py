"""Shifts and the staffing plan: volunteers plan their own shifts (coordinators anyone's);
coordinators read the plan of a week against the need (``listShifts``, ``saveShift``,
``deleteShift``, ``getStaffingPlan``)."""

from __future__ import annotations

import marshmallow as ma
from flask import g
from marshmallow import fields as f
from marshmallow.validate import Range

from helpline import staffing
from helpline.api import coordinator_only, error, operation, signed_in
from helpline.api.messages import request_language
from helpline.api.schemas import Schema, refusal
from helpline.extensions import helpline
from helpline.shifts import ShiftError, check, is_week, week_of
from helpline.texts import N_

WEEK = r"^(\d{4}-W\d{2})?$"


class ShiftOut(Schema):
    id = f.String(required=True)
    volunteer = f.String(required=True)
    start = f.String(required=True, metadata={"example": "09:00"})
    end = f.String(required=True, metadata={"example": "12:30"})
    weekday = f.Integer(allow_none=True, metadata={"description": "0 is Monday: every week"})
    date = f.String(allow_none=True, metadata={"description": "YYYY-MM-DD: once"})


class CurrentShift(ShiftOut):
    occurrence = f.String(required=True, metadata={"description": "the shift on this day"})


class ShiftList(Schema):
    shifts = f.List(f.Nested(ShiftOut), required=True)
    current = f.Nested(CurrentShift, allow_none=True, metadata={"description": "mine, now"})


class ShiftsQuery(Schema):
    volunteer = f.String(load_default="", metadata={"description": "coordinators: whose"})


class ShiftIn(Schema):
    id = f.String(load_default=None, allow_none=True)
    volunteer = f.String(load_default=None, allow_none=True)
    start = f.String(required=True, metadata=refusal(N_("shift_time_invalid")))
    end = f.String(required=True, metadata=refusal(N_("shift_time_invalid")))
    weekday = f.Integer(
        load_default=None,
        allow_none=True,
        validate=Range(0, 6),
        metadata=refusal(N_("shift_when_missing")),
    )
    date = f.String(load_default=None, allow_none=True, metadata=refusal(N_("shift_date_invalid")))


def _a_week(text: str) -> None:
    if text and not is_week(text):
        raise ma.ValidationError("not an ISO week")


class WeekQuery(Schema):
    week = f.String(
        load_default="",
        validate=_a_week,
        metadata={"example": "2026-W49", "pattern": WEEK},
    )


class PlanRow(Schema):
    skill = f.String(required=True)
    weekday = f.Integer(required=True)
    hour = f.Integer(required=True)
    planned = f.Float(required=True)
    needed = f.Integer(required=True)
    gap = f.Integer(required=True)


class PlanGap(Schema):
    skill = f.String(required=True)
    weekday = f.Integer(required=True)
    start = f.Integer(required=True)
    end = f.Integer(required=True)
    missing = f.Integer(required=True)
    sentence = f.String(required=True)


class StaffingPlan(Schema):
    week = f.String(required=True)
    need_period = f.Dict(keys=f.String(), values=f.String(), required=True)
    rows = f.List(f.Nested(PlanRow), required=True)
    gaps = f.List(f.Nested(PlanGap), required=True)


@operation(
    "GET",
    "/shifts",
    "listShifts",
    "My shifts and the one going on now (coordinators: anyone's, or all)",
    access=signed_in,
    query=ShiftsQuery,
    ok=ShiftList,
)
def list_shifts(query):
    shifts = helpline().shifts
    me = g.account.username
    if g.account.is_coordinator:
        found = shifts.of(query["volunteer"]) if query["volunteer"] else shifts.all()
    else:
        found = shifts.of(me)
    return {"shifts": found, "current": shifts.current(me)}


@operation(
    "POST",
    "/shifts",
    "saveShift",
    "Plan a shift, or change one (weekly on a weekday, or on one date)",
    access=signed_in,
    body=ShiftIn,
    ok=ShiftOut,
    errors=(404,),
)
def save_shift(body):
    shifts = helpline().shifts
    volunteer = g.account.username
    if body.get("volunteer") and g.account.is_coordinator:
        volunteer = body["volunteer"]
    if body.get("id"):
        known = shifts.get(body["id"])
        if known is None or not _mine(known.volunteer):
            return error(404, "shift_missing")
        volunteer = known.volunteer
    if helpline().router.volunteer(volunteer) is None:
        return error(400, "shift_no_profile")
    try:
        return shifts.save(check(body, volunteer, body.get("id")))
    except ShiftError as exc:
        return error(400, exc)


@operation(
    "DELETE",
    "/shifts/<shift_id>",
    "deleteShift",
    "Remove a shift",
    access=signed_in,
    ok=ma.Schema.from_dict({"ok": f.Boolean(required=True)}, name="ShiftDeleted"),
    errors=(404,),
)
def delete_shift(shift_id):
    shifts = helpline().shifts
    known = shifts.get(shift_id)
    if known is None or not _mine(known.volunteer):
        return error(404, "shift_missing")
    shifts.delete(shift_id)
    return {"ok": True}


@operation(
    "GET",
    "/staffing",
    "getStaffingPlan",
    "A week's plan per weekday hour and skill: planned, needed (Erlang C, last 4 weeks), gap",
    access=coordinator_only,
    query=WeekQuery,
    ok=StaffingPlan,
)
def get_staffing_plan(query):
    h = helpline()
    week = query["week"] or week_of(h.shifts.today())
    return staffing.week_plan(h, week, request_language())


def _mine(volunteer: str) -> bool:
    return volunteer == g.account.username or g.account.is_coordinator
