"""What a repeat caller tried before: their earlier conversations (by pseudonym, within the
repeat window), as the volunteers recorded and wrapped them up.

Read only through ``EarlierContacts.shown_to``, for the volunteer who has that caller on the
line, during the call and its wrap-up (``helpline.desk`` decides when); every read is logged
with the volunteer, the call and a count, never with what was read.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from helpline import keys
from helpline.places import Places

log = logging.getLogger("helpline.contacts")
MOST = 5


class EarlierContacts:
    """The repository of a pseudonymous caller's earlier conversations (``keys.contacts``,
    filled by ``call_done.lua`` and the hand-over scripts through ``lua/lib/keep_record``)."""

    def __init__(self, h):
        self.h = h
        self.redis = h.redis

    def shown_to(
        self, volunteer_id: str, pseudonym: str, member: str, lang: str, most: int = MOST
    ) -> list[dict]:
        """The caller's earlier conversations, newest first, at most ``most``; the call now
        going on (``member``, also its parts with other volunteers) is not one of them."""
        if not pseudonym:
            return []
        now = self.h.store.clock.now_ms()
        since = now - self.h.settings.repeat_window_days * 86_400_000
        ids = self.redis.zrevrangebyscore(keys.contacts(pseudonym), now, since)
        found = []
        for record_id in ids:
            if keys.record_member(record_id) == member:
                continue
            raw = self.redis.hgetall(keys.handled(record_id))
            if raw.get("done_at"):
                found.append(self._contact(raw, lang))
            if len(found) >= most:
                break
        log.info(
            "earlier contacts read volunteer=%s call=%s contacts=%d",
            volunteer_id,
            member[:42],
            len(found),
        )
        return found

    def _contact(self, raw: dict, lang: str) -> dict:
        flow = self.h.flow
        wrapped = raw.get("wrapped") == "1"
        topic_id = (raw.get("w_topic") if wrapped else "") or raw.get("topic", "")
        topic = flow.topics.get(topic_id)
        sub = raw.get("w_subtopic") or ""
        place = Places(self.redis).get(raw.get("w_place") or "") if raw.get("w_place") else None
        ended = datetime.fromtimestamp(
            int(raw["done_at"]) / 1000, tz=ZoneInfo(self.h.settings.timezone)
        )
        return {
            "ended_at": ended.isoformat(timespec="minutes"),
            "topic": topic_id or None,
            "topic_label": topic.staff_label(lang) if topic else None,
            "subtopic_label": (topic.subtopics.get(sub) or {}).get(lang) if topic and sub else None,
            "outcome": (raw.get("w_outcome") or None) if wrapped else None,
            "local_help": raw.get("w_local_help") or None,
            "place_name": place.name if place else None,
            "note": raw.get("w_note") or None,
        }
