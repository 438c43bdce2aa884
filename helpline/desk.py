"""The volunteer's desk during a call: the caller's card from offer to wrap-up, what the
volunteer notes while talking (a draft on the server), and the wrap-up's time.

A call is a volunteer's *current* call while it is offered to them, their phone rings for it,
they talk, and while they wrap it up (``current``). Nothing here is shown for any other call,
and nobody else's: the card of someone else's call does not exist for this volunteer.
"""

from __future__ import annotations

from dataclasses import dataclass

from helpline import keys, notecheck, wrapup
from helpline.contacts import EarlierContacts
from helpline.model import Party, Volunteer
from helpline.places import Places
from helpline.texts import Refusal

STAGES = {"offered": "offered", "connecting": "ringing", "on_call": "talking"}
# While the caller is on the line with this volunteer (or just was): earlier contacts show.
ON_THE_LINE = ("talking", "on_hold", "with_colleague", "ringing_colleague", "wrapup")
EXTEND_SECONDS = 120  # "Meer tijd"
DRAFT_TTL = 86_400


class NoteRefused(Exception):
    """A note holding personal details (``notecheck``'s kinds), or too long."""

    def __init__(self, found: list[str]):
        super().__init__(", ".join(found))
        self.found = found


def checked_note(note) -> str:
    """The note as it may be stored (the wrap-up's own check), or NoteRefused."""
    if not isinstance(note, str):
        raise NoteRefused(["invalid"])
    found = notecheck.problems(" ".join(note.split()))
    if found:
        raise NoteRefused(found)
    return note


@dataclass(frozen=True)
class Current:
    """The volunteer's current call: the party (caller or callback), the conversation's record
    id, and where it stands (``STAGES``, ``on_hold``, ``ringing_colleague``,
    ``with_colleague`` or ``wrapup``)."""

    volunteer: Volunteer
    party: Party | None
    member: str
    record: str
    stage: str


def current(h, username: str, call_id: str) -> Current | None:
    """``call_id`` (a member, or during wrap-up the record) when it is this volunteer's
    current call; else None."""
    volunteer = h.router.volunteer(username)
    if volunteer is None or not call_id:
        return None
    offer = volunteer.current_offer(h.store.clock.now_ms())
    if offer is not None and call_id == offer.member:
        party = h.store.party(offer.member)
        if party is None:
            return None
        stage = STAGES[volunteer.state]
        if stage == "talking" and volunteer.handover:
            stage = "with_colleague" if party.warm_joined else "ringing_colleague"
        elif stage == "talking" and volunteer.offer_warm:  # taking a colleague's caller over
            stage = "with_colleague"
        elif stage == "talking" and party.on_hold:
            stage = "on_hold"
        return Current(volunteer, party, offer.member, party.record, stage)
    record = volunteer.last_call
    if volunteer.state == "wrapup" and record and call_id in (record, keys.record_member(record)):
        member = keys.record_member(record)
        return Current(volunteer, h.store.party(member), member, record, "wrapup")
    return None


def organisation_label(flow, org_id: str, lang: str) -> str | None:
    """The staff label of a referring organisation, when the flow lists organisations with
    labels (``organisations: {id: {staff|name: {nl, en}}}``); else nothing."""
    orgs = getattr(flow, "organisations", None)
    org = orgs.get(org_id) if isinstance(orgs, dict) and org_id else None
    for attr in ("staff", "label", "name"):
        names = org.get(attr) if isinstance(org, dict) else getattr(org, attr, None)
        if isinstance(names, dict) and (names.get(lang) or names.get(flow.default_language)):
            return names.get(lang) or names.get(flow.default_language)
        if isinstance(names, str) and names:
            return names
    return None


def _draft(h, cur: Current) -> dict:
    raw = h.redis.hgetall(keys.call_draft(cur.member, cur.volunteer.id))
    place = Places(h.redis).get(raw["place"]) if raw.get("place") else None
    return {"note": raw.get("note", ""), "place": place}


def card(h, cur: Current, lang: str) -> dict:
    """The caller's card: what the volunteer needs to see, from offer to wrap-up."""
    flow, party, vol = h.flow, cur.party, cur.volunteer
    now = h.store.clock.now_ms()
    rec = wrapup.record(h, cur.record) if cur.stage == "wrapup" else None
    if rec is not None:  # the call as it was for this volunteer (the caller may have moved on)
        topic_id, language, repeat = rec["topic"], rec["language"], rec["repeat_caller"]
        referral, waited = rec["referral"], rec["waited_seconds"]
        ended_ms = int(h.redis.hget(keys.handled(cur.record), "done_at") or now)
        connected_ms = ended_ms - rec["talk_seconds"] * 1000
    else:
        topic_id, language, repeat = party.topic, party.lang, party.repeat
        referral = party.referral
        connected_ms = party.connected_at if cur.stage not in ("offered", "ringing") else None
        waited = party.waited_ms(connected_ms or now) // 1000
        ended_ms = None
    topic = flow.topics.get(topic_id or "")
    extra = h.redis.hmget(keys.party(cur.member), ["referral_org"]) if party else [None]
    shown = cur.stage in ON_THE_LINE and party is not None
    contacts = EarlierContacts(h).shown_to(vol.id, party.caller, cur.member, lang) if shown else []
    draft = _draft(h, cur) if cur.stage != "offered" else {"note": "", "place": None}
    wrapping = cur.stage == "wrapup"
    return {
        "id": cur.member,
        "record": cur.record,
        "state": cur.stage,
        "kind": keys.member_kind(cur.member),
        "topic": topic_id or None,
        "topic_label": topic.staff_label(lang) if topic else None,
        "language": language or None,
        "waited_seconds": waited,
        "waiting_since_ms": party.arrival_ms if party and not wrapping else None,
        "referral": referral or None,
        "referral_label": flow.referral_label(referral, lang) if referral else None,
        "referral_org_label": organisation_label(flow, extra[0] or "", lang),
        "repeat_caller": bool(repeat),
        "widened": bool(vol.offer and vol.offer.widened) if not wrapping else False,
        "handed_over": bool(party and party.round and not wrapping),
        "taking_over": bool(vol.offer_warm) and not wrapping,
        "handover_note": (party.transfer_note or None) if party and not wrapping else None,
        "offer_expires_at_ms": vol.offer.expires_ms if cur.stage == "offered" else None,
        "connected_at": connected_ms,
        "ended_at": ended_ms,
        "wrap_up_ends_at": (vol.wrapup_until or None) if wrapping else None,
        "wrap_up_limit_at": (vol.wrapup_limit or None) if wrapping else None,
        "wrap_up_held": wrapping and vol.hold_for == cur.member,
        "earlier_contacts": contacts,
        "note": draft["note"],
        "referred_place": draft["place"],
        "now_ms": now,
    }


def save_draft(h, cur: Current, *, note=None, place=None, unsaved: bool = False) -> dict:
    """Keep what the volunteer noted (only fields given); a note with personal details is
    refused (NoteRefused) and nothing of it is stored. Returns ``{"holding": bool}``: whether
    the wrap-up now waits for the volunteer."""
    fields = []
    if note is not None:
        fields.append(["note", checked_note(note)])
    if place is not None:
        if place and Places(h.redis).get(place) is None:
            raise Refusal("wrapup_place")
        fields.append(["place", place])
    result, holding = h.router.scripts.call_draft(
        [keys.call_draft(cur.member, cur.volunteer.id), keys.volunteer(cur.volunteer.id)],
        member=cur.member,
        record=cur.record,
        fields=fields,
        unsaved=bool(unsaved),
        now=h.store.clock.now_ms(),
        ttl=DRAFT_TTL,
    )
    if result != "saved":
        raise Refusal("call_not_current")
    if holding == "0" and cur.stage == "wrapup":  # nothing to wait for: end it when due
        h.router.end_wrapup(cur.volunteer.id, only_if_due=True)
    return {"holding": holding == "1"}


def extend(h, cur: Current) -> str:
    """ "Meer tijd": two more minutes of wrap-up, never past the limit ('limit' then)."""
    now = h.store.clock.now_ms()
    result, ends = h.router.scripts.wrapup_extend(
        [keys.volunteer(cur.volunteer.id), keys.EVENTS],
        volunteer=cur.volunteer.id,
        record=cur.record,
        now=now,
        extend=EXTEND_SECONDS * 1000,
    )
    if result == "extended" and h.jobs:
        h.jobs.wrapup_due(cur.volunteer.id, (int(ends) - now) / 1000)
    return result
