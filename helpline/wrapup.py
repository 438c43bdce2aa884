"""A volunteer's handled conversations and their wrap-ups (outcome, topic, sub-topic, a referral
to local help, a "comes up more often" flag and a short note without personal details)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from helpline import keys, notecheck
from helpline.places import Places

OUTCOMES = ("solved", "partly", "not_solved", "referred")
LOCAL_HELP = ("", "place", "course", "organisation")
UNLISTED = "unlisted"  # a referral to a place that is not in the directory (yet)


class WrapUpError(ValueError):
    """A wrap-up that cannot be stored; ``field`` names the form field, ``kind`` the reason."""

    def __init__(self, field: str, kind: str, detail: list[str] | None = None):
        super().__init__(f"{field}: {kind}")
        self.field, self.kind, self.detail = field, kind, detail or []


class WrapUpErrors(ValueError):
    """Everything wrong with a submitted wrap-up, so the volunteer can fix it in one go."""

    def __init__(self, errors: list[WrapUpError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class WrapUp:
    outcome: str
    topic: str
    subtopic: str
    local_help: str
    place: str
    recurring: bool
    note: str

    def fields(self) -> list[tuple[str, str]]:
        pairs = {
            "outcome": self.outcome,
            "topic": self.topic,
            "subtopic": self.subtopic,
            "local_help": self.local_help,
            "place": self.place,
            "recurring": "1" if self.recurring else "0",
            "note": self.note,
        }
        return list(pairs.items())


def parse(data: dict, flow, places: Places) -> WrapUp:
    """Check a submitted wrap-up; raises WrapUpErrors naming every wrong field at once."""
    errors: list[WrapUpError] = []
    outcome = str(data.get("outcome") or "")
    if outcome not in OUTCOMES:
        errors.append(WrapUpError("outcome", "missing"))
    topic = str(data.get("topic") or "")
    if topic not in flow.topics:
        errors.append(WrapUpError("topic", "missing"))
    subtopic = str(data.get("subtopic") or "")
    if subtopic and topic in flow.topics and subtopic not in flow.topics[topic].subtopics:
        errors.append(WrapUpError("subtopic", "unknown"))
    local_help = str(data.get("local_help") or "")
    if local_help not in LOCAL_HELP:
        errors.append(WrapUpError("local_help", "unknown"))
    place = str(data.get("place") or "") if local_help == "place" else ""
    if local_help == "place" and place != UNLISTED and (not place or places.get(place) is None):
        errors.append(WrapUpError("place", "missing"))
    recurring = data.get("recurring")
    if not isinstance(recurring, bool):
        recurring = str(recurring or "").lower() in ("1", "true", "on", "yes")
    note = data.get("note") or ""
    if not isinstance(note, str):
        errors.append(WrapUpError("note", "invalid"))
        note = ""
    note = " ".join(note.split())
    found = notecheck.problems(note)
    if found:
        kind = "personal" if found != ["too_long"] else "too_long"
        errors.append(WrapUpError("note", kind, found))
    if errors:
        raise WrapUpErrors(errors)
    return WrapUp(outcome, topic, subtopic, local_help, place, recurring, note)


def save(h, volunteer_id: str, member: str, wrap: WrapUp) -> str:
    """Store the wrap-up ('saved', 'not-yours', 'already'); a volunteer still in wrap-up for this
    conversation becomes available again."""
    result = h.router.scripts.wrapup(
        [keys.handled(member), keys.EVENTS],
        volunteer=volunteer_id,
        member=member,
        now=h.store.clock.now_ms(),
        fields=wrap.fields(),
    )
    if result == "saved":  # what was noted during the call is in the wrap-up now
        h.redis.delete(keys.call_draft(keys.record_member(member), volunteer_id))
        vol = h.redis.hmget(keys.volunteer(volunteer_id), ["state", "last_call"])
        if vol == ["wrapup", member]:
            h.router.end_wrapup(volunteer_id)
    return result


def record(h, member: str) -> dict | None:
    raw = h.redis.hgetall(keys.handled(member))
    if not raw.get("member"):
        return None
    topic = h.flow.topics.get(raw.get("topic", ""))
    zone = ZoneInfo(h.settings.timezone)
    done_at = datetime.fromtimestamp(int(raw["done_at"]) / 1000, tz=zone)
    wrap = None
    if raw.get("wrapped") == "1":
        wrap = {
            "outcome": raw.get("w_outcome"),
            "topic": raw.get("w_topic"),
            "subtopic": raw.get("w_subtopic") or None,
            "local_help": raw.get("w_local_help") or None,
            "place": raw.get("w_place") or None,
            "recurring": raw.get("w_recurring") == "1",
            "note": raw.get("w_note") or "",
        }
    return {
        "id": member,
        "volunteer": raw.get("volunteer"),
        "kind": keys.member_kind(member),
        "topic": raw.get("topic") or None,
        "topic_name": topic.staff_label("nl") if topic else None,
        "language": raw.get("lang") or None,
        "repeat_caller": raw.get("repeat") == "1",
        "referral": raw.get("referral") or None,
        "waited_seconds": int(raw.get("waited_ms") or 0) // 1000,
        "talk_seconds": int(float(raw.get("talk_ms") or 0)) // 1000,
        "ended_at": done_at.isoformat(timespec="seconds"),
        "wrapped_up": wrap is not None,
        "wrapup": wrap,
    }


def _outcome(rec: dict) -> str | None:
    return (rec["wrapup"] or {}).get("outcome")


def my_calls(h, volunteer_id: str, limit: int = 20) -> tuple[list[dict], dict]:
    """The volunteer's latest conversations, newest first, and today's counts."""
    members = h.redis.zrevrange(keys.my_calls(volunteer_id), 0, max(limit, 200) - 1)
    records = [rec for rec in (record(h, m) for m in members) if rec]
    zone = ZoneInfo(h.settings.timezone)
    today = datetime.fromtimestamp(h.store.clock.now_ms() / 1000, tz=zone).date().isoformat()
    todays = [rec for rec in records if rec["ended_at"].startswith(today)]
    counts = {
        "calls": len(todays),
        "talk_minutes": sum(rec["talk_seconds"] for rec in todays) // 60,
        "wrapped_up": sum(1 for rec in todays if rec["wrapped_up"]),
        **{o: sum(1 for rec in todays if _outcome(rec) == o) for o in OUTCOMES},
    }
    return records[:limit], counts


def totals(h, volunteer_id: str, start_ms: int, end_ms: int) -> tuple[int, int]:
    """A volunteer's conversations that ended between two moments: how many, and their talk
    time (ms) together."""
    records = h.redis.zrangebyscore(keys.my_calls(volunteer_id), start_ms, end_ms)
    if not records:
        return 0, 0
    with h.redis.pipeline(transaction=False) as pipe:
        for record in records:
            pipe.hget(keys.handled(record), "talk_ms")
        talk = sum(int(float(ms or 0)) for ms in pipe.execute())
    return len(records), talk
