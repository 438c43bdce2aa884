"""The declarations of the volunteer's desk during a call and of their own account (see
``helpline.api.schemas`` for how a declaration checks, shapes and documents)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields as f
from marshmallow.validate import Length, OneOf

from helpline.api.schemas import Place, Schema, nullable, refusal, strings, text
from helpline.places import KINDS
from helpline.texts import N_

CARD_STATES = (
    "offered",
    "ringing",
    "talking",
    "on_hold",
    "ringing_colleague",
    "with_colleague",
    "wrapup",
)

# -- requests ------------------------------------------------------------------------------


class DraftInput(Schema):
    note = text(metadata=refusal(N_("note_not_text")))
    place = text(metadata=refusal(N_("wrapup_place")))
    unsaved = f.Boolean(
        load_default=False,
        metadata={"description": "The wrap-up form holds input not sent yet (no new callers)"},
    )


class TransferInput(Schema):
    to = f.String(
        required=True,
        validate=OneOf(("line", "colleague")),
        metadata={
            **refusal(N_("transfer_to_choice")),
            "description": "line: the line of the topic (the caller keeps their arrival); "
            "colleague: warm, to an available colleague with the topic's skill",
        },
    )
    topic = f.String(required=True, metadata=refusal(N_("wrapup_topic")))
    note = text(
        load_default="",
        metadata={**refusal(N_("note_not_text")), "description": "For the next volunteer"},
    )


class LocalHelpQuery(Schema):
    area = f.String(
        load_default="",
        metadata={
            **refusal(N_("area_invalid")),
            "description": "The four digits of a postcode (never the letters)",
        },
    )
    town = f.String(load_default="", validate=Length(max=80), metadata=refusal(N_("town_invalid")))
    kind = f.String(
        load_default="",
        validate=OneOf(("", *KINDS)),
        metadata=refusal(N_("local_help_kind_invalid")),
    )

    @ma.validates("area")
    def four_digits(self, value, **_):
        if value and not (len(value) == 4 and value.isdigit()):
            raise ma.ValidationError("four digits")


class PasswordChange(Schema):
    current = f.String(required=True, metadata=refusal(N_("password_current_wrong")))
    new = f.String(
        required=True, validate=Length(max=1000), metadata=refusal(N_("password_too_short"))
    )
    repeat = f.String(required=True, metadata=refusal(N_("password_repeat_differs")))


# -- responses -----------------------------------------------------------------------------


class EarlierContact(Schema):
    ended_at = f.String(required=True, metadata={"format": "date-time"})
    topic = text()
    topic_label = text()
    subtopic_label = text()
    outcome = text()
    local_help = text()
    place_name = text()
    note = text()


class CallCard(Schema):
    """The caller's card: what the volunteer sees from offer to wrap-up."""

    id = f.String(required=True, metadata={"description": "The call (line member)"})
    record = f.String(required=True, metadata={"description": "This conversation's record"})
    state = f.String(required=True, validate=OneOf(CARD_STATES))
    kind = f.String(required=True, validate=OneOf(("call", "callback")))
    topic = text()
    topic_label = text(metadata={"description": "The topic as volunteers read it"})
    language = text()
    waited_seconds = f.Integer(required=True)
    waiting_since_ms = nullable(f.Integer)
    referral = text()
    referral_label = text(metadata={"description": "Who sent the caller, in words"})
    referral_org_label = text()
    repeat_caller = f.Boolean(required=True)
    widened = f.Boolean(required=True)
    handed_over = f.Boolean(required=True)
    taking_over = f.Boolean(
        required=True, metadata={"description": "A colleague hands this caller over, warm"}
    )
    handover_note = text()
    offer_expires_at_ms = nullable(f.Integer)
    connected_at = nullable(f.Integer, metadata={"description": "ms; the call timer's start"})
    ended_at = nullable(f.Integer)
    wrap_up_ends_at = nullable(f.Integer, metadata={"description": "ms; the countdown's end"})
    wrap_up_limit_at = nullable(f.Integer)
    wrap_up_held = f.Boolean(required=True)
    earlier_contacts = f.List(f.Nested(EarlierContact), required=True)
    note = f.String(required=True, metadata={"description": "The note drafted so far"})
    referred_place = f.Nested(Place, allow_none=True)
    now_ms = f.Integer(required=True)


class DraftSaved(Schema):
    ok = f.Boolean(required=True)
    holding = f.Boolean(
        required=True, metadata={"description": "The wrap-up waits for the volunteer"}
    )


class Transferred(Schema):
    ok = f.Boolean(required=True)
    to = f.String(required=True)
    colleague = text()
    card = f.Nested(CallCard, allow_none=True)


class Period(Schema):
    calls = f.Integer(required=True)
    talk_minutes = f.Integer(required=True)


class MyAccount(Schema):
    username = f.String(required=True)
    name = f.String()
    role = f.String(required=True)
    week = f.Nested(Period, required=True)
    month = f.Nested(Period, required=True)
    skills = strings()
