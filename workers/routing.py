"""Routing jobs: small, idempotent, primitive arguments."""

from __future__ import annotations

import logging

from twilio.base.exceptions import TwilioRestException

from helpline import keys
from helpline.handover import Handover
from helpline.model import Volunteer
from helpline.twiml import public_url
from workers.periodic import scheduled

log = logging.getLogger("workers.routing")


def _state():
    from workers import state

    return state()


def expire_offer(volunteer_id: str, member: str) -> str:
    """The offer's time is up (does nothing if it was answered meanwhile)."""
    return _state().router.expire(volunteer_id, member)


def end_wrapup(volunteer_id: str) -> str:
    return _state().router.end_wrapup(volunteer_id, only_if_due=True)


def rematch_line(topic: str, lang: str) -> str | None:
    """A caller may have waited long enough to widen: look again."""
    return _state().router.match_line(topic, lang)


def rematch_volunteer(volunteer_id: str) -> str | None:
    """The volunteer's pause from a caller they passed on is over: look again."""
    return _state().router.match_volunteer(volunteer_id)


def ring_volunteer(volunteer_id: str, member: str) -> str:
    """The volunteer accepted: ring their phone; they must press 1 before we connect."""
    h = _state()
    volunteer = h.router.volunteer(volunteer_id)
    if volunteer is None or volunteer.state != "connecting" or volunteer.offer_member != member:
        return "stale"
    if volunteer.leg:
        return "already-ringing"
    public = h.settings.public_url
    params = {"member": member, "vol": volunteer_id}
    call = h.twilio.calls.create(
        to=volunteer.phone,
        from_=h.settings.phone_number,
        url=public_url(public, "/voice/volunteer/answer", **params),
        status_callback=public_url(public, "/voice/volunteer/status", **params),
        status_callback_event=["initiated", "ringing", "answered", "completed"],
        timeout=h.settings.ring_timeout,
    )
    log.info("ringing volunteer=%s leg=%s", volunteer_id, call.sid)
    if h.router.attach_leg(volunteer_id, member, call.sid) != "attached":
        cancel_leg(call.sid)  # the caller hung up while we dialled
        return "cancelled"
    return "ringing"


def call_citizen(volunteer_id: str, member: str) -> str:
    """A callback: the volunteer is on the line; ring the citizen into their conference."""
    h = _state()
    callback = h.store.party(member)
    volunteer = h.router.volunteer(volunteer_id)
    if (
        callback is None
        or not callback.number
        or not callback.connecting
        or volunteer is None
        or volunteer.offer_member != member
    ):
        return "stale"
    if callback.citizen_leg:  # a retried job after the call was placed
        return "already-ringing"
    public = h.settings.public_url
    params = {"member": member, "vol": volunteer_id}
    try:
        call = h.twilio.calls.create(
            to=callback.number,
            from_=h.settings.phone_number,
            url=public_url(public, "/voice/callback/citizen", **params),
            status_callback=public_url(public, "/voice/callback/citizen-status", **params),
            status_callback_event=["answered", "completed"],
            timeout=h.settings.ring_timeout,
            # a voicemail is told after its beep that we will try again (callback_voicemail)
            machine_detection="DetectMessageEnd",
        )
    except TwilioRestException as exc:
        # Twilio's message can quote the number it could not call: keep it out of the logs
        # and out of RQ's failed-job registry; the code and status say enough
        raise RuntimeError(
            f"calling the citizen failed: Twilio {exc.code} ({exc.status})"
        ) from None
    if h.router.callback_attempt(volunteer_id, member, call.sid) == 0:
        cancel_leg(call.sid)
        return "cancelled"
    return "ringing"


def _say_and_hang_up(h, call_sid: str, prompt: str, lang: str) -> bool:
    """Replace what a live call is doing with one prompt and a hang-up; False when the call
    was already over."""
    from twilio.twiml.voice_response import VoiceResponse

    from helpline import twiml

    response = VoiceResponse()
    twiml.say(response, h.flow, prompt, lang)
    response.hangup()
    try:
        h.twilio.calls(call_sid).update(twiml=str(response))
    except TwilioRestException as exc:
        if exc.status in (400, 404):
            return False
        raise
    return True


def tell_volunteer_unreachable(leg_sid: str, lang: str) -> str:
    """Take the volunteer out of the empty conference with a short explanation."""
    told = _say_and_hang_up(_state(), leg_sid, "volunteer_citizen_unreachable", lang)
    return "told" if told else "over"


def end_lone_caller(member: str) -> str:
    """After a conversation ended: a caller still on the line sits alone in the volunteer's
    conference (the volunteer hung up before they joined). They go back to the front of their
    line with their original arrival, and are told so in one sentence; only when that cannot
    be done are they told and the call ended, rather than left in silence."""
    from twilio.twiml.voice_response import VoiceResponse

    from helpline import twiml

    h = _state()
    sid = member.split(":", 1)[1]
    try:
        call = h.twilio.calls(sid).fetch()
    except TwilioRestException as exc:
        if exc.status == 404:
            return "over"
        raise
    if call.status != "in-progress":
        return "over"
    party = h.store.party(member)
    topic, lang = (party.topic, party.lang) if party else ("", "")
    lang = lang if lang in h.flow.languages else h.flow.default_language
    if topic in h.flow.topics and h.store.back_in_line(sid) == "queued":
        public = h.settings.public_url
        response = VoiceResponse()
        twiml.say(response, h.flow, "back_in_line", lang)
        response.enqueue(
            twiml.queue_name(topic),
            action=public_url(public, "/voice/queue/done", lang=lang, topic=topic),
            method="POST",
            wait_url=public_url(public, "/voice/queue/wait", lang=lang, topic=topic),
            wait_url_method="POST",
        )
        try:
            h.twilio.calls(sid).update(twiml=str(response))
        except TwilioRestException as exc:
            if exc.status not in (400, 404):
                raise
            from helpline.routing.lifecycle import caller_hung_up

            caller_hung_up(h, sid, "completed")  # gone meanwhile: not left in the line
            return "over"
        h.router.match_line(topic, lang)
        log.info("a lone caller is back at the front of the line call=%s", sid)
        return "back_in_line"
    if not _say_and_hang_up(h, sid, "conversation_over_alone", lang):
        return "over"
    log.info("ended a lone caller call=%s", sid)
    return "ended"


def release_callbacks() -> int:
    return _state().router.release_due_callbacks()


def cancel_leg(leg_sid: str) -> str:
    """Stop a volunteer's phone from ringing (or end the leg) after the caller hung up."""
    h = _state()
    try:
        call = h.twilio.calls(leg_sid).fetch()
        if call.status in ("queued", "ringing", "initiated"):
            h.twilio.calls(leg_sid).update(status="canceled")
        elif call.status == "in-progress":
            h.twilio.calls(leg_sid).update(status="completed")
    except TwilioRestException as exc:
        if exc.status in (400, 404):  # already over
            return "over"
        raise
    return "cancelled"


@scheduled
def repair_routing() -> dict:
    """Periodic repair: expired offers, due wrap-ups and callbacks, missed matches."""
    h = _state()
    router = h.router
    now = router.clock.now_ms()
    fixed = {"expired": 0, "wrapups": 0, "lost_status": 0}
    stuck_ms = (h.settings.ring_timeout + h.settings.offer_timeout + 30) * 1000
    for volunteer_id in router.volunteer_ids():
        volunteer = router.volunteer(volunteer_id)
        if volunteer is None:
            continue
        if volunteer.offer_warm and volunteer.state in ("connecting", "on_call"):
            # rung for a warm hand-over: ended when their leg ended unheard, or never rang
            fixed["lost_status"] += Handover(h).repair(volunteer, now)
        elif volunteer.state == "offered" and volunteer.offer and volunteer.offer.expired(now):
            if router.expire(volunteer_id, volunteer.offer_member) not in ("stale", "not-yet"):
                fixed["expired"] += 1
        elif (
            volunteer.state == "connecting"
            and not volunteer.leg
            and now - (volunteer.state_since or now) > stuck_ms
        ):
            # accepted, but the volunteer's phone was never rung (a lost or failing job)
            router.connect_failed(volunteer_id, volunteer.offer_member, "not_rung")
            fixed["expired"] += 1
        elif volunteer.state in ("connecting", "on_call") and volunteer.leg:
            fixed["lost_status"] += _check_leg(h, volunteer, now)
        elif volunteer.state == "wrapup" and now >= volunteer.wrapup_until:
            if router.end_wrapup(volunteer_id, only_if_due=True) == "available":
                fixed["wrapups"] += 1
    fixed["vanished"] = len(router.vanished(now))
    fixed["callbacks"] = router.release_due_callbacks()
    fixed["gone"] = _forget_vanished_callers(h, now)
    fixed["matched"] = router.match_everyone()
    return fixed


LEG_CHECK_AFTER_MS = 60 * 1000
TERMINAL = ("completed", "busy", "failed", "no-answer", "canceled")


def _check_leg(h, volunteer: Volunteer, now: int) -> int:
    """A volunteer connecting or talking for a while: ask Twilio whether their phone leg is
    still there. A status callback lost in an outage (Twilio does not resend them) would
    otherwise keep the volunteer busy for ever."""
    if now - (volunteer.state_since or now) < LEG_CHECK_AFTER_MS:
        return 0
    try:
        status = h.twilio.calls(volunteer.leg).fetch().status
    except TwilioRestException as exc:
        if exc.status != 404:
            raise
        status = "completed"
    if status not in TERMINAL:
        return 0
    member = volunteer.offer_member
    if volunteer.state == "on_call":
        return int(h.router.call_done(volunteer.id, member) == "wrapup")
    return int(h.router.connect_failed(volunteer.id, member, status) != "stale")


STALE_AFTER_MS = 10 * 60 * 1000  # a waiting caller's waitUrl is requested far more often


def _forget_vanished_callers(h, now: int) -> int:
    """Callers still in a line whose call ended without a status callback reaching us."""
    from helpline.routing.lifecycle import caller_hung_up

    gone = 0
    for topic in h.flow.topics:
        for lang in h.flow.languages:
            for member in h.store.in_line(topic, lang):
                kind, sid = keys.parse_member(member)
                party = h.store.party(member) if kind == "call" else None
                if party is None:
                    continue
                if now - party.last_seen_ms < STALE_AFTER_MS:
                    continue
                try:
                    status = h.twilio.calls(sid).fetch().status
                except TwilioRestException as exc:
                    status = "completed" if exc.status == 404 else ""
                if status in ("completed", "busy", "failed", "no-answer", "canceled"):
                    caller_hung_up(h, sid, status)
                    gone += 1
    return gone
