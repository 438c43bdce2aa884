"""Listen, coach, join: a mentor's controls on the wall board, the volunteer's notice that a
mentor is there and their refusal setting (``monitorCall``, ``stopMonitoring``,
``listLiveCalls``, ``getMyMonitoring``, ``setMyMonitoring``, ``setMentor``)."""

from __future__ import annotations

from flask import g
from marshmallow import fields as f
from marshmallow.validate import OneOf

from helpline.api import coordinator_only, error, operation, signed_in
from helpline.api.schemas import Schema, refusal
from helpline.extensions import helpline
from helpline.mentoring import MODES, MonitorError
from helpline.texts import N_


class MonitorIn(Schema):
    mode = f.String(
        required=True, validate=OneOf(MODES), metadata=refusal(N_("monitor_mode_unknown"))
    )


class MonitorSession(Schema):
    call = f.String(required=True)
    mode = f.String(required=True, validate=OneOf(MODES))
    mentor = f.String(required=True)


class LoggedSession(Schema):
    mentor = f.String(required=True)
    volunteer = f.String(required=True)
    call = f.String(required=True)
    modes = f.String(required=True, metadata={"description": "the modes used, in order"})
    seconds = f.Integer(required=True)
    started_at = f.String(required=True, metadata={"description": "ms since the epoch"})


class Stopped(Schema):
    ok = f.Boolean(required=True)
    session = f.Nested(LoggedSession, allow_none=True)


class LiveCall(Schema):
    id = f.String(required=True)
    volunteer = f.String(required=True)
    volunteer_name = f.String(required=True)
    topic = f.String(required=True)
    refuses_listening = f.Boolean(required=True)
    mentor = f.String(allow_none=True)
    mode = f.String(allow_none=True)


class LiveCalls(Schema):
    calls = f.List(f.Nested(LiveCall), required=True)
    log = f.List(f.Nested(LoggedSession), required=True)


class MyMonitoring(Schema):
    refuse = f.Boolean(required=True)
    mentor_present = f.Boolean(required=True)
    mode = f.String(allow_none=True)


class RefuseIn(Schema):
    refuse = f.Boolean(required=True)


class MentorIn(Schema):
    mentor = f.Boolean(required=True)


class MentorOut(Schema):
    username = f.String(required=True)
    mentor = f.Boolean(required=True)


def _may_monitor():
    if not helpline().monitoring.may_monitor(g.account):
        return error(403, "monitor_not_mentor")
    return None


@operation(
    "GET",
    "/monitoring",
    "listLiveCalls",
    "Conversations going on now, who is monitoring them, and the latest sessions (mentors)",
    access=signed_in,
    ok=LiveCalls,
)
def list_live_calls():
    refused = _may_monitor()
    if refused:
        return refused
    monitoring = helpline().monitoring
    return {"calls": monitoring.live_calls(), "log": monitoring.logged()}


@operation(
    "POST",
    "/calls/<call_id>/monitor",
    "monitorCall",
    "Listen to (muted), coach (only the volunteer hears) or join (both hear) a live call",
    access=signed_in,
    body=MonitorIn,
    ok=MonitorSession,
    errors=(403, 409),
)
def monitor_call(body, call_id):
    refused = _may_monitor()
    if refused:
        return refused
    try:
        session = helpline().monitoring.switch(g.account, call_id, body["mode"])
    except MonitorError as exc:
        return error(409, exc)
    return {"call": call_id, "mode": session["mode"], "mentor": session["mentor"]}


@operation(
    "DELETE",
    "/calls/<call_id>/monitor",
    "stopMonitoring",
    "Stop listening, coaching or joining: the mentor's phone leg ends",
    access=signed_in,
    ok=Stopped,
    errors=(403,),
)
def stop_monitoring(call_id):
    refused = _may_monitor()
    if refused:
        return refused
    return {"ok": True, "session": helpline().monitoring.stop(g.account, call_id)}


@operation(
    "GET",
    "/me/monitoring",
    "getMyMonitoring",
    "Whether a mentor is in my conversation now, and whether I refuse listening",
    access=signed_in,
    ok=MyMonitoring,
)
def get_my_monitoring():
    monitoring = helpline().monitoring
    session = monitoring.session_of_volunteer(g.account.username)
    return {
        "refuse": monitoring.refuses(g.account.username),
        "mentor_present": session is not None,
        "mode": session.get("mode") if session else None,
    }


@operation(
    "PUT",
    "/me/monitoring",
    "setMyMonitoring",
    "Refuse (or allow) mentors listening to my conversations",
    access=signed_in,
    body=RefuseIn,
    ok=MyMonitoring,
)
def set_my_monitoring(body):
    helpline().monitoring.set_refuses(g.account.username, body["refuse"])
    return get_my_monitoring()


@operation(
    "PUT",
    "/people/<username>/mentor",
    "setMentor",
    "Mark a volunteer as mentor (who may listen, coach and join), or not",
    access=coordinator_only,
    body=MentorIn,
    ok=MentorOut,
    errors=(404,),
)
def set_mentor(body, username):
    h = helpline()
    if h.accounts.get(username) is None:
        return error(404, "person_missing")
    h.monitoring.set_mentor(username, body["mentor"])
    return {"username": username, "mentor": body["mentor"]}


class Mentors(Schema):
    mentors = f.List(f.String(), required=True)


@operation(
    "GET",
    "/mentors",
    "listMentors",
    "The volunteers marked as mentor (coordinator)",
    access=coordinator_only,
    ok=Mentors,
)
def list_mentors():
    return {"mentors": helpline().monitoring.mentors()}
