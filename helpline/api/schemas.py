"""The API's declarations: every request body, query and response, written once.

The same schemas check what comes in (``helpline.api.contract.operation`` loads the request
with them), shape what goes out (the view's value is dumped through them, so a key that is not
declared never leaves) and describe both in /api/openapi.json. A field names, in its metadata,
the message id that says what is wrong with it (``refusal``); a field without one is refused
with ``field_invalid``. Unknown keys in a request are ignored, as they always were.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields as f
from marshmallow.validate import Length, OneOf, Range

from helpline import wrapup
from helpline.accounts import ROLES
from helpline.model import PROFILE_NUMBERS
from helpline.places import KINDS
from helpline.texts import N_, Refusal

STATUSES = ("available", "paused", "offline")


class Schema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE


def refusal(msgid: str | Refusal) -> dict:
    """Field metadata: the message that says what is wrong with the field."""
    return {"refusal": msgid}


def text(**options) -> f.String:
    """An optional text that may be null."""
    return f.String(allow_none=True, **options)


def strings(**options) -> f.List:
    return f.List(f.String(), **options)


def names() -> f.Dict:
    """A text per language, such as ``{"nl": "...", "en": "..."}``."""
    return f.Dict(keys=f.String(), values=f.String())


def nullable(field: type[f.Field], **options) -> f.Field:
    return field(allow_none=True, **options)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ma.ValidationError("blank")


# -- requests ------------------------------------------------------------------------------


class Credentials(Schema):
    username = f.String(required=True, metadata=refusal(N_("login_wrong")))
    password = f.String(required=True, metadata=refusal(N_("login_wrong")))


class StatusChange(Schema):
    status = f.String(
        required=True, validate=OneOf(STATUSES), metadata=refusal(N_("status_choice"))
    )


class CallsQuery(Schema):
    limit = f.Integer(
        load_default=20, metadata={**refusal(N_("limit_invalid")), "minimum": 1, "maximum": 100}
    )

    @ma.post_load
    def within_range(self, data, **_):
        """A count out of range is brought within it, as it always was, not refused."""
        return {**data, "limit": max(1, min(100, data["limit"]))}


class WrapUpInput(Schema):
    """The values are checked together (``wrapup.parse``), so that every problem of a submit
    is reported at once; the enums here document them."""

    outcome = f.String(
        required=True,
        metadata={**refusal(N_("wrapup_outcome")), "enum": list(wrapup.OUTCOMES)},
    )
    topic = f.String(required=True, metadata=refusal(N_("wrapup_topic")))
    subtopic = text(metadata=refusal(N_("wrapup_subtopic")))
    local_help = text(
        metadata={**refusal(N_("wrapup_local_help")), "enum": list(wrapup.LOCAL_HELP)}
    )
    place = text(
        metadata={
            **refusal(N_("wrapup_place")),
            "description": f"A place's id, or '{wrapup.UNLISTED}' for one not in the list",
        }
    )
    recurring = nullable(f.Boolean)
    note = text(metadata=refusal(N_("note_not_text")))


class PostcodeQuery(Schema):
    postcode = f.String(load_default="")


class PlaceInput(Schema):
    name = f.String(required=True, metadata=refusal(N_("place_name_missing")))
    kind = f.String(
        required=True,
        validate=OneOf(KINDS),
        metadata=refusal(Refusal("place_kind_unknown", kinds=", ".join(KINDS))),
    )
    postcode = f.String(required=True, metadata=refusal(N_("postcode_invalid")))
    town = text()
    address = text()
    phone = text()
    website = text(metadata=refusal(N_("website_invalid")))
    hours = text()


class ImportQuery(Schema):
    replace = f.Boolean(load_default=False)


class HoursChange(Schema):
    weekly = text(metadata=refusal(N_("hours_not_text")))
    holidays = text(metadata=refusal(N_("hours_not_text")))


class Closure(Schema):
    reason_nl = f.String(
        required=True,
        validate=not_blank,
        metadata=refusal(N_("closure_reason_missing")),
    )
    reason_en = text()
    until = nullable(f.AwareDateTime, metadata=refusal(N_("time_invalid")))

    @ma.pre_load
    def no_end(self, data, **_):
        """An empty end time is no end time (the form sends "" for none)."""
        if isinstance(data, dict) and data.get("until") == "":
            return {**data, "until": None}
        return data


ROLE = {
    "validate": OneOf(ROLES),
    "metadata": refusal(Refusal("role_unknown", roles=", ".join(ROLES))),
}
SKILLS = {"metadata": refusal(N_("skills_not_lists"))}


def profile_numbers() -> dict[str, f.Field]:
    """A field per ``model.PROFILE_NUMBERS`` entry: a whole number in its range, or null for
    the helpline's setting."""
    return {
        n.name: f.Integer(
            allow_none=True,
            strict=True,
            validate=Range(n.minimum, n.maximum),
            metadata={
                "description": f"Own value; null: the setting {n.setting}",
                **refusal(Refusal("number_range", minimum=n.minimum, maximum=n.maximum)),
            },
        )
        for n in PROFILE_NUMBERS
    }


ProfileNumbers = Schema.from_dict(profile_numbers(), name="ProfileNumbers")


class PersonInput(ProfileNumbers):
    username = f.String(required=True, metadata=refusal(N_("username_invalid")))
    password = f.String(
        required=True, validate=Length(min=12), metadata=refusal(N_("password_too_short"))
    )
    role = f.String(load_default="volunteer", **ROLE)
    name = f.String(load_default="")
    phone = f.String(load_default="", metadata=refusal(N_("phone_format")))
    skills = strings(load_default=list, **SKILLS)
    languages = strings(load_default=list, **SKILLS)


class PersonChanges(ProfileNumbers):
    name = f.String()
    phone = f.String(metadata=refusal(N_("phone_format")))
    role = f.String(**ROLE)
    skills = strings(**SKILLS)
    languages = strings(**SKILLS)
    disabled = f.Boolean(truthy={True}, falsy={False}, metadata=refusal(N_("disabled_not_boolean")))


# -- responses -----------------------------------------------------------------------------


class Problem(Schema):
    field = f.String(required=True)
    code = f.String()
    error = f.String(required=True, metadata={"description": "A message for people"})
    found = strings()


class Error(Schema):
    error = f.String(required=True, metadata={"description": "A message for people"})
    field = f.String(metadata={"description": "The request's field that is wrong"})
    code = f.String()
    found = strings()
    limit = f.Integer(metadata={"description": "The most at once (for too many streams)"})
    problems = f.List(
        f.Nested(Problem), metadata={"description": "Every wrong field, when there are several"}
    )


class Ok(Schema):
    ok = f.Boolean(required=True)


class Me(Schema):
    username = f.String(required=True)
    name = f.String()
    role = f.String(required=True, validate=OneOf(ROLES))
    status = f.String(required=True)
    paused_reason = text()
    notice = text()
    skills = strings()
    languages = strings()
    calls_today = f.Integer()
    state_since_ms = nullable(f.Integer)
    wrapup_pending = text()
    must_change_password = f.Boolean()  # a temporary password: choose a new one first


class Login(Schema):
    csrf_token = f.String(required=True)
    user = f.Nested(Me, required=True)


class Offer(Schema):
    id = f.String(required=True)
    state = f.String(required=True)
    kind = f.String(required=True, validate=OneOf(("call", "callback")))
    topic = text()
    topic_name = text()
    language = text()
    waited_seconds = f.Integer()
    repeat_caller = f.Boolean()
    referral = text()
    widened = f.Boolean()
    expires_in = nullable(f.Integer)
    waiting_since_ms = f.Integer()
    expires_at_ms = nullable(f.Integer)


class OfferEnvelope(Schema):
    offer = f.Nested(Offer, required=True, allow_none=True)


class Decision(Schema):
    ok = f.Boolean(required=True)
    offer = f.Nested(Offer, allow_none=True)


class WrapUpStored(Schema):
    outcome = f.String(required=True)
    topic = f.String(required=True)
    subtopic = text()
    local_help = text()
    place = text()
    recurring = f.Boolean()
    note = f.String()


class CallRecord(Schema):
    id = f.String(required=True)
    volunteer = f.String()
    kind = f.String(required=True, validate=OneOf(("call", "callback")))
    topic = text()
    topic_name = text()
    language = text()
    repeat_caller = f.Boolean()
    referral = text()
    waited_seconds = f.Integer()
    talk_seconds = f.Integer()
    ended_at = f.String(required=True, metadata={"format": "date-time"})
    wrapped_up = f.Boolean(required=True)
    wrapup = f.Nested(WrapUpStored, allow_none=True)


class CardState(Schema):
    """Which call the caller's card is about and where it stands (getCurrentCall has the card)."""

    id = f.String(required=True)
    record = f.String(required=True)
    state = f.String(required=True)


class Snapshot(Schema):
    """The data of the event stream's ``state`` event: what the volunteer's screen shows."""

    me = f.Nested(Me, required=True)
    offer = f.Nested(Offer, required=True, allow_none=True)
    wrapup = f.Nested(CallRecord, required=True, allow_none=True)
    card = f.Nested(CardState, allow_none=True)
    now_ms = f.Integer(required=True)
    clock_speed = f.Float(required=True)


class WrapUpSaved(Schema):
    ok = f.Boolean(required=True)
    call = f.Nested(CallRecord, required=True)
    me = f.Nested(Me, required=True)


class MyCalls(Schema):
    calls = f.List(f.Nested(CallRecord), required=True)
    today = f.Dict(keys=f.String(), values=f.Integer(), required=True)


class Subtopic(Schema):
    id = f.String(required=True)
    name = names()


class TopicOption(Schema):
    id = f.String(required=True)
    name = names()
    staff = names()
    subtopics = f.List(f.Nested(Subtopic), required=True)


class Options(Schema):
    languages = strings()
    topics = f.List(f.Nested(TopicOption), required=True)
    outcomes = strings(required=True)
    local_help = strings(required=True)


class Place(Schema):
    id = f.String(required=True)
    name = f.String(required=True)
    kind = f.String(required=True)
    postcode = f.String(required=True)
    town = f.String()
    address = f.String()
    phone = f.String()
    website = f.String()
    hours = f.String()


class Places(Schema):
    places = f.List(f.Nested(Place), required=True)


class Imported(Schema):
    ok = f.Boolean(required=True)
    imported = f.Integer(required=True)


class MenuLeft(Schema):
    step = f.String()
    label = f.String()
    left_here = f.Integer()


class Today(Schema):
    calls = f.Integer()
    ended_in_menu = f.Integer()
    closed_hours_calls = f.Integer()
    menu = f.List(f.Nested(MenuLeft))
    offered = f.Integer()
    answered = f.Integer()
    abandoned = f.Integer()
    service_level = nullable(f.Float)
    service_level_target = f.Float()
    service_level_seconds = f.Integer()


class TopicLoad(Schema):
    topic = f.String(required=True)
    name = names()
    waiting = f.Integer(required=True)
    longest_wait_seconds = f.Integer(required=True)
    skilled_on_duty = f.Integer(required=True)
    alert = f.Boolean(required=True)
    alert_languages = strings()  # languages with callers but nobody on duty to take them


class LiveStats(Schema):
    now_ms = f.Integer()
    today = f.Nested(Today)
    failing_jobs = strings()
    topics = f.List(f.Nested(TopicLoad), required=True)
    waiting = f.Integer(required=True)
    volunteers = f.Dict(keys=f.String(), values=f.Integer(), required=True)
    scheduled_callbacks = f.Integer()


class ClosureState(Schema):
    reason = names()
    until = text()


class Hours(Schema):
    open = f.Boolean(required=True)
    reason = f.String()
    next_opening = text()
    weekly = f.String(required=True)
    holidays = f.String()
    closure = f.Nested(ClosureState, allow_none=True)


class Person(ProfileNumbers):
    username = f.String(required=True)
    name = f.String()
    role = f.String(required=True, validate=OneOf(ROLES))
    disabled = f.Boolean(required=True)
    phone_set = f.Boolean()
    skills = strings()
    languages = strings()
    status = f.String()


class People(Schema):
    people = f.List(f.Nested(Person), required=True)


class PersonAdded(Schema):
    ok = f.Boolean(required=True)
    username = f.String(required=True)


class PasswordReset(Schema):
    ok = f.Boolean(required=True)
    password = f.String(required=True)


class Document(Schema):
    openapi = f.String(required=True)
    info = f.Dict(required=True)
    paths = f.Dict(required=True)
    components = f.Dict()
    tags = f.List(f.Dict())
