"""Twilio's REST API (the parts a helpline uses), served by the simulator.

Every request is checked against Twilio's OpenAPI description first; a request Twilio would
refuse gets Twilio's error body: ``{"code", "message", "more_info", "status"}``.
"""

from __future__ import annotations

import base64
import hmac
from email.utils import formatdate

from flask import Flask, jsonify, request

from twilio_sim import coaching
from twilio_sim.conferences import Conference
from twilio_sim.legs import TERMINAL, Leg, sid
from twilio_sim.queues import Queue
from twilio_sim.rest.messages import register_messages
from twilio_sim.rest.openapi import RequestProblem, spec
from twilio_sim.simulator import Simulator

BASE = "/2010-04-01/Accounts/<account>"


def error(status: int, code: int, message: str):
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return jsonify(body), status


def not_found():
    """Twilio's answer for a resource that does not exist."""
    return error(404, 20404, f"The requested resource {request.path} was not found")


def rfc2822(seconds: float | None) -> str | None:
    return formatdate(seconds).replace("-0000", "+0000") if seconds else None


def call_json(sim: Simulator, leg: Leg) -> dict:
    return {
        "sid": leg.sid,
        "account_sid": sim.account_sid,
        "to": leg.to,
        "from": leg.from_,
        "status": leg.status,
        "direction": leg.direction,
        "parent_call_sid": leg.parent.sid if leg.parent else None,
        "start_time": rfc2822(leg.answered_at),
        "end_time": rfc2822(leg.ended_at),
        "duration": str(leg.duration()) if leg.ended_at else None,
        "date_created": rfc2822(leg.created),
        "answered_by": leg.answered_by or None,
        "api_version": "2010-04-01",
        "queue_time": "0",
        "uri": f"/2010-04-01/Accounts/{sim.account_sid}/Calls/{leg.sid}.json",
    }


def queue_json(sim: Simulator, queue: Queue) -> dict:
    now = sim.clock.now()
    waits = [now - m.enqueued_at for m in queue.members]
    return {
        "sid": queue.sid,
        "account_sid": sim.account_sid,
        "friendly_name": queue.name,
        "current_size": len(queue.members),
        "max_size": queue.max_size,
        "average_wait_time": int(sum(waits) / len(waits)) if waits else 0,
        "date_created": rfc2822(queue.created),
        "uri": f"/2010-04-01/Accounts/{sim.account_sid}/Queues/{queue.sid}.json",
    }


def member_json(sim: Simulator, queue: Queue, leg: Leg, position: int) -> dict:
    return {
        "call_sid": leg.sid,
        "queue_sid": queue.sid,
        "position": position,
        "wait_time": int(sim.clock.now() - leg.enqueued_at),
        "date_enqueued": rfc2822(leg.enqueued_at),
        "uri": f"/2010-04-01/Accounts/{sim.account_sid}/Queues/{queue.sid}/Members/{leg.sid}.json",
    }


def conference_json(sim: Simulator, conference: Conference) -> dict:
    return {
        "sid": conference.sid,
        "account_sid": sim.account_sid,
        "friendly_name": conference.name,
        "status": conference.status,
        "date_created": rfc2822(conference.created),
        "uri": f"/2010-04-01/Accounts/{sim.account_sid}/Conferences/{conference.sid}.json",
    }


def participant_json(sim: Simulator, conference: Conference, participant) -> dict:
    return {
        "call_sid": participant.leg.sid,
        "conference_sid": conference.sid,
        "account_sid": sim.account_sid,
        "label": participant.label or None,
        "muted": participant.muted,
        "hold": participant.hold,
        "coaching": participant.coaching,
        "call_sid_to_coach": participant.call_sid_to_coach or None,
        "end_conference_on_exit": participant.end_on_exit,
        "start_conference_on_enter": participant.start_on_enter,
        "status": "connected" if participant.leg.status == "in-progress" else "queued",
    }


def page(key: str, items: list) -> dict:
    uri = request.full_path.rstrip("?")
    return {
        key: items,
        "uri": uri,
        "first_page_uri": uri,
        "next_page_uri": None,
        "previous_page_uri": None,
        "page": 0,
        "page_size": max(50, len(items)),
        "start": 0,
        "end": max(0, len(items) - 1),
    }


def create_rest_app(sim: Simulator) -> Flask:
    app = Flask("twilio-simulator")

    @app.before_request
    def check_request():
        try:
            operation, path_params = spec().match(request.method, request.path)
        except RequestProblem as problem:
            return error(problem.status, problem.code, problem.message)
        if not _authorised(sim):
            return error(401, 20003, "Authenticate")
        if path_params.get("AccountSid") != sim.account_sid:
            return not_found()
        try:
            spec().check(operation, request.form, request.args)
        except RequestProblem as problem:
            return error(problem.status, problem.code, problem.message)
        return None

    def find_call(call_sid: str) -> Leg | None:
        with sim.lock:
            return sim.calls.get(call_sid)

    @app.post(f"{BASE}/Calls.json")
    def create_call(account):
        form = request.form
        if not (form.get("Url") or form.get("Twiml")):
            return error(400, 21205, "Url or Twiml is required")
        leg = sim.dialer.create_call(
            to=form["To"],
            from_=form["From"],
            url=form.get("Url", ""),
            twiml=form.get("Twiml", "") if not form.get("Url") else "",
            method=form.get("Method", "POST"),
            fallback_url=form.get("FallbackUrl", ""),
            status_callback=form.get("StatusCallback", ""),
            status_events=form.getlist("StatusCallbackEvent") or None,
            status_method=form.get("StatusCallbackMethod", "POST"),
            timeout=min(600, int(form.get("Timeout", "60"))),
            machine_detection=form.get("MachineDetection", ""),
        )
        return jsonify(call_json(sim, leg)), 201

    @app.get(f"{BASE}/Calls/<call_sid>.json")
    def fetch_call(account, call_sid):
        leg = find_call(call_sid)
        if leg is None:
            return not_found()
        return jsonify(call_json(sim, leg))

    @app.post(f"{BASE}/Calls/<call_sid>.json")
    def update_call(account, call_sid):
        leg = find_call(call_sid)
        if leg is None:
            return not_found()
        form = request.form
        status = form.get("Status", "")
        if leg.status in TERMINAL:
            return error(400, 21220, "Call is not in-progress. Cannot redirect.")
        if status == "canceled" and leg.status == "in-progress":
            return error(400, 21220, "Call is in-progress. Use Status=completed to end it.")
        if not status and not (form.get("Url") or form.get("Twiml")):
            return error(400, 21205, "Url, Twiml or Status is required")
        sim.update_call(
            leg,
            url=form.get("Url", ""),
            twiml=form.get("Twiml", ""),
            method=form.get("Method", "POST"),
            status=status,
        )
        return jsonify(call_json(sim, leg))

    @app.get(f"{BASE}/Queues.json")
    def list_queues(account):
        items = [queue_json(sim, q) for q in sim.queues.all()]
        return jsonify(page("queues", items))

    @app.post(f"{BASE}/Queues.json")
    def create_queue(account):
        name = request.form["FriendlyName"]
        if sim.queues.named(name, create=False) is not None:
            return error(400, 22003, f"A queue named {name} already exists")
        queue = sim.queues.named(name)
        queue.max_size = int(request.form.get("MaxSize", queue.max_size))
        return jsonify(queue_json(sim, queue)), 201

    def find_queue(queue_sid: str) -> Queue | None:
        return sim.queues.get(queue_sid)

    @app.get(f"{BASE}/Queues/<queue_sid>.json")
    def fetch_queue(account, queue_sid):
        queue = find_queue(queue_sid)
        if queue is None:
            return not_found()
        return jsonify(queue_json(sim, queue))

    @app.post(f"{BASE}/Queues/<queue_sid>.json")
    def update_queue(account, queue_sid):
        queue = find_queue(queue_sid)
        if queue is None:
            return not_found()
        if "MaxSize" in request.form:
            queue.max_size = int(request.form["MaxSize"])
        if "FriendlyName" in request.form:
            queue.name = request.form["FriendlyName"]
        return jsonify(queue_json(sim, queue))

    @app.get(f"{BASE}/Queues/<queue_sid>/Members.json")
    def list_members(account, queue_sid):
        queue = find_queue(queue_sid)
        if queue is None:
            return not_found()
        with sim.lock:
            items = [member_json(sim, queue, leg, n) for n, leg in enumerate(queue.members, 1)]
        return jsonify(page("queue_members", items))

    @app.route(f"{BASE}/Queues/<queue_sid>/Members/<member>.json", methods=["GET", "POST"])
    def member(account, queue_sid, member):
        queue = find_queue(queue_sid)
        if queue is None:
            return not_found()
        with sim.lock:
            members = list(queue.members)
        if member == "Front":
            position, leg = (1, members[0]) if members else (0, None)
        else:
            position, leg = next(
                ((n, m) for n, m in enumerate(members, 1) if m.sid == member), (0, None)
            )
        if request.method == "GET":
            if leg is None:
                return not_found()
            return jsonify(member_json(sim, queue, leg, position))
        if leg is None:
            return error(400, 20001, "Call is not a member of this queue")
        taken = sim.queues.dequeue(
            queue, leg.sid, request.form["Url"], request.form.get("Method", "POST")
        )
        if taken is None:
            return error(400, 20001, "Call is not a member of this queue")
        return jsonify(member_json(sim, queue, taken, position))

    @app.get(f"{BASE}/Conferences.json")
    def list_conferences(account):
        name, status = request.args.get("FriendlyName"), request.args.get("Status")
        items = [
            conference_json(sim, c)
            for c in sim.conferences.all()
            if (not name or c.name == name) and (not status or c.status == status)
        ]
        return jsonify(page("conferences", items))

    def find_conference(conference_sid: str) -> Conference | None:
        return sim.conferences.get(conference_sid)

    @app.route(f"{BASE}/Conferences/<conference_sid>.json", methods=["GET", "POST"])
    def conference(account, conference_sid):
        found = find_conference(conference_sid)
        if found is None:
            return not_found()
        if request.method == "POST" and request.form.get("Status") == "completed":
            sim.conferences.end(found)
        elif request.method == "POST" and request.form.get("AnnounceUrl"):
            coaching.announce(
                sim, found, request.form["AnnounceUrl"], request.form.get("AnnounceMethod", "POST")
            )
        return jsonify(conference_json(sim, found))

    @app.get(f"{BASE}/Conferences/<conference_sid>/Participants.json")
    def list_participants(account, conference_sid):
        found = find_conference(conference_sid)
        if found is None:
            return not_found()
        with sim.lock:
            items = [participant_json(sim, found, p) for p in found.participants.values()]
        return jsonify(page("participants", items))

    @app.post(f"{BASE}/Conferences/<conference_sid>/Participants.json")
    def add_participant(account, conference_sid):
        with sim.lock:
            found = sim.conferences.get(conference_sid) or sim.conferences.named(conference_sid)
        form = request.form
        attributes = {
            "startConferenceOnEnter": form.get("StartConferenceOnEnter", "true"),
            "endConferenceOnExit": form.get("EndConferenceOnExit", "false"),
            "statusCallback": form.get("ConferenceStatusCallback", ""),
            "statusCallbackEvent": " ".join(form.getlist("ConferenceStatusCallbackEvent")),
            "participantLabel": form.get("Label", ""),
            "muted": "true" if form.get("Muted", "").lower() == "true" else "",
            "coach": form.get("CallSidToCoach", "")
            if form.get("Coaching", "").lower() == "true"
            else "",
        }
        if form.get("Coaching", "").lower() == "true" and not form.get("CallSidToCoach"):
            return error(400, 21223, "CallSidToCoach is required when Coaching is true")
        attrs = " ".join(f'{k}="{v}"' for k, v in attributes.items() if v)
        twiml = (
            f'<?xml version="1.0" encoding="UTF-8"?><Response><Dial><Conference {attrs}>'
            f"{found.name}</Conference></Dial></Response>"
        )
        leg = sim.dialer.create_call(
            to=form["To"],
            from_=form["From"],
            twiml=twiml,
            status_callback=form.get("StatusCallback", ""),
            status_events=form.getlist("StatusCallbackEvent") or None,
            timeout=int(form.get("Timeout", "60")),
        )
        return jsonify(
            {
                "call_sid": leg.sid,
                "conference_sid": found.sid,
                "account_sid": sim.account_sid,
                "label": form.get("Label") or None,
                "status": "queued",
            }
        ), 201

    @app.route(
        f"{BASE}/Conferences/<conference_sid>/Participants/<call_sid>.json",
        methods=["GET", "POST", "DELETE"],
    )
    def participant(account, conference_sid, call_sid):
        found = find_conference(conference_sid)
        if found is None:
            return not_found()
        with sim.lock:
            who = found.participants.get(call_sid) or next(
                (p for p in found.participants.values() if p.label == call_sid), None
            )
        if who is None:
            return not_found()
        if request.method == "DELETE":
            with sim.lock:
                found.participants.pop(who.leg.sid, None)
            who.leg.poke()
            return "", 204
        if request.method == "POST":
            form = request.form
            for field, attr in (
                ("Hold", "hold"),
                ("EndConferenceOnExit", "end_on_exit"),
            ):
                if field in form:
                    setattr(who, attr, form[field].lower() == "true")
            if "HoldUrl" in form:
                who.hold_url = form["HoldUrl"]
                who.hold_method = form.get("HoldMethod", "GET")
            problem = coaching.apply(who, form)
            if problem:
                return error(400, 21223, problem)
            if form.get("AnnounceUrl"):
                coaching.announce(
                    sim,
                    found,
                    form["AnnounceUrl"],
                    form.get("AnnounceMethod", "POST"),
                    only=who.leg.sid,
                )
            who.leg.poke()  # a held leg hears its hold music, a leg taken back the others
        return jsonify(participant_json(sim, found, who))

    register_messages(app, sim, BASE)
    return app


def _authorised(sim: Simulator) -> bool:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    return hmac.compare_digest(user, sim.account_sid) and hmac.compare_digest(
        password, sim.auth_token
    )


__all__ = ["create_rest_app", "sid"]
