"""The volunteer's desk during a call (``helpline.desk``, ``helpline.handover``): the caller's
card, the note and referral drafted while talking, local help, hold and hand-over, and the
wrap-up's time. Every operation is about the signed-in volunteer's own current call: any
other call is 404, whoever asks.
"""

from __future__ import annotations

import logging

from flask import g

from helpline import desk
from helpline.api import desk_schemas as schemas
from helpline.api import error, operation, signed_in
from helpline.api import schemas as base
from helpline.api.messages import personal_details, request_language
from helpline.extensions import helpline
from helpline.handover import Handover, HandoverRefused
from helpline.places import PlaceError, Places
from helpline.texts import N_, Refusal

log = logging.getLogger(__name__)
NOTE_PROBLEMS = {"too_long": N_("note_too_long"), "invalid": N_("note_not_text")}
CURRENT = {"access": signed_in, "errors": (404,)}


def _current(call_id: str) -> desk.Current | None:
    return desk.current(helpline(), g.account.username, call_id)


def _card(cur: desk.Current) -> dict:
    return desk.card(helpline(), cur, request_language())


def _refresh(call_id: str):
    cur = _current(call_id)
    return _card(cur) if cur else error(404, "call_not_current")


def _note_refused(exc: desk.NoteRefused):
    kind = next((k for k in exc.found if k in NOTE_PROBLEMS), None)
    message = NOTE_PROBLEMS[kind] if kind else personal_details(exc.found)
    return error(422, message, field="note", code=kind or "personal", found=exc.found)


@operation(
    "GET",
    "/calls/<call_id>/card",
    "getCurrentCall",
    "The caller's card of my current call (offered, ringing, talking, on hold, wrap-up)",
    ok=schemas.CallCard,
    **CURRENT,
)
def get_current_call(call_id):
    return _refresh(call_id)


@operation(
    "PUT",
    "/calls/<call_id>/note",
    "saveCallNote",
    "Keep the draft of my current call: the note (checked for personal details, never stored "
    "when refused), the place I referred to, and whether the wrap-up form holds unsaved input",
    body=schemas.DraftInput,
    ok=schemas.DraftSaved,
    invalid=422,
    access=signed_in,
    errors=(404, 409),
)
def save_call_note(body, call_id):
    cur = _current(call_id)
    if cur is None or cur.stage == "offered":
        return error(404, "call_not_current")
    try:
        saved = desk.save_draft(
            helpline(), cur, note=body.get("note"), place=body.get("place"), unsaved=body["unsaved"]
        )
    except desk.NoteRefused as exc:
        return _note_refused(exc)
    except Refusal as exc:
        return error(409 if exc.msgid == "call_not_current" else 422, exc)
    return {"ok": True, **saved}


def _hold(call_id: str, on: bool):
    cur = _current(call_id)
    if cur is None:
        return error(404, "call_not_current")
    try:
        Handover(helpline()).hold(g.account.username, cur.member, on)
    except HandoverRefused as exc:
        return error(409, exc)
    return _refresh(call_id)


HOLD = {"ok": schemas.CallCard, "access": signed_in, "errors": (404, 409)}


@operation("POST", "/calls/<call_id>/hold", "holdCall", "Put my caller on hold", **HOLD)
def hold_call(call_id):
    return _hold(call_id, True)


@operation("POST", "/calls/<call_id>/resume", "resumeCall", "Back to my caller", **HOLD)
def resume_call(call_id):
    return _hold(call_id, False)


@operation(
    "POST",
    "/calls/<call_id>/transfer",
    "transferCall",
    "Hand my caller over: to the line of a topic (they keep their arrival; the next volunteer "
    "reads the note), or warm to an available colleague with that topic's skill",
    body=schemas.TransferInput,
    ok=schemas.Transferred,
    invalid=422,
    access=signed_in,
    errors=(404, 409),
)
def transfer_call(body, call_id):
    h = helpline()
    cur = _current(call_id)
    if cur is None or cur.stage not in ("talking", "on_hold"):
        return error(404, "call_not_current")
    handover = Handover(h)
    try:
        if body["to"] == "line":
            handover.to_line(g.account.username, cur.member, body["topic"], body["note"] or "")
            return {"ok": True, "to": "line", "colleague": None, "card": None}
        colleague = handover.to_colleague(g.account.username, cur.member, body["topic"])
    except desk.NoteRefused as exc:
        return _note_refused(exc)
    except HandoverRefused as exc:
        return error(409, exc)
    account = h.router.volunteer(colleague)
    name = account.name if account else colleague
    after = _current(call_id)
    return {"ok": True, "to": "colleague", "colleague": name, "card": after and _card(after)}


@operation(
    "POST",
    "/calls/<call_id>/extend",
    "extendWrapUp",
    "Meer tijd: two more minutes of wrap-up, up to the limit",
    ok=schemas.CallCard,
    access=signed_in,
    errors=(404, 409),
)
def extend_wrap_up(call_id):
    cur = _current(call_id)
    if cur is None or cur.stage != "wrapup":
        return error(404, "call_not_current")
    result = desk.extend(helpline(), cur)
    if result == "limit":
        return error(409, "wrapup_limit_reached")
    if result != "extended":
        return error(404, "call_not_current")
    return _refresh(call_id)


@operation(
    "POST",
    "/local-help",
    "findLocalHelp",
    "Local help near the caller, during the call: by the four digits of a postcode (sent in "
    "the body, so no postcode reaches an access log) or by town, of one kind or any",
    body=schemas.LocalHelpQuery,
    ok=base.Places,
    access=signed_in,
    errors=(400,),
)
def find_local_help(query):
    try:
        places = Places(helpline().redis).find(
            area=query["area"], town=query["town"], kind=query["kind"]
        )
    except PlaceError as exc:
        return error(400, exc, field="area")
    return {"places": places}
