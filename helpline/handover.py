"""Hold and hand over, as a contact-centre desk allows: the volunteer puts their caller on hold
(Twilio's conference participant ``hold``, with one sentence and music) and takes them back,
hands them to the line of another topic (the caller keeps their original arrival, the next
volunteer reads a note), or hands them warm to an available colleague with that skill.

A warm hand-over, step by step (see docs/architecture.md):

1. ``warm_start.lua`` reserves the colleague (``connecting``, their offer is this caller); the
   caller is put on hold; the colleague's phone rings (``/voice/handover/answer``).
2. The colleague hears a short whisper and presses 1: ``warm_join.lua``; the first volunteer's
   leaving no longer ends the conference, the caller is taken off hold, and the three talk.
3. The first volunteer hangs up: ``warm_leave.lua`` ends their part (record, wrap-up) and the
   colleague holds the call. No answer, busy, no key, or the colleague leaving first:
   ``warm_end.lua``, and the caller is back with the first volunteer.

Every hand-over is an event (``handover``, ``handover_started``, ``handover_ended``) the
reports can count.
"""

from __future__ import annotations

import logging

from twilio.base.exceptions import TwilioRestException

from helpline import keys, twiml
from helpline.desk import checked_note
from helpline.model import Party, Volunteer
from helpline.routing.lifecycle import caller_hung_up
from helpline.texts import N_, Refusal

log = logging.getLogger("helpline.handover")
TERMINAL = ("completed", "busy", "failed", "no-answer", "canceled")
WARM_RING_EXTRA_MS = 30_000  # past the ring timeout, a hand-over that never rang is ended


class HandoverRefused(Refusal):
    """A hold or hand-over that cannot be done now: a message id, fit to show."""


# What a script's refusal means for the volunteer.
REFUSALS = {
    "stale": N_("call_not_current"),
    "busy": N_("handover_busy"),
    "nobody": N_("handover_nobody"),
    "gone": N_("caller_gone"),
    "failed": N_("handover_failed"),
}


class Handover:
    def __init__(self, h):
        self.h = h
        self.router = h.router
        self.scripts = h.router.scripts

    def _url(self, path: str, **params) -> str:
        return twiml.public_url(self.h.settings.public_url, path, **params)

    # -- the conference's participants ----------------------------------------------------

    def _participant(self, member: str, call_sid: str, **changes) -> bool:
        """Change a participant of the conversation's conference (False when it is over)."""
        if not call_sid:
            return False
        client = self.h.twilio
        try:
            found = client.conferences.list(
                friendly_name=twiml.room(member), status="in-progress", limit=1
            )
            if not found:
                return False
            client.conferences(found[0].sid).participants(call_sid).update(**changes)
        except TwilioRestException as exc:
            if exc.status in (400, 404):
                return False
            raise
        return True

    def _hold(self, party: Party, on: bool, why: str = "hold") -> bool:
        if not on:
            return self._participant(party.member, party.call_sid, hold=False)
        url = self._url("/voice/hold", lang=party.lang, why=why)
        return self._participant(
            party.member, party.call_sid, hold=True, hold_url=url, hold_method="POST"
        )

    def _party(self, member: str) -> Party:
        party = self.h.store.party(member)
        if party is None:
            raise HandoverRefused(REFUSALS["stale"])
        return party

    @staticmethod
    def _refuse(result: str) -> None:
        if result in REFUSALS:
            raise HandoverRefused(REFUSALS[result])

    # -- hold ------------------------------------------------------------------------------

    def hold(self, volunteer_id: str, member: str, on: bool) -> str:
        """On hold (music and one sentence) or back; the volunteer stays on the line."""
        party = self._party(member)
        run = self.scripts.hold_state
        args = {"volunteer": volunteer_id, "member": member, "now": self.h.store.clock.now_ms()}
        ring = [keys.volunteer(volunteer_id), keys.party(member), keys.EVENTS]
        result = run(ring, **args, hold=on)
        self._refuse(result)
        if not self._hold(party, on):
            run(ring, **args, hold=not on)  # the conference is gone: nothing changed
            raise HandoverRefused(REFUSALS["gone"])
        return result

    # -- to the line of a topic --------------------------------------------------------------

    def to_line(self, volunteer_id: str, member: str, topic: str, note: str) -> str:
        """The caller goes to the line of ``topic``, ahead of everyone who came after them,
        with ``note`` for the next volunteer; this volunteer's part ends (wrap-up)."""
        if topic not in self.h.flow.topics:
            raise HandoverRefused(N_("wrapup_topic"))
        note = checked_note(note)
        party = self._party(member)
        if party.is_callback:
            raise HandoverRefused(N_("handover_not_callback"))
        now = self.h.store.clock.now_ms()
        record_keys, args = self.router.part_ending(volunteer_id, member, now)
        line = keys.waiting(topic, party.lang or self.h.flow.default_language)
        result = self.scripts.handover_line(
            [keys.volunteer(volunteer_id), keys.party(member), keys.EVENTS, *record_keys, line],
            **args,
            topic=topic,
            note=note,
        )
        self._refuse(result)
        jobs = self.h.jobs
        if jobs:
            jobs.wrapup_started(volunteer_id, (int(args["wrapup_until"]) - now) // 1000)
        url = self._url("/voice/handover/line", member=member, lang=party.lang, topic=topic)
        try:  # out of the conversation (which ends the volunteer's leg), into the line
            self.h.twilio.calls(party.call_sid).update(url=url, method="POST")
        except TwilioRestException as exc:
            log.warning("hand-over to a line: caller unreachable status=%s", exc.status)
            if exc.status in (400, 404):  # the caller has gone meanwhile
                caller_hung_up(self.h, party.call_sid, "completed")
                return "moved"
            raise
        self.router.match_line(topic, party.lang)
        if jobs:
            jobs.caller_waiting(topic, party.lang)  # look again when widening applies
        return "moved"

    # -- warm, to a colleague ----------------------------------------------------------------

    def to_colleague(self, volunteer_id: str, member: str, topic: str) -> str:
        """Ring an available colleague with the skill of ``topic`` (and the caller's language);
        the caller waits on hold meanwhile. Returns the colleague's id."""
        flow = self.h.flow
        if topic not in flow.topics:
            raise HandoverRefused(N_("wrapup_topic"))
        party = self._party(member)
        skill, lang = flow.topics[topic].skill, party.lang or flow.default_language
        now = self.h.store.clock.now_ms()
        colleague = None
        for candidate in self.h.redis.zrange(keys.available(skill, lang), 0, 9):
            found = self.router.volunteer(candidate)
            if candidate == volunteer_id or found is None:
                continue
            result = self.scripts.warm_start(
                [
                    keys.volunteer(volunteer_id),
                    keys.volunteer(candidate),
                    keys.party(member),
                    keys.EVENTS,
                    *self.router.availability_keys(found),
                ],
                volunteer=volunteer_id,
                colleague=candidate,
                member=member,
                now=now,
            )
            if result == "started":
                colleague = found
                break
            if result != "colleague-busy":
                self._refuse(result)
        if colleague is None:
            raise HandoverRefused(REFUSALS["nobody"])
        self._hold(party, True, why="transfer")
        params = {"member": member, "vol": colleague.id}
        try:
            call = self.h.twilio.calls.create(
                to=colleague.phone,
                from_=self.h.settings.phone_number,
                url=self._url("/voice/handover/answer", **params),
                status_callback=self._url("/voice/handover/status", **params),
                status_callback_event=["initiated", "ringing", "answered", "completed"],
                timeout=self.h.settings.ring_timeout,
            )
        except TwilioRestException as exc:
            log.warning("hand-over: the colleague's phone could not be rung status=%s", exc.status)
            self.end_warm(colleague.id, member, "failed")
            raise HandoverRefused(REFUSALS["failed"]) from None
        if self.scripts.warm_leg([keys.volunteer(colleague.id)], member=member, leg=call.sid) != (
            "attached"
        ):
            self._end_leg(call.sid)  # ended meanwhile
        log.info("warm hand-over ringing colleague=%s leg=%s", colleague.id, call.sid)
        return colleague.id

    def joined(self, colleague_id: str, member: str) -> bool:
        """The colleague pressed 1: the three talk, and the first volunteer may leave."""
        now = self.h.store.clock.now_ms()
        result = self.scripts.warm_join(
            [keys.volunteer(colleague_id), keys.party(member), keys.EVENTS],
            colleague=colleague_id,
            member=member,
            now=now,
        )
        if result != "joined":
            return False
        party = self._party(member)
        first = self._first(party)
        if first is not None:  # their leaving must no longer end the conversation
            self._participant(member, first.leg, end_conference_on_exit=False)
        self._hold(party, False)
        return True

    def _first(self, party: Party) -> Volunteer | None:
        """The volunteer who holds the conversation now (and is handing it over)."""
        owner = self.h.redis.hget(keys.party(party.member), "offered_to")
        return self.router.volunteer(owner) if owner else None

    def first_left(self, volunteer: Volunteer, member: str) -> str:
        """The first volunteer's phone leg ended during a warm hand-over: once the colleague
        joined, the caller stays with them; before that, the call ends as any call."""
        colleague = volunteer.handover
        now = self.h.store.clock.now_ms()
        record_keys, args = self.router.part_ending(volunteer.id, member, now)
        result = self.scripts.warm_leave(
            [
                keys.volunteer(volunteer.id),
                keys.party(member),
                keys.EVENTS,
                *record_keys,
                keys.volunteer(colleague),
            ],
            **args,
            colleague=colleague,
        )
        if result == "handed-over":
            if self.h.jobs:
                self.h.jobs.wrapup_started(volunteer.id, (int(args["wrapup_until"]) - now) // 1000)
            taker = self.router.volunteer(colleague)
            if taker is not None:  # from now on the colleague's leaving ends it
                self._participant(member, taker.leg, end_conference_on_exit=True)
            return result
        self.end_warm(colleague, member, "first_left")
        return self.router.call_done(volunteer.id, member)

    def colleague_status(self, colleague_id: str, member: str, status: str) -> str:
        """The colleague's phone leg ended (``/voice/handover/status``)."""
        colleague = self.router.volunteer(colleague_id)
        if colleague is None or colleague.offer_member != member:
            return "stale"
        if not colleague.offer_warm:  # the first volunteer left: the call is theirs now
            if colleague.state == "on_call" and status == "completed":
                return self.router.call_done(colleague_id, member)
            return "stale"
        if colleague.state != "connecting":
            reason = "colleague_left"
        else:
            reason = status if status != "completed" else "no_key_pressed"
        return self.end_warm(colleague_id, member, reason)

    def end_warm(self, colleague_id: str, member: str, reason: str) -> str:
        """The hand-over ends without handing over: the colleague is free again, the caller
        (still) with the first volunteer, off hold."""
        colleague = self.router.volunteer(colleague_id)
        if colleague is None or not colleague.offer_warm:
            return "stale"
        first = self.router.volunteer(colleague.offer_warm)
        state, leg = self.scripts.warm_end(
            [
                keys.volunteer(colleague.offer_warm),
                keys.volunteer(colleague_id),
                keys.party(member),
                keys.EVENTS,
                *self.router.availability_keys(colleague),
            ],
            volunteer=colleague.offer_warm,
            colleague=colleague_id,
            member=member,
            now=self.h.store.clock.now_ms(),
            strategy=self.router.strategy,
            reason=reason,
        )
        if state == "stale":
            return state
        if leg:
            self._end_leg(leg)
        party = self.h.store.party(member)
        if party is not None and party.state == "connected" and first is not None:
            self._participant(member, first.leg, end_conference_on_exit=True)
            self._hold(party, False)
        self.router.match_volunteer(colleague_id)
        return state

    def _end_leg(self, leg: str) -> None:
        if self.h.jobs:
            self.h.jobs.cancel_leg(leg)

    def repair(self, colleague: Volunteer, now_ms: int) -> int:
        """A colleague rung for a warm hand-over whose leg's end we never heard of (a lost
        status callback), or whose phone was never rung: end the hand-over."""
        stuck = (self.h.settings.ring_timeout * 1000) + WARM_RING_EXTRA_MS
        if not colleague.leg:
            if now_ms - (colleague.state_since or now_ms) < stuck:
                return 0
            status = "not_rung"
        else:
            try:
                status = self.h.twilio.calls(colleague.leg).fetch().status
            except TwilioRestException as exc:
                if exc.status != 404:
                    raise
                status = "completed"
            if status not in TERMINAL:
                return 0
        return int(self.colleague_status(colleague.id, colleague.offer_member, status) != "stale")
