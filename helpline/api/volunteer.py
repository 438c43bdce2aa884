"""The volunteer's own calls, wrap-ups, the local-help lookup and the live update stream."""

from __future__ import annotations

import json
import logging
import time

import redis
from flask import Response, g, request, stream_with_context

from helpline import desk, wrapup
from helpline.api import COOKIE, _me, _offer, accounts, error, operation, schemas, signed_in
from helpline.api.messages import personal_details, request_language
from helpline.extensions import helpline
from helpline.places import PlaceError
from helpline.streams import LEASE_SECONDS, RENEW_SECONDS, EventWatch, StreamSlots
from helpline.texts import N_, Refusal

log = logging.getLogger(__name__)
STREAM_SECONDS = 300  # then the browser reconnects (and resyncs) by itself
KEEPALIVE_SECONDS = 5  # a write this often notices a vanished browser
HEARTBEAT_SECONDS = 10
SNAPSHOT = schemas.Snapshot()

# A wrong wrap-up field (or, for the note, what is wrong with it) in words.
WRAPUP_MESSAGES = {
    "outcome": N_("wrapup_outcome"),
    "topic": N_("wrapup_topic"),
    "subtopic": N_("wrapup_subtopic"),
    "local_help": N_("wrapup_local_help"),
    "place": N_("wrapup_place"),
    "too_long": N_("note_too_long"),
    "invalid": N_("note_not_text"),
}


def _record_for_me(call_id: str) -> dict | None:
    """The record, only when it is the signed-in volunteer's own (coordinators see all)."""
    record = wrapup.record(helpline(), call_id)
    if record is None:
        return None
    if record["volunteer"] != g.account.username and not g.account.is_coordinator:
        return None
    return record


@operation(
    "GET",
    "/calls",
    "listMyCalls",
    "My latest calls and today's counts",
    access=signed_in,
    query=schemas.CallsQuery,
    ok=schemas.MyCalls,
)
def list_my_calls(query):
    calls, today = wrapup.my_calls(helpline(), g.account.username, query["limit"])
    return {"calls": calls, "today": today}


@operation(
    "GET",
    "/calls/<call_id>",
    "getMyCall",
    "One of my calls",
    access=signed_in,
    ok=schemas.CallRecord,
    errors=(404,),
)
def get_my_call(call_id):
    record = _record_for_me(call_id)
    if record is None:
        return error(404, "call_missing")
    return record


@operation(
    "POST",
    "/calls/<call_id>/wrapup",
    "submitWrapUp",
    "Wrap up one of my calls (once); ends my wrap-up time",
    access=signed_in,
    body=schemas.WrapUpInput,
    ok=schemas.WrapUpSaved,
    errors=(404, 409),
    invalid=422,
)
def submit_wrap_up(body, call_id):
    h = helpline()
    try:  # the body first, as the declared schema would: every problem of it at once
        wrap = wrapup.parse(body, h.flow, h.places)
    except wrapup.WrapUpErrors as exc:
        return _wrapup_refused(exc.errors)
    record = wrapup.record(h, call_id)
    if record is None or record["volunteer"] != g.account.username:
        return error(404, "call_missing")
    result = wrapup.save(h, g.account.username, call_id, wrap)
    if result == "already":
        return error(409, "call_wrapped_up")
    if result != "saved":
        return error(404, "call_missing")
    return {"ok": True, "call": wrapup.record(h, call_id), "me": _me(g.account)}


def _wrapup_refused(errors: list[wrapup.WrapUpError]):
    """Every problem of a wrap-up in words (``problems``); the first also as the error."""
    lang = request_language()

    def message(exc: wrapup.WrapUpError) -> Refusal:
        if exc.kind == "personal":
            return personal_details(exc.detail)
        return Refusal(WRAPUP_MESSAGES.get(exc.kind) or WRAPUP_MESSAGES[exc.field])

    problems = [
        {"field": e.field, "code": e.kind, "error": message(e).text(lang), "found": e.detail}
        for e in errors
    ]
    first = errors[0]
    return error(422, message(first), field=first.field, code=first.kind, found=first.detail,
                 problems=problems)  # fmt: skip


@operation(
    "GET",
    "/options",
    "getWrapUpOptions",
    "What the wrap-up form offers",
    access=signed_in,
    ok=schemas.Options,
)
def get_options():
    """What the wrap-up form offers: topics with sub-topics, outcomes, kinds of local help."""
    flow = helpline().flow
    return {
        "languages": list(flow.languages),
        "topics": [
            {
                "id": topic.id,
                "name": topic.name,
                "staff": {lang: topic.staff_label(lang) for lang in flow.languages},
                "subtopics": [{"id": sid, "name": names} for sid, names in topic.subtopics.items()],
            }
            for topic in flow.topics.values()
        ],
        "outcomes": list(wrapup.OUTCOMES),
        "local_help": [kind for kind in wrapup.LOCAL_HELP if kind],
    }


@operation(
    "GET",
    "/places",
    "findPlaces",
    "Local help near a postcode (coordinators: without a postcode, all places)",
    access=signed_in,
    query=schemas.PostcodeQuery,
    ok=schemas.Places,
)
def find_places(query):
    places = helpline().places
    if not query["postcode"]:
        if not g.account.is_coordinator:
            return error(400, "postcode_invalid")
        return {"places": places.all()}
    try:
        return {"places": places.near(query["postcode"])}
    except PlaceError as exc:
        return error(400, exc)


def snapshot(h, username: str, account) -> dict:
    """Everything the volunteer's screen shows that can change by itself."""
    pending = None
    me = _me(account)
    if me["wrapup_pending"]:
        record = wrapup.record(h, me["wrapup_pending"])
        pending = record if record and not record["wrapped_up"] else None
    offer = _offer(username)
    if offer:
        offer = {k: v for k, v in offer.items() if k not in ("waited_seconds", "expires_in")}
    card = None
    call = (offer or pending or {}).get("id")
    current = desk.current(h, username, call) if call else None
    if current is not None:
        card = {"id": current.member, "record": current.record, "state": current.stage}
    return {"me": me, "offer": offer, "wrapup": pending, "card": card}


@operation(
    "GET",
    "/stream",
    "streamUpdates",
    "Server-Sent Events: a `state` event (Snapshot) on connect and on every change; "
    "reconnecting is the resync",
    access=signed_in,
    errors=(429,),
    doc={
        "responses": {
            "200": {
                "description": "An event stream",
                "content": {"text/event-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def stream_updates():
    """Server-Sent Events: a ``state`` event whenever the volunteer's screen should change (and
    one at once on every connect, which is the resync after a network drop). Each stream holds
    one of the account's slots (``helpline.streams``) while it runs: 429 when none is free."""
    h = helpline()
    username, token = g.account.username, request.cookies.get(COOKIE)
    slots = StreamSlots(h.redis, h.settings.streams_per_account)
    slot = slots.claim(username)
    if slot is None:
        response = error(429, Refusal("streams_too_many", limit=slots.cap), limit=slots.cap)
        response[0].headers["Retry-After"] = str(LEASE_SECONDS)
        return response
    speed = h.settings.clock_speed or 1.0

    def events():
        yield "retry: 2000\n\n"
        try:
            yield from updates()
        except redis.RedisError:
            log.warning("event stream ended: Redis unavailable")  # the browser reconnects

    def updates():
        last, last_write, last_beat = None, 0.0, time.monotonic()
        last_renewal = last_beat
        watch = EventWatch(h.redis)
        ends = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < ends:
            found = accounts().session(token)
            if found is None:
                yield "event: signed_out\ndata: {}\n\n"
                return
            state = snapshot(h, username, found[1])
            now = time.monotonic()
            if state != last:
                payload = {**state, "now_ms": h.store.clock.now_ms(), "clock_speed": speed}
                yield f"event: state\ndata: {json.dumps(SNAPSHOT.dump(payload))}\n\n"
                last, last_write = state, now
            elif now - last_write >= KEEPALIVE_SECONDS:
                yield ": still here\n\n"
                last_write = now
            if now - last_beat >= HEARTBEAT_SECONDS:
                h.router.heartbeat(username)
                accounts().touch(found[0])  # an open dashboard is a session in use
                last_beat = now
            if now - last_renewal >= RENEW_SECONDS:
                if not slots.renew(username, slot):
                    return  # the lease lapsed (a stalled process); the browser reconnects
                last_renewal = now
            watch.wait(block_ms=1000)

    response = Response(
        stream_with_context(events()),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )
    # the server closes the response however the stream ends, also when it never started
    response.call_on_close(lambda: slots.release(username, slot))
    return response
