"""Coordinators: live figures, the bottleneck report, people and the local-help directory."""

from __future__ import annotations

import json
from dataclasses import asdict

from flask import g, jsonify, request

from helpline import keys
from helpline.accounts import AccountError
from helpline.api import _body, bp, coordinator_only, error
from helpline.extensions import helpline
from helpline.jobs import PERIODIC
from helpline.model import VOLUNTEER_STATES
from helpline.people import People
from helpline.places import PlaceError, Places
from helpline.texts import Refusal


def live_stats(h) -> dict:
    """Waiting callers per topic, the longest wait, volunteers per state, and an alert for every
    line with callers but nobody on duty who has the skill."""
    now = h.store.clock.now_ms()
    volunteers = [h.router.volunteer(v) for v in h.router.volunteer_ids()]
    volunteers = [v for v in volunteers if v]
    by_state = dict.fromkeys(VOLUNTEER_STATES, 0)
    for v in volunteers:
        by_state[v.state] = by_state.get(v.state, 0) + 1
    on_duty = [v for v in volunteers if v.state not in ("offline",)]
    topics = []
    for topic in h.flow.topics.values():
        waiting, longest = 0, 0
        for lang in h.flow.languages:
            line = keys.waiting(topic.id, lang)
            waiting += h.redis.zcard(line)
            for _member, score in h.redis.zrange(line, 0, 0, withscores=True):
                longest = max(longest, now - keys.arrival_of(score))
        skilled = sum(1 for v in on_duty if topic.skill in v.skills)
        topics.append(
            {
                "topic": topic.id,
                "name": topic.name,
                "waiting": waiting,
                "longest_wait_seconds": longest // 1000,
                "skilled_on_duty": skilled,
                "alert": waiting > 0 and skilled == 0,
            }
        )
    from helpline.reports.tables import Reports

    reports = Reports(h.redis, h.settings, h.store.clock)
    today = reports.rows(reports.days(reports.today(), reports.today()), "all")[0]
    failing = []
    for job in PERIODIC:
        if int(h.redis.hget(keys.job_status(job.name), "failures") or 0):
            failing.append(job.name)
    return {
        "now_ms": now,
        "today": {
            "offered": today.get("offered"),
            "answered": today.get("answered"),
            "abandoned": today.get("abandoned"),
            "service_level": None if today.service_level is None else round(today.service_level, 3),
            "service_level_target": h.settings.service_level_target,
            "service_level_seconds": reports.sl_seconds,
        },
        "failing_jobs": failing,
        "topics": topics,
        "waiting": sum(t["waiting"] for t in topics),
        "volunteers": by_state,
        "scheduled_callbacks": h.redis.zcard(keys.SCHEDULED_CALLBACKS),
    }


@bp.get("/stats/live")
@coordinator_only
def get_live_stats():
    return jsonify(live_stats(helpline()))


@bp.get("/reports/bottlenecks")
@coordinator_only
def get_bottleneck_report():
    """The latest findings of the bottleneck detection job, each with its evidence."""
    h = helpline()
    raw = h.redis.get(keys.FINDINGS)
    report = json.loads(raw) if raw else {"generated_at": None, "findings": []}
    kind = request.args.get("kind")
    if kind:
        report["findings"] = [f for f in report["findings"] if f.get("kind") == kind]
    return jsonify(report)


# -- people --------------------------------------------------------------------------------


@bp.get("/people")
@coordinator_only
def list_people():
    return jsonify({"people": People(helpline()).list()})


@bp.post("/people")
@coordinator_only
def add_person():
    body = _body()
    try:
        account = People(helpline()).add(
            str(body.get("username") or ""),
            str(body.get("password") or ""),
            role=str(body.get("role") or "volunteer"),
            name=str(body.get("name") or ""),
            phone=str(body.get("phone") or ""),
            skills=body.get("skills") or [],
            languages=body.get("languages") or [],
        )
    except AccountError as exc:
        return error(400, exc)
    return jsonify({"ok": True, "username": account.username}), 201


@bp.patch("/people/<username>")
@coordinator_only
def update_person(username):
    body = _body()
    allowed = {"name", "phone", "skills", "languages", "role", "disabled"}
    changes = {k: v for k, v in body.items() if k in allowed}
    demoted = "role" in changes and changes["role"] != "coordinator"
    if username == g.account.username and (changes.get("disabled") or demoted):
        return error(400, "own_account")
    try:
        People(helpline()).update(username, changes)
    except KeyError:
        return error(404, "person_missing")
    except AccountError as exc:
        return error(400, exc)
    return jsonify({"ok": True})


@bp.post("/people/<username>/password")
@coordinator_only
def reset_password(username):
    try:
        password = People(helpline()).reset_password(username)
    except KeyError:
        return error(404, "person_missing")
    return jsonify({"ok": True, "password": password})


# -- the local-help directory -------------------------------------------------------------


@bp.post("/places")
@coordinator_only
def add_place():
    try:
        place = Places(helpline().redis).add(_body())
    except PlaceError as exc:
        return error(400, exc)
    return jsonify(asdict(place)), 201


@bp.put("/places/<place_id>")
@coordinator_only
def update_place(place_id):
    try:
        place = Places(helpline().redis).update(place_id, _body())
    except KeyError:
        return error(404, "place_missing")
    except PlaceError as exc:
        return error(400, exc)
    return jsonify(asdict(place))


@bp.delete("/places/<place_id>")
@coordinator_only
def delete_place(place_id):
    if not Places(helpline().redis).delete(place_id):
        return error(404, "place_missing")
    return jsonify({"ok": True})


@bp.post("/places/import")
@coordinator_only
def import_places():
    """CSV in the request body (text/csv); ``?replace=1`` replaces the whole directory."""
    text = request.get_data(cache=False, as_text=True)
    if len(text) > 2_000_000:
        return error(413, "file_too_large")
    try:
        count = Places(helpline().redis).import_csv(
            text, replace=request.args.get("replace") in ("1", "true")
        )
    except PlaceError as exc:
        return error(400, exc)
    return jsonify({"ok": True, "imported": count})


# -- opening hours -------------------------------------------------------------------------


def _hours_state(h) -> dict:
    from helpline import hours

    schedule = h.hours.schedule()
    now = h.store.clock.now()
    status = hours.status(schedule, now)
    stored = h.redis.hgetall(keys.HOURS)
    closure = schedule.closure
    return {
        "open": status.open,
        "reason": status.reason,
        "next_opening": status.next_opening.isoformat() if status.next_opening else None,
        "weekly": stored.get("weekly") or h.settings.opening_hours,
        "holidays": stored.get("holidays", h.settings.holidays),
        "closure": {
            "reason": closure.reason,
            "until": closure.until.isoformat() if closure.until else None,
        }
        if closure
        else None,
    }


@bp.get("/hours")
@coordinator_only
def get_hours():
    return jsonify(_hours_state(helpline()))


@bp.put("/hours")
@coordinator_only
def set_hours():
    body = _body()
    weekly, holidays = body.get("weekly"), body.get("holidays")
    if not isinstance(weekly, str | None) or not isinstance(holidays, str | None):
        return error(400, "hours_not_text")
    h = helpline()
    try:
        h.hours.set(weekly=weekly, holidays=holidays)
    except ValueError as exc:
        problem = exc if isinstance(exc, Refusal) else str(exc)
        return error(400, Refusal("hours_invalid", problem=problem))
    return jsonify(_hours_state(h))


@bp.post("/hours/closure")
@coordinator_only
def close_helpline():
    from datetime import datetime

    body = _body()
    reason_nl = str(body.get("reason_nl") or "").strip()[:300]
    reason_en = str(body.get("reason_en") or "").strip()[:300]
    if not reason_nl:
        return error(400, "closure_reason_missing")
    until = None
    if body.get("until"):
        try:
            until = datetime.fromisoformat(str(body["until"]).replace("Z", "+00:00"))
        except ValueError:
            return error(400, "time_invalid")
        if until.tzinfo is None:
            return error(400, "time_invalid")
    h = helpline()
    h.hours.close({"nl": reason_nl, "en": reason_en or reason_nl}, until)
    return jsonify(_hours_state(h))


@bp.delete("/hours/closure")
@coordinator_only
def reopen_helpline():
    h = helpline()
    h.hours.reopen()
    return jsonify(_hours_state(h))
