"""The volunteer's phone leg and the bridge: press 1 to take the call, then a conference.

Sequence (see docs/architecture.md): accept → RQ job rings the volunteer (calls.create) →
they answer and hear who is waiting → 1 → the caller is taken out of the Twilio queue
(Queue Members API) into a conference the volunteer joins. No key (voicemail) → the caller
keeps their place. For a callback the citizen is called instead, into the same conference.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

from twilio.base.exceptions import TwilioRestException
from twilio.twiml.voice_response import VoiceResponse

from helpline import hours, keys, twiml
from helpline.extensions import helpline
from helpline.handover import Handover
from helpline.model import Party

log = logging.getLogger("helpline.voice")
FAILED = {"busy", "no-answer", "failed", "canceled"}


def whisper_values(h, party: Party, widened: bool, lang: str) -> dict:
    """What the whisper names: the topic (its staff label), the caller's language when it is
    not the helpline's own, and "outside your topics" when widened. Nothing else: the screen
    shows the rest, and the caller waits while it is said."""
    topic = h.flow.topics.get(party.topic) or h.flow.topics[h.flow.default_topic]
    foreign = party.lang in h.flow.languages and party.lang != h.flow.default_language
    caller = f"volunteer_caller_in_{party.lang}" if foreign else "volunteer_caller"
    return {
        "topic": topic.staff_label(lang),
        "caller": twiml.prompt_text(h.flow, caller, lang),
        "widened": twiml.prompt_text(h.flow, "volunteer_widened", lang) if widened else "",
    }


def answer(args, params) -> VoiceResponse:
    """The volunteer picked up: say in a few words who is waiting and ask for 1 (voicemail
    never presses)."""
    h = helpline()
    member, volunteer_id = args.get("member", ""), args.get("vol", "")
    party = h.store.party(member)
    volunteer = h.router.volunteer(volunteer_id) if volunteer_id else None
    lang = h.flow.default_language  # volunteers hear the helpline's main language
    response = VoiceResponse()
    if party is None or volunteer is None or not party.connecting:
        twiml.say(response, h.flow, "volunteer_caller_gone", lang)
        response.hangup()
        return response
    values = whisper_values(h, party, bool(volunteer.offer and volunteer.offer.widened), lang)
    gather = twiml.gather(
        h.flow,
        lang,
        twiml.url("/voice/volunteer/press", member=member, vol=volunteer_id),
        speech=False,
        timeout=8,
    )
    twiml.say(gather, h.flow, "volunteer_whisper", lang, values)
    response.append(gather)
    twiml.say(response, h.flow, "volunteer_no_key", lang)
    response.hangup()
    return response


def press(args, params) -> VoiceResponse:
    """The volunteer pressed a key: 1 connects at once (no closing sentence: the caller is
    waiting), anything else hangs up (the caller keeps their place)."""
    h = helpline()
    member, volunteer_id = args.get("member", ""), args.get("vol", "")
    lang = h.flow.default_language
    response = VoiceResponse()
    if params.get("Digits") != "1":
        twiml.say(response, h.flow, "volunteer_no_key", lang)
        response.hangup()
        return response
    if keys.is_callback(member):
        return _call_citizen(response, member, volunteer_id, lang)
    party = h.store.party(member)
    connecting = party is not None and party.connecting
    if not connecting or not _dequeue(party):
        if connecting:  # Twilio would not hand the caller over: keep their place
            h.router.connect_failed(volunteer_id, member, "dequeue_failed")
        twiml.say(response, h.flow, "volunteer_caller_gone", lang)
        response.hangup()
        return response
    if h.router.connected(volunteer_id, member) != "connected":
        twiml.say(response, h.flow, "volunteer_caller_gone", lang)
        response.hangup()
        return response
    twiml.conference(response, member)
    return response


def _dequeue(caller: Party) -> bool:
    """Take exactly this caller out of Twilio's queue into the conference."""
    h = helpline()
    call_sid = keys.parse_member(caller.member)[1]
    queue_sid = caller.queue_sid or _queue_sid(twiml.queue_name(caller.topic))
    if not queue_sid:
        return False
    try:
        h.twilio.queues(queue_sid).members(call_sid).update(
            url=twiml.url("/voice/bridge", member=caller.member, lang=caller.lang), method="POST"
        )
    except TwilioRestException as exc:
        log.warning("dequeue failed call=%s status=%s", call_sid[:40], exc.status)
        return False
    return True


def _queue_sid(name: str) -> str | None:
    for queue in helpline().twilio.queues.list():
        if queue.friendly_name == name:
            return queue.sid
    return None


MEMBER = re.compile(r"^[cb]:[A-Za-z0-9_-]{1,64}$")


def bridge(args, params) -> VoiceResponse:
    """The caller's side: into the conference with the volunteer; goodbye when it ends."""
    h = helpline()
    lang = args.get("lang") if args.get("lang") in h.flow.languages else h.flow.default_language
    member = args.get("member", "")
    if not MEMBER.match(member):  # not a conversation we set up: the menu's safe answer
        from helpline.voice.caller import sorry_then_queue

        return sorry_then_queue(lang)
    response = VoiceResponse()
    twiml.say(response, h.flow, "connected_caller", lang)
    twiml.conference(response, member)
    twiml.say(response, h.flow, "conversation_over", lang)
    return response


def _call_citizen(response, member: str, volunteer_id: str, lang: str) -> VoiceResponse:
    """A callback: the volunteer is on the line, now ring the citizen into the conference."""
    h = helpline()
    if h.jobs:
        h.jobs.call_citizen(volunteer_id, member)
    twiml.say(response, h.flow, "volunteer_calling_citizen", lang)
    twiml.conference(response, member)
    return response


def status(args, params) -> VoiceResponse:
    """The volunteer leg's progress: no conversation means the caller keeps their place."""
    h = helpline()
    member, volunteer_id = args.get("member", ""), args.get("vol", "")
    call_status = params.get("CallStatus", "")
    if not member or not volunteer_id or call_status not in FAILED | {"completed"}:
        return VoiceResponse()
    volunteer = h.router.volunteer(volunteer_id)
    if volunteer is None or volunteer.offer_member != member:
        return VoiceResponse()
    current_leg = volunteer.leg
    if current_leg and params.get("CallSid") != current_leg:
        return VoiceResponse()  # an older leg of this volunteer: not this attempt
    if volunteer.state == "on_call":
        if call_status == "completed" and volunteer.handover:
            Handover(h).first_left(volunteer, member)  # they were handing the caller over
        elif call_status == "completed":
            h.router.call_done(volunteer_id, member)
    elif volunteer.state == "connecting":
        reason = call_status if call_status in FAILED else "no_key_pressed"
        h.router.connect_failed(volunteer_id, member, reason)
    return VoiceResponse()


def citizen_answer(args, params) -> VoiceResponse:
    """A citizen we call back picked up: greet them and join the volunteer's conference."""
    h = helpline()
    member, volunteer_id = args.get("member", ""), args.get("vol", "")
    callback = h.store.party(member) if keys.is_callback(member) else None
    lang = callback.lang if callback and callback.lang in h.flow.languages else None
    lang = lang or h.flow.default_language
    response = VoiceResponse()
    if params.get("AnsweredBy", "").startswith(("machine", "fax")):
        # a voicemail is not the citizen: a short message after the beep, and the status
        # callback counts the try as unanswered (another try later)
        if params["AnsweredBy"].startswith("machine"):
            twiml.say(response, h.flow, "callback_voicemail", lang)
        response.hangup()
        return response
    if callback is None or h.router.connected(volunteer_id, member) != "connected":
        twiml.say(response, h.flow, "callback_give_up", lang)
        response.hangup()
        return response
    twiml.say(response, h.flow, "callback_citizen_greeting", lang)
    twiml.conference(response, member)
    twiml.say(response, h.flow, "conversation_over", lang)
    return response


def citizen_status(args, params) -> VoiceResponse:
    """The citizen's leg ended: unanswered (or voicemail) means another try later."""
    h = helpline()
    member, volunteer_id = args.get("member", ""), args.get("vol", "")
    call_status = params.get("CallStatus", "")
    if not keys.is_callback(member) or call_status not in FAILED | {"completed"}:
        return VoiceResponse()
    callback = h.store.party(member)
    if callback is None or not callback.connecting:
        return VoiceResponse()  # connected calls end through the volunteer's leg
    why = "voicemail" if params.get("AnsweredBy", "").startswith("machine") else call_status
    now = h.store.clock.now()
    retry_at = now.timestamp() + h.settings.callback_retry_minutes * 60
    schedule = h.hours.schedule()
    moment = datetime.fromtimestamp(retry_at, tz=UTC)
    if not hours.status(schedule, moment).open:
        opening = hours.next_opening(schedule, moment)
        retry_at = opening.timestamp() if opening else retry_at
    result, volunteer_leg = h.router.callback_unanswered(
        volunteer_id, member, why, int(retry_at * 1000)
    )
    if result != "stale" and h.jobs:
        if volunteer_leg:
            h.jobs.end_volunteer_leg(volunteer_leg, h.flow.default_language)
        if result == "retry":
            h.jobs.callback_due(retry_at - now.timestamp())
    return VoiceResponse()
