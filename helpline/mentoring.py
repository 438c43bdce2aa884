"""A mentor listens in, coaches or joins a volunteer's live conversation, as contact centres
do (Twilio Flex's supervisor monitor, Asterisk's ChanSpy, FreeSWITCH's eavesdrop).

The mentor (a coordinator, or a volunteer a coordinator marked as mentor) has their own phone
rung into the conversation's conference as a participant: ``listen`` is muted (they hear both
sides, nobody hears them), ``coach`` is Twilio's coaching of the volunteer's leg (only the
volunteer hears them), ``join`` is a plain participant (both hear them), announced to both
with one sentence. Listening and coaching are never announced to the caller. A volunteer may
refuse being listened to; the volunteer's page says when a mentor is there. Every session is
logged: who, which conversation, how long, in which modes; nothing about the caller.
"""

from __future__ import annotations

import json
import logging

from twilio.base.exceptions import TwilioRestException

from helpline import keys
from helpline.scripts import Scripts
from helpline.texts import N_, Refusal
from helpline.twiml import public_url

log = logging.getLogger("helpline.mentoring")

MODES = ("listen", "coach", "join")
LOG_KEEP = 1000
SESSION_TTL = 4 * 3600  # a session whose end was never reported is forgotten after this
# Why monitor_start did not start a session, in words.
NOT_STARTED = {
    "not-on-call": N_("monitor_not_on_call"),
    "refused": N_("monitor_refused"),
    "busy": N_("monitor_busy"),
}


class MonitorError(Refusal):
    """Why a mentor cannot listen in (a message id fit to show)."""


def room(member: str) -> str:
    """The conversation's conference, as the volunteer's leg names it (helpline.voice)."""
    return f"hulplijn-{member.replace(':', '-')}"


def participant_options(mode: str, volunteer_leg: str) -> dict:
    """What a participant in ``mode`` is, in the Participants resource's terms."""
    options = {"muted": mode == "listen", "coaching": mode == "coach"}
    if mode == "coach":
        options["call_sid_to_coach"] = volunteer_leg
    return options


class Monitoring:
    """Monitoring preferences, live sessions and their log (the only code touching them)."""

    def __init__(self, client, router, settings, clock, twilio_factory):
        self.redis, self.router, self.settings, self.clock = client, router, settings, clock
        self.scripts = Scripts.of(client)
        self._twilio = twilio_factory  # the REST client, made on first use

    # -- preferences -----------------------------------------------------------------------

    def refuses(self, volunteer_id: str) -> bool:
        return self.redis.hget(keys.MONITOR_PREFS, f"refuse:{volunteer_id}") == "1"

    def set_refuses(self, volunteer_id: str, refuse: bool) -> None:
        self._flag(f"refuse:{volunteer_id}", refuse)

    def is_mentor(self, username: str) -> bool:
        return self.redis.hget(keys.MONITOR_PREFS, f"mentor:{username}") == "1"

    def set_mentor(self, username: str, mentor: bool) -> None:
        self._flag(f"mentor:{username}", mentor)

    def mentors(self) -> list[str]:
        return sorted(
            f.split(":", 1)[1]
            for f in self.redis.hkeys(keys.MONITOR_PREFS)
            if f.startswith("mentor:")
        )

    def _flag(self, field: str, on: bool) -> None:
        if on:
            self.redis.hset(keys.MONITOR_PREFS, field, "1")
        else:
            self.redis.hdel(keys.MONITOR_PREFS, field)

    def may_monitor(self, account) -> bool:
        return account.is_coordinator or self.is_mentor(account.username)

    # -- sessions --------------------------------------------------------------------------

    def session(self, member: str) -> dict:
        return self.redis.hgetall(keys.monitor(member))

    def session_of_volunteer(self, volunteer_id: str) -> dict | None:
        """The session on the volunteer's current conversation (for their page)."""
        volunteer = self.router.volunteer(volunteer_id)
        if volunteer is None or volunteer.state != "on_call" or not volunteer.offer_member:
            return None
        found = self.session(volunteer.offer_member)
        return found or None

    def live_calls(self) -> list[dict]:
        """Conversations going on now, with their volunteer and any session on them."""
        calls = []
        for volunteer_id in self.router.volunteer_ids():
            volunteer = self.router.volunteer(volunteer_id)
            if volunteer is None or volunteer.state != "on_call" or not volunteer.offer_member:
                continue
            session = self.session(volunteer.offer_member)
            calls.append(
                {
                    "id": volunteer.offer_member,
                    "volunteer": volunteer_id,
                    "volunteer_name": volunteer.name or volunteer_id,
                    "topic": self.redis.hget(keys.party(volunteer.offer_member), "topic") or "",
                    "refuses_listening": self.refuses(volunteer_id),
                    "mentor": session.get("mentor"),
                    "mode": session.get("mode"),
                }
            )
        return sorted(calls, key=lambda c: c["volunteer_name"])

    def logged(self, limit: int = 20) -> list[dict]:
        return [json.loads(x) for x in self.redis.lrange(keys.MONITOR_LOG, 0, limit - 1)]

    def start(self, mentor, member: str, mode: str) -> dict:
        """Ring the mentor's phone into the conversation in ``mode``; raises MonitorError."""
        if mode not in MODES:
            raise MonitorError("monitor_mode_unknown")
        if not self.may_monitor(mentor):
            raise MonitorError("monitor_not_mentor")
        me = self.router.volunteer(mentor.username)
        if me is None or not me.phone:
            raise MonitorError("monitor_no_phone")
        kind, _ = keys.parse_member(member)
        volunteer_id = self._volunteer_on(member)
        if not kind or volunteer_id is None:
            raise MonitorError("monitor_not_on_call")
        result = self.scripts.monitor_start(
            [keys.volunteer(volunteer_id), keys.MONITOR_PREFS, keys.monitor(member)],
            volunteer=volunteer_id,
            member=member,
            mentor=mentor.username,
            mode=mode,
            now=self.clock.now_ms(),
            ttl=SESSION_TTL,
        )
        if result != "started":
            raise MonitorError(NOT_STARTED[result])
        try:
            conference = self._conference(member)
            volunteer = self.router.volunteer(volunteer_id)
            public = self.settings.public_url
            participant = (
                self._twilio()
                .conferences(conference)
                .participants.create(
                    from_=self.settings.phone_number,
                    to=me.phone,
                    label="mentor",
                    beep="false",
                    end_conference_on_exit=False,
                    status_callback=public_url(public, "/voice/mentor/status", member=member),
                    status_callback_event=["answered", "completed"],
                    **participant_options(mode, volunteer.leg),
                )
            )
        except (TwilioRestException, MonitorError) as exc:
            self.end(member)
            log.warning("could not ring the mentor call=%s: %s", member[:70], type(exc).__name__)
            raise MonitorError("monitor_not_on_call") from None
        self.redis.hset(
            keys.monitor(member), mapping={"leg": participant.call_sid, "conference": conference}
        )
        if mode == "join":
            self._announce(member, conference)
        log.info("monitoring started call=%s mentor=%s mode=%s", member[:70], mentor.username, mode)
        return self.session(member)

    def switch(self, mentor, member: str, mode: str) -> dict:
        """Listen, coach or join, from the mode the mentor is in now."""
        if mode not in MODES:
            raise MonitorError("monitor_mode_unknown")
        session = self.session(member)
        if session.get("mentor") != mentor.username or not session.get("leg"):
            return self.start(mentor, member, mode)
        volunteer = self.router.volunteer(session["volunteer"])
        leg = volunteer.leg if volunteer else ""
        options = participant_options(mode, leg)
        try:
            self._twilio().conferences(session["conference"]).participants(session["leg"]).update(
                **options
            )
        except TwilioRestException:
            raise MonitorError("monitor_not_on_call") from None
        modes = session.get("modes", "").split(",")
        self.redis.hset(
            keys.monitor(member),
            mapping={"mode": mode, "modes": ",".join(dict.fromkeys([*modes, mode]))},
        )
        if mode == "join" and session.get("mode") != "join":
            self._announce(member, session["conference"])
        return self.session(member)

    def stop(self, mentor, member: str) -> dict | None:
        """The mentor leaves: their phone leg ends and the session is logged."""
        session = self.session(member)
        if not session or (session.get("mentor") != mentor.username and not mentor.is_coordinator):
            return None
        entry = self.end(member)  # first: the leg's own status callback then finds nothing
        if session.get("leg"):
            try:
                self._twilio().calls(session["leg"]).update(status="completed")
            except TwilioRestException:
                pass  # the leg had ended already
        return entry

    def answered(self, member: str, leg: str) -> None:
        """The mentor picked up: if the conversation is over by now, end their leg (and the
        session) rather than leave them alone in an empty conference."""
        if self._volunteer_on(member) is not None:
            return
        try:
            self._twilio().calls(leg).update(status="completed")
        except TwilioRestException:
            pass  # it ended already
        self.end(member)

    def end(self, member: str) -> dict | None:
        """Log the session and forget it (once: a second end finds nothing)."""
        entry = self.scripts.monitor_end(
            [keys.monitor(member), keys.MONITOR_LOG],
            member=member,
            now=self.clock.now_ms(),
            keep=LOG_KEEP,
        )
        return json.loads(entry) if entry else None

    # -- helpers ---------------------------------------------------------------------------

    def _volunteer_on(self, member: str) -> str | None:
        for volunteer_id in self.router.volunteer_ids():
            volunteer = self.router.volunteer(volunteer_id)
            if volunteer and volunteer.state == "on_call" and volunteer.offer_member == member:
                return volunteer_id
        return None

    def _conference(self, member: str) -> str:
        found = self._twilio().conferences.list(friendly_name=room(member), status="in-progress")
        if not found:
            raise MonitorError("monitor_not_on_call")
        return found[0].sid

    def _announce(self, member: str, conference: str) -> None:
        """Joining is said to both: one sentence in the caller's language."""
        party = self.redis.hget(keys.party(member), "lang") or ""
        url = public_url(self.settings.public_url, "/voice/mentor/announce", lang=party)
        try:
            self._twilio().conferences(conference).update(announce_url=url)
        except TwilioRestException:
            log.warning("could not announce the mentor call=%s", member[:70])
