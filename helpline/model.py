"""The state of the line as typed values: who waits in a line (``Party``), an offer and a
volunteer. Each knows its Redis hash field names and how to read itself from a hash; nothing
else in Python spells those names (the Lua scripts, which change the hashes atomically, use the
same names: ``helpline/lua``). A place in a line (``c:<CallSid>`` or ``b:<id>``) is built and
read by ``keys``.

Hashes hold strings; these values hold numbers, booleans and tuples, so code that decides
(an offer expired, a caller widened) reads attributes, not ``hash.get("offer_expires")``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpline import keys
from helpline.texts import N_


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(float(value)) if value not in (None, "") else default
    except ValueError:
        return default


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(part for part in (value or "").split(",") if part)


@dataclass(frozen=True)
class Party:
    """Who waits in a line: the caller of a call, or the citizen of a callback request."""

    member: str
    topic: str
    lang: str
    state: str
    score: float
    repeat: bool
    referral: str
    connected_at: int | None
    number: str  # a callback's number to call; gone once the callback is done
    citizen_leg: str  # a callback's call to the citizen, once placed
    queue_sid: str  # a call's Twilio queue
    last_seen_ms: int  # a waiting call: its last wait round (or its arrival); 0 if unknown
    caller: str = ""  # the caller's pseudonym ('' when their number was not known)
    on_hold: bool = False
    round: int = 0  # how often the caller was handed over to another volunteer
    transfer_note: str = ""  # what the volunteer who handed them over wrote for the next
    warm_to: str = ""  # the colleague a warm hand-over rings (or who joined)
    warm_joined: bool = False

    @property
    def connecting(self) -> bool:
        """A volunteer accepted and is being connected."""
        return self.state == "connecting"

    @classmethod
    def from_hash(cls, member: str, data: dict) -> Party:
        return cls(
            member=member,
            topic=data.get("topic", ""),
            lang=data.get("lang", ""),
            state=data.get("state", ""),
            score=float(data.get("score") or 0),
            repeat=data.get("repeat") == "1",
            referral=data.get("referral", ""),
            connected_at=_int(data.get("connected_at")) or None,
            number=data.get("number", ""),
            citizen_leg=data.get("citizen_leg", ""),
            queue_sid=data.get("queue_sid", ""),
            last_seen_ms=_int(data.get("seen_at")) or _int(data.get("enqueued_at")),
            caller=data.get("caller", ""),
            on_hold=bool(data.get("on_hold")),
            round=_int(data.get("round")),
            transfer_note=data.get("transfer_note", ""),
            warm_to=data.get("warm_to", ""),
            warm_joined=bool(data.get("warm_joined")),
        )

    @property
    def record(self) -> str:
        """The id of the record of the conversation now going on with this party."""
        return keys.record_id(self.member, self.round)

    @property
    def call_sid(self) -> str:
        """The Twilio call the party is on: the caller's own, or a callback's call to them."""
        return self.citizen_leg if self.is_callback else keys.parse_member(self.member)[1]

    @property
    def is_callback(self) -> bool:
        return keys.is_callback(self.member)

    @property
    def arrival_ms(self) -> int:
        """When they joined the line (the score also holds their priority)."""
        return keys.arrival_of(self.score)

    def waited_ms(self, now_ms: int) -> int:
        return max(0, now_ms - self.arrival_ms)


@dataclass(frozen=True)
class Offer:
    """The caller a volunteer is offered or talks to, as kept on the volunteer's hash."""

    member: str
    line: str
    expires_ms: int
    widened: bool

    @classmethod
    def from_hash(cls, data: dict) -> Offer | None:
        if not data.get("offer"):
            return None
        return cls(
            member=data["offer"],
            line=data.get("offer_line", ""),
            expires_ms=_int(data.get("offer_expires")),
            widened=data.get("offer_widened") == "1",
        )

    def expired(self, now_ms: int) -> bool:
        return now_ms >= self.expires_ms


VOLUNTEER_STATES = ("offline", "available", "offered", "connecting", "on_call", "wrapup", "paused")
# States in which the volunteer's offer is theirs: offered, their phone ringing, talking.
HOLDS_OFFER = ("offered", "connecting", "on_call")


@dataclass(frozen=True)
class ProfileNumber:
    """A number a coordinator may set per volunteer (on the *Mensen* page and through the people
    API), where the helpline's setting of the same meaning is the default. Declared once, in
    ``PROFILE_NUMBERS``: the API's fields, the form's inputs, the volunteer hash and
    ``Volunteer.number()`` all follow that declaration."""

    name: str  # the field in the volunteer hash, the people API and the form
    label: str  # message id of the form's label
    hint: str  # message id of the sentence under the input
    setting: str  # the ``Settings`` attribute that applies while it is not set
    minimum: int
    maximum: int


PROFILE_NUMBERS: tuple[ProfileNumber, ...] = (
    ProfileNumber(
        "wrapup_seconds",
        label=N_("profile_wrapup_seconds"),
        hint=N_("profile_wrapup_seconds_hint"),
        setting="wrapup_seconds",
        minimum=30,
        maximum=900,
    ),
)
PROFILE_NUMBER = {number.name: number for number in PROFILE_NUMBERS}


@dataclass(frozen=True)
class Volunteer:
    """A volunteer's profile and routing state (``keys.volunteer``)."""

    id: str
    name: str
    phone: str
    skills: tuple[str, ...]
    languages: tuple[str, ...]
    state: str
    state_since: int
    offer: Offer | None
    leg: str
    wrapup_until: int
    paused_reason: str
    notice: str
    last_call: str
    calls_day: str
    calls_today: int
    numbers: dict[str, int] = field(default_factory=dict)  # the PROFILE_NUMBERS that are set
    wrapup_limit: int = 0  # the latest end of a wrap-up whose form holds unsaved input
    hold_for: str = ""  # the member whose wrap-up form holds unsaved input
    offer_warm: str = ""  # the colleague who hands this caller over, warm
    handover: str = ""  # the colleague this volunteer hands their caller to, warm

    @classmethod
    def from_hash(cls, data: dict) -> Volunteer:
        return cls(
            id=data["id"],
            name=data.get("name", ""),
            phone=data.get("phone", ""),
            skills=_list(data.get("skills")),
            languages=_list(data.get("languages")),
            state=data.get("state", "offline"),
            state_since=_int(data.get("state_since")),
            offer=Offer.from_hash(data),
            leg=data.get("leg", ""),
            wrapup_until=_int(data.get("wrapup_until")),
            paused_reason=data.get("paused_reason", ""),
            notice=data.get("notice", ""),
            last_call=data.get("last_call", ""),
            calls_day=data.get("calls_day", ""),
            calls_today=_int(data.get("calls_today")),
            numbers={n.name: _int(data[n.name]) for n in PROFILE_NUMBERS if data.get(n.name)},
            wrapup_limit=_int(data.get("wrapup_limit")),
            hold_for=data.get("hold_for", ""),
            offer_warm=data.get("offer_warm", ""),
            handover=data.get("handover", ""),
        )

    def number(self, name: str, settings) -> int:
        """The volunteer's own value of a profile number, or the helpline's setting."""
        if name in self.numbers:
            return self.numbers[name]
        return getattr(settings, PROFILE_NUMBER[name].setting)

    @property
    def offer_member(self) -> str:
        """The member of the current offer, or ``""``."""
        return self.offer.member if self.offer else ""

    def calls_on(self, day: str) -> int:
        """Conversations finished on ``day`` (YYYY-MM-DD; the count restarts each day)."""
        return self.calls_today if self.calls_day == day else 0

    def current_offer(self, now_ms: int) -> Offer | None:
        """The offer the volunteer has now: none while not offered/ringing/talking, and none
        once an unanswered offer has expired (the expiry job is about to pass it on)."""
        if self.offer is None or self.state not in HOLDS_OFFER:
            return None
        if self.state == "offered" and self.offer.expired(now_ms):
            return None
        return self.offer
