"""Coordinators: live figures, the bottleneck report, people and the local-help directory."""

from __future__ import annotations

from flask import g, request

from helpline.accounts import AccountError
from helpline.api import coordinator_only, error, operation, schemas
from helpline.api.contract import IMPORT_LIMIT
from helpline.api.messages import request_language
from helpline.extensions import helpline
from helpline.jobs import PERIODIC
from helpline.model import VOLUNTEER_STATES
from helpline.people import People
from helpline.places import PlaceError
from helpline.texts import Refusal


def live_stats(h) -> dict:
    """Waiting callers per topic, the longest wait, volunteers per state, today's callers who
    hung up in the menu (per step) and who called while closed, and an alert for every line
    with callers but no available volunteer with its skill and their language (the languages
    short are named)."""
    now = h.store.clock.now_ms()
    volunteers = [h.router.volunteer(v) for v in h.router.volunteer_ids()]
    volunteers = [v for v in volunteers if v]
    by_state = dict.fromkeys(VOLUNTEER_STATES, 0)
    for v in volunteers:
        by_state[v.state] = by_state.get(v.state, 0) + 1
    available = [v for v in volunteers if v.state == "available"]
    topics = []
    for topic in h.flow.topics.values():
        waiting, longest, short = 0, 0, []
        for lang in h.flow.languages:
            count, first = h.store.line_length(topic.id, lang)
            waiting += count
            if first is not None:
                longest = max(longest, now - first)
            able = [v for v in available if topic.skill in v.skills and lang in v.languages]
            if count and not able:
                short.append(lang)
        topics.append(
            {
                "topic": topic.id,
                "name": topic.name,
                "waiting": waiting,
                "longest_wait_seconds": longest // 1000,
                "skilled_on_duty": sum(1 for v in available if topic.skill in v.skills),
                "alert": bool(short),
                "alert_languages": short,
            }
        )
    from helpline.reports.labels import Labels
    from helpline.reports.menu import steps
    from helpline.reports.tables import Reports

    reports = Reports(h.redis, h.settings, h.store.clock)
    data = reports.days(reports.today(), reports.today())
    today = reports.rows(data, "all")[0]
    failing = [job.name for job in PERIODIC if h.job_runs.status(job.name).failures]
    menu = [
        {"step": s["step"], "label": s["label"], "left_here": s["left_here"]}
        for s in steps(data, h.flow, Labels(h.flow, request_language()))
        if s["left_here"]
    ]
    return {
        "now_ms": now,
        "today": {
            "calls": max(today.get("calls"), today.get("offered")),
            "offered": today.get("offered"),
            "answered": today.get("answered"),
            "abandoned": today.get("abandoned"),
            "ended_in_menu": today.get("menu_ended"),
            "closed_hours_calls": today.get("closed_calls"),
            "menu": menu,
            "service_level": None if today.service_level is None else round(today.service_level, 3),
            "service_level_target": h.settings.service_level_target,
            "service_level_seconds": reports.sl_seconds,
        },
        "failing_jobs": failing,
        "topics": topics,
        "waiting": sum(t["waiting"] for t in topics),
        "volunteers": by_state,
        "scheduled_callbacks": h.store.scheduled_callbacks(),
    }


@operation(
    "GET",
    "/stats/live",
    "getLiveStats",
    "Waiting callers and volunteers now (coordinator)",
    access=coordinator_only,
    ok=schemas.LiveStats,
)
def get_live_stats():
    return live_stats(helpline())


# -- people --------------------------------------------------------------------------------


@operation(
    "GET",
    "/people",
    "listPeople",
    "Everyone's account (coordinator)",
    access=coordinator_only,
    ok=schemas.People,
)
def list_people():
    return {"people": People(helpline()).list()}


@operation(
    "POST",
    "/people",
    "addPerson",
    "Add a volunteer or coordinator (coordinator)",
    access=coordinator_only,
    body=schemas.PersonInput,
    ok=schemas.PersonAdded,
    status=201,
)
def add_person(person):
    try:
        account = People(helpline()).add(
            person.pop("username"), person.pop("password"), must_change=True, **person
        )
    except AccountError as exc:
        return error(400, exc)
    return {"ok": True, "username": account.username}


@operation(
    "PATCH",
    "/people/<username>",
    "updatePerson",
    "Change, disable or enable an account (coordinator)",
    access=coordinator_only,
    body=schemas.PersonChanges,
    ok=schemas.Ok,
    errors=(404,),
)
def update_person(changes, username):
    demoted = "role" in changes and changes["role"] != "coordinator"
    if username == g.account.username and (changes.get("disabled") or demoted):
        return error(400, "own_account")
    try:
        People(helpline()).update(username, changes)
    except KeyError:
        return error(404, "person_missing")
    except AccountError as exc:
        return error(400, exc)
    return {"ok": True}


@operation(
    "POST",
    "/people/<username>/password",
    "resetPassword",
    "Give an account a new temporary password, shown once (coordinator)",
    access=coordinator_only,
    ok=schemas.PasswordReset,
    errors=(404,),
)
def reset_password(username):
    try:
        password = People(helpline()).reset_password(username)
    except KeyError:
        return error(404, "person_missing")
    return {"ok": True, "password": password}


# -- the local-help directory -------------------------------------------------------------


@operation(
    "POST",
    "/places",
    "addPlace",
    "Add a place to the local-help directory (coordinator)",
    access=coordinator_only,
    body=schemas.PlaceInput,
    ok=schemas.Place,
    status=201,
)
def add_place(place):
    try:
        return helpline().places.add(place)
    except PlaceError as exc:
        return error(400, exc)


@operation(
    "PUT",
    "/places/<place_id>",
    "updatePlace",
    "Change a place (coordinator)",
    access=coordinator_only,
    body=schemas.PlaceInput,
    ok=schemas.Place,
    errors=(404,),
)
def update_place(place, place_id):
    try:
        return helpline().places.update(place_id, place)
    except KeyError:
        return error(404, "place_missing")
    except PlaceError as exc:
        return error(400, exc)


@operation(
    "DELETE",
    "/places/<place_id>",
    "deletePlace",
    "Remove a place (coordinator)",
    access=coordinator_only,
    ok=schemas.Ok,
    errors=(404,),
)
def delete_place(place_id):
    if not helpline().places.delete(place_id):
        return error(404, "place_missing")
    return {"ok": True}


CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


@operation(
    "POST",
    "/places/import",
    "importPlaces",
    "Import the local-help directory from CSV (coordinator)",
    access=coordinator_only,
    query=schemas.ImportQuery,
    ok=schemas.Imported,
    errors=(413,),
    doc={"requestBody": CSV_BODY},
)
def import_places(query):
    """CSV in the request body (text/csv); ``?replace=1`` replaces the whole directory."""
    request.max_content_length = IMPORT_LIMIT
    text = request.get_data(cache=False, as_text=True)
    if len(text) > IMPORT_LIMIT:
        return error(413, "file_too_large")
    try:
        count = helpline().places.import_csv(text, replace=query["replace"])
    except PlaceError as exc:
        return error(400, exc)
    return {"ok": True, "imported": count}


# -- opening hours -------------------------------------------------------------------------


def _hours_state(h) -> dict:
    from helpline import hours

    schedule = h.hours.schedule()
    now = h.store.clock.now()
    status = hours.status(schedule, now)
    weekly, holidays = h.hours.as_written()
    closure = schedule.closure
    return {
        "open": status.open,
        "reason": status.reason,
        "next_opening": status.next_opening.isoformat() if status.next_opening else None,
        "weekly": weekly,
        "holidays": holidays,
        "closure": {
            "reason": closure.reason,
            "until": closure.until.isoformat() if closure.until else None,
        }
        if closure
        else None,
    }


HOURS = {"access": coordinator_only, "ok": schemas.Hours}


@operation("GET", "/hours", "getHours", "Opening hours and closure (coordinator)", **HOURS)
def get_hours():
    return _hours_state(helpline())


@operation(
    "PUT",
    "/hours",
    "setHours",
    "Set the weekly hours and holidays (coordinator)",
    body=schemas.HoursChange,
    **HOURS,
)
def set_hours(change):
    h = helpline()
    try:
        h.hours.set(weekly=change.get("weekly"), holidays=change.get("holidays"))
    except ValueError as exc:
        problem = exc if isinstance(exc, Refusal) else str(exc)
        return error(400, Refusal("hours_invalid", problem=problem))
    return _hours_state(h)


@operation(
    "POST",
    "/hours/closure",
    "closeHelpline",
    "Close now with a reason callers hear (coordinator)",
    body=schemas.Closure,
    **HOURS,
)
def close_helpline(closure):
    reason_nl = closure["reason_nl"].strip()[:300]
    reason_en = (closure.get("reason_en") or "").strip()[:300]
    h = helpline()
    try:
        h.hours.close({"nl": reason_nl, "en": reason_en or reason_nl}, closure.get("until"))
    except Refusal as exc:
        return error(400, exc)
    return _hours_state(h)


@operation("DELETE", "/hours/closure", "reopenHelpline", "End a closure (coordinator)", **HOURS)
def reopen_helpline():
    h = helpline()
    h.hours.reopen()
    return _hours_state(h)
