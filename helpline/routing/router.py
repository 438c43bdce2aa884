"""The router: volunteers, offers and their outcomes, each change one Lua script."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import redis

from helpline import keys
from helpline.clock import Clock, clock_from_settings
from helpline.config import Settings
from helpline.ivr.flow import Flow
from helpline.model import Volunteer
from helpline.scripts import Scripts

MISSED_REASON = "missed_offers"
WRAPUP_LIMIT_REASON = "wrapup_limit"  # paused: the wrap-up form was left unsaved too long


class Router:
    def __init__(
        self,
        client: redis.Redis,
        settings: Settings,
        flow: Flow,
        clock: Clock | None = None,
        jobs=None,
    ):
        self.redis = client
        self.settings = settings
        self.flow = flow
        self.clock = clock or clock_from_settings(settings)
        self.jobs = jobs  # schedules follow-ups (offer expiry, widening, wrap-up); may be None
        self._scripts: Scripts | None = None

    @property
    def scripts(self) -> Scripts:
        if self._scripts is None:
            self._scripts = Scripts.of(self.redis)
        return self._scripts

    @property
    def strategy(self) -> str:
        """The routing policy ('longest_idle' or 'fewest_calls'), passed by name to every
        script that makes a volunteer available; the score it gives is lib/routing_score.lua."""
        return self.settings.routing_strategy

    # -- volunteers ---------------------------------------------------------------------------

    def save_volunteer(
        self, volunteer_id: str, *, name: str, phone: str, skills, languages, numbers=None
    ):
        """Create or change a profile. ``numbers``: profile numbers to set (``None`` unsets one,
        so the setting applies again); the ones not named stay as they are."""
        unknown = set(skills) - set(self.flow.skills)
        if unknown:
            raise ValueError(f"unknown skills: {', '.join(sorted(unknown))}")
        unknown = set(languages) - set(self.flow.languages)
        if unknown:
            raise ValueError(f"unknown languages: {', '.join(sorted(unknown))}")
        new_sets = self._sets(skills, languages)
        for _ in range(5):  # another change between the read and the script: read again
            raw = self.redis.hgetall(keys.volunteer(volunteer_id))
            stored = Volunteer.from_hash({**raw, "id": volunteer_id})
            old_sets = self.availability_keys(stored)
            result = self.scripts.vol_save(
                [keys.volunteer(volunteer_id), keys.VOLUNTEERS, *old_sets, *new_sets],
                volunteer=volunteer_id,
                name=name,
                phone=phone,
                skills=",".join(skills),
                languages=",".join(languages),
                old_sets=len(old_sets),
                skills_read=raw.get("skills", ""),
                languages_read=raw.get("languages", ""),
                numbers={k: "" if v is None else int(v) for k, v in (numbers or {}).items()},
            )
            if result == "saved":
                return
        raise RuntimeError(f"the profile of {volunteer_id} kept changing; not saved")

    def volunteer(self, volunteer_id: str) -> Volunteer | None:
        data = self.redis.hgetall(keys.volunteer(volunteer_id))
        return Volunteer.from_hash(data) if data.get("id") else None

    def retire_after_call(self, volunteer_id: str, retire: bool) -> None:
        """Whether a volunteer goes offline, not available, when their current call and its
        wrap-up end (a coordinator disabled them mid-call; ``wrapup_end.lua`` reads it)."""
        if retire:
            self.redis.hset(keys.volunteer(volunteer_id), "retire", "1")
        else:
            self.redis.hdel(keys.volunteer(volunteer_id), "retire")

    def volunteer_ids(self) -> list[str]:
        return sorted(self.redis.smembers(keys.VOLUNTEERS))

    def lines_for(
        self, volunteer: Volunteer, unstaffed: set[str] | frozenset = frozenset()
    ) -> tuple[list[str], list[str]]:
        """The volunteer's own lines, and the lines they may take after the widening time:
        the other topics in their languages, and their own topics in the ``unstaffed``
        languages (no volunteer on duty speaks them: an English caller is not kept waiting
        for ever when no English speaker is on duty)."""
        own, other = [], []
        for topic in self.flow.topics.values():
            for lang in volunteer.languages:
                target = own if topic.skill in volunteer.skills else other
                target.append(keys.waiting(topic.id, lang))
            if topic.skill in volunteer.skills:
                for lang in sorted(set(unstaffed) - set(volunteer.languages)):
                    other.append(keys.waiting(topic.id, lang))
        return own, other

    def unstaffed_languages(self) -> set[str]:
        """The flow's languages that no volunteer on duty (not offline) speaks."""
        ids = self.volunteer_ids()
        with self.redis.pipeline(transaction=False) as pipe:
            for volunteer_id in ids:
                pipe.hmget(keys.volunteer(volunteer_id), ["state", "languages"])
            rows = pipe.execute() if ids else []
        spoken: set[str] = set()
        for state, languages in rows:
            if state and state != "offline":
                spoken.update((languages or "").split(","))
        return set(self.flow.languages) - spoken

    def availability_keys(self, volunteer: Volunteer) -> list[str]:
        return self._sets(volunteer.skills, volunteer.languages)

    @staticmethod
    def _sets(skills, languages) -> list[str]:
        """The availability sets of these skills and languages (and 'any skill' per language)."""
        found = [keys.available(skill, lang) for skill in skills for lang in languages]
        return found + [keys.available("*", lang) for lang in languages]

    def today(self) -> str:
        zone = ZoneInfo(self.settings.timezone)
        return datetime.fromtimestamp(self.clock.now_ms() / 1000, tz=zone).date().isoformat()

    def set_state(self, volunteer_id: str, state: str, reason: str = "") -> str:
        """available, paused or offline; an open offer is declined first."""
        if state not in ("available", "paused", "offline"):
            raise ValueError(f"a volunteer cannot choose the state {state!r}")
        volunteer = self._require(volunteer_id)
        if volunteer.state == "offered":
            self._end_offer(
                volunteer,
                volunteer.offer_member,
                "volunteer_left",
                missed=False,
                next_state=state,
            )
            volunteer = self._require(volunteer_id)
        result = self.scripts.vol_state(
            [keys.volunteer(volunteer_id), keys.EVENTS, *self.availability_keys(volunteer)],
            volunteer=volunteer_id,
            state=state,
            now=self.clock.now_ms(),
            reason=reason,
            strategy=self.strategy,
            today=self.today(),
        )
        if result == "available":
            self.match_volunteer(volunteer_id)
        return result

    def heartbeat(self, volunteer_id: str) -> None:
        """The volunteer's dashboard is still there (single key, so no script). An account
        without a volunteer profile (a coordinator who takes no calls) has nothing to mark."""
        key = keys.volunteer(volunteer_id)
        if self.redis.hexists(key, "id"):
            self.redis.hset(key, "seen_at", self.clock.now_ms())

    def vanished(self, now_ms: int | None = None) -> list[str]:
        """Available or offered volunteers whose dashboard stopped reporting: offline."""
        now = now_ms or self.clock.now_ms()
        limit = self.settings.volunteer_timeout * 1000
        gone = []
        for volunteer_id in self.volunteer_ids():
            state, seen = self.redis.hmget(keys.volunteer(volunteer_id), ["state", "seen_at"])
            if state in ("available", "offered") and seen and now - int(seen) > limit:
                self.set_state(volunteer_id, "offline", reason="dashboard_gone")
                gone.append(volunteer_id)
        return gone

    def _require(self, volunteer_id: str) -> Volunteer:
        volunteer = self.volunteer(volunteer_id)
        if volunteer is None:
            raise KeyError(volunteer_id)
        return volunteer

    # -- matching -----------------------------------------------------------------------------

    def match_volunteer(self, volunteer_id: str) -> str | None:
        """Offer the best waiting caller to this volunteer, if they are available."""
        for _ in range(8):
            volunteer = self.volunteer(volunteer_id)
            if volunteer is None or volunteer.state != "available":
                return None
            own, other = self.lines_for(volunteer, self.unstaffed_languages())
            now = self.clock.now_ms()
            found = self.scripts.peek(
                [keys.volunteer(volunteer_id), *own, *other],
                now=now,
                widen_after=self.settings.widen_after * 1000,
                own=len(own),
                span=keys.PRIORITY_SPAN,
            )
            if not found:
                return None
            member, line, widened = found
            result = self.scripts.offer(
                [
                    keys.volunteer(volunteer_id),
                    keys.party(member),
                    line,
                    keys.EVENTS,
                    *self.availability_keys(volunteer),
                ],
                volunteer=volunteer_id,
                member=member,
                now=now,
                expires=now + self.settings.offer_timeout * 1000,
                widened=widened,
            )
            if result == "offered":
                if self.jobs:
                    self.jobs.offer_made(volunteer_id, member)
                return member
            if result == "volunteer-busy":
                return None
        return None

    def match_line(self, topic: str, lang: str) -> str | None:
        """A caller joined or came back to a line: try the volunteers who could take them."""
        skill = self.flow.topics[topic].skill
        candidates = self.redis.zrange(keys.available(skill, lang), 0, 9)
        if not candidates:
            head = self.redis.zrange(keys.waiting(topic, lang), 0, 0, withscores=True)
            if head and self._waited(head[0][1]) >= self.settings.widen_after:
                candidates = self.redis.zrange(keys.available("*", lang), 0, 9)
                if not candidates and lang in self.unstaffed_languages():
                    for other in self.flow.languages:  # anyone with the topic, any language
                        candidates += self.redis.zrange(keys.available(skill, other), 0, 9)
        for volunteer_id in candidates:
            offered = self.match_volunteer(volunteer_id)
            if offered:
                return offered
        return None

    def _waited(self, score: float) -> float:
        return (self.clock.now_ms() - keys.arrival_of(score)) / 1000

    def match_everyone(self) -> int:
        """Repair pass: every available volunteer looks for a caller once."""
        made = 0
        for volunteer_id in self.volunteer_ids():
            if self.match_volunteer(volunteer_id):
                made += 1
        return made

    # -- the offer's outcomes -----------------------------------------------------------------

    def accept(self, volunteer_id: str, member: str) -> str:
        result = self.scripts.accept(
            [keys.volunteer(volunteer_id), keys.party(member), keys.EVENTS],
            volunteer=volunteer_id,
            member=member,
            now=self.clock.now_ms(),
        )
        if result == "accepted" and self.jobs:
            self.jobs.accepted(volunteer_id, member)
        return result

    def decline(self, volunteer_id: str, member: str) -> str:
        volunteer = self._require(volunteer_id)
        return self._end_offer(volunteer, member, "declined", missed=False)

    def expire(self, volunteer_id: str, member: str) -> str:
        """The offer's time ran out (only if it really did)."""
        volunteer = self._require(volunteer_id)
        if volunteer.offer_member != member or volunteer.state != "offered":
            return "stale"
        if not volunteer.offer.expired(self.clock.now_ms()):
            return "not-yet"
        return self._end_offer(volunteer, member, "timeout", missed=True)

    def connect_failed(self, volunteer_id: str, member: str, reason: str) -> str:
        """The volunteer's phone was busy, not answered, or answered by voicemail."""
        volunteer = self._require(volunteer_id)
        return self._end_offer(volunteer, member, reason, missed=True, during="connecting")

    def _end_offer(
        self,
        volunteer: Volunteer,
        member: str,
        reason: str,
        *,
        missed: bool,
        next_state: str = "",
        during: str = "offered",
    ) -> str:
        if not member:
            return "stale"
        line = self.redis.hget(keys.party(member), "line") or keys.waiting("-", "-")
        result, leg, citizen_leg = self.scripts.offer_end(
            [
                keys.volunteer(volunteer.id),
                keys.party(member),
                line,
                keys.EVENTS,
                *self.availability_keys(volunteer),
            ],
            volunteer=volunteer.id,
            member=member,
            now=self.clock.now_ms(),
            reason=reason,
            max_missed=self.settings.max_missed,
            skip_until=self.clock.now_ms() + self.settings.skip_seconds * 1000,
            missed=missed,
            next_state=next_state,
            strategy=self.strategy,
            missed_reason=MISSED_REASON,
            during=during,
        )
        if self.jobs:  # phones still ringing for an attempt that is over
            for stale_leg in (leg, citizen_leg):
                if stale_leg:
                    self.jobs.cancel_leg(stale_leg)
        if result != "stale":
            party = self.redis.hmget(keys.party(member), ["topic", "lang"])
            if party[0] and party[1]:
                self.match_line(party[0], party[1])  # the caller is back: someone else?
            if result == "available":
                self.match_volunteer(volunteer.id)
                if self.jobs:
                    self.jobs.skip_started(volunteer.id)
        return result

    def attach_leg(self, volunteer_id: str, member: str, leg_sid: str) -> str:
        return self.scripts.attach_leg(
            [keys.volunteer(volunteer_id), keys.party(member), keys.EVENTS],
            volunteer=volunteer_id,
            member=member,
            leg=leg_sid,
            now=self.clock.now_ms(),
        )

    def connected(self, volunteer_id: str, member: str) -> str:
        topic, lang = self.redis.hmget(keys.party(member), ["topic", "lang"])
        return self.scripts.connected(
            [
                keys.volunteer(volunteer_id),
                keys.party(member),
                keys.EVENTS,
                keys.answered(topic or "-", lang or "-"),
            ],
            volunteer=volunteer_id,
            member=member,
            now=self.clock.now_ms(),
            span=keys.PRIORITY_SPAN,
            keep_answers=self.settings.estimate_window * 2000,
        )

    def part_ending(self, volunteer_id: str, member: str, now: int) -> tuple[list[str], dict]:
        """The keys and arguments that end a volunteer's part of a conversation (``end_part``
        in ``lua/lib``): their record (one per volunteer: a caller handed over has several),
        their list of calls and the caller's earlier contacts; the wrap-up's end and limit."""
        round_no, caller = self.redis.hmget(keys.party(member), ["round", "caller"])
        record = keys.record_id(member, round_no or 0)
        settings = self.settings
        volunteer = self.volunteer(volunteer_id)
        wrapup = (
            volunteer.number("wrapup_seconds", settings) if volunteer else settings.wrapup_seconds
        )
        return [keys.handled(record), keys.my_calls(volunteer_id), keys.contacts(caller or "-")], {
            "volunteer": volunteer_id,
            "member": member,
            "record": record,
            "now": now,
            "wrapup_until": now + wrapup * 1000,
            "wrapup_limit": now + max(settings.wrapup_limit, wrapup) * 1000,
            "today": self.today(),
            "keep": settings.event_retention_days * 86400,
            "contacts_keep": settings.repeat_window_days * 86400,
            "span": keys.PRIORITY_SPAN,
        }

    def call_done(self, volunteer_id: str, member: str) -> str:
        now = self.clock.now_ms()
        record_keys, args = self.part_ending(volunteer_id, member, now)
        result = self.scripts.call_done(
            [keys.volunteer(volunteer_id), keys.party(member), keys.EVENTS, *record_keys], **args
        )
        if result == "wrapup" and self.jobs:
            self.jobs.wrapup_started(volunteer_id, (args["wrapup_until"] - now) // 1000)
            if keys.is_call(member):
                self.jobs.conversation_over(member)
        return result

    def end_wrapup(self, volunteer_id: str, *, only_if_due: bool = False) -> str:
        volunteer = self._require(volunteer_id)
        result = self.scripts.wrapup_end(
            [keys.volunteer(volunteer_id), keys.EVENTS, *self.availability_keys(volunteer)],
            volunteer=volunteer_id,
            now=self.clock.now_ms(),
            strategy=self.strategy,
            only_if_due=only_if_due,
            limit_reason=WRAPUP_LIMIT_REASON,
        )
        if result == "available":
            self.match_volunteer(volunteer_id)
        return result

    def party_gone(self, member: str) -> str | None:
        """The caller hung up while offered or connecting; returns a volunteer leg to cancel."""
        volunteer_id = self.redis.hget(keys.party(member), "offered_to")
        if not volunteer_id:
            return None
        volunteer = self._require(volunteer_id)
        state, leg = self.scripts.party_gone(
            [
                keys.volunteer(volunteer_id),
                keys.party(member),
                keys.EVENTS,
                *self.availability_keys(volunteer),
            ],
            volunteer=volunteer_id,
            member=member,
            now=self.clock.now_ms(),
            strategy=self.strategy,
            span=keys.PRIORITY_SPAN,
            final_state="abandoned",
        )
        if state == "available":
            self.match_volunteer(volunteer_id)
        return leg or None

    def callback_attempt(self, volunteer_id: str, member: str, leg_sid: str) -> int:
        return int(
            self.scripts.callback_attempt(
                [keys.party(member), keys.EVENTS],
                member=member,
                leg=leg_sid,
                now=self.clock.now_ms(),
                volunteer=volunteer_id,
            )
        )

    def callback_unanswered(
        self, volunteer_id: str, member: str, why: str, next_try_ms: int
    ) -> tuple[str, str]:
        """The citizen did not answer: retry later or record unreachable; (result, leg)."""
        volunteer = self._require(volunteer_id)
        result, leg = self.scripts.callback_unanswered(
            [
                keys.volunteer(volunteer_id),
                keys.party(member),
                keys.SCHEDULED_CALLBACKS,
                keys.EVENTS,
                *self.availability_keys(volunteer),
            ],
            volunteer=volunteer_id,
            member=member,
            now=self.clock.now_ms(),
            max_tries=self.settings.callback_tries,
            next_try=next_try_ms,
            strategy=self.strategy,
            why=why,
        )
        if result != "stale":
            self.match_volunteer(volunteer_id)
        return result, leg

    def release_due_callbacks(self) -> int:
        """Callbacks whose time has come join their lines (and are matched)."""
        now = self.clock.now_ms()
        released = 0
        for member in self.redis.zrangebyscore(keys.SCHEDULED_CALLBACKS, "-inf", now):
            party = keys.party(member)
            line, topic, lang = self.redis.hmget(party, ["line", "topic", "lang"])
            result = self.scripts.release_callback(
                [keys.SCHEDULED_CALLBACKS, party, line or keys.waiting("-", "-"), keys.EVENTS],
                member=member,
                now=now,
                bonus=self.settings.priority_callback_due,
                span=keys.PRIORITY_SPAN,
            )
            if result == "released":
                released += 1
                self.match_line(topic, lang)
        return released
