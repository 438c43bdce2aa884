"""What callers and volunteers hear when a call is held or handed over (``helpline.handover``
decides; these answer Twilio): the hold music with one sentence, the way into the line of
another topic, and the colleague's phone in a warm hand-over (a short whisper, 1 to join).
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from helpline import twiml
from helpline.extensions import helpline
from helpline.handover import Handover
from helpline.voice.common import lang_of, topic_of
from helpline.voice.volunteer import FAILED, whisper_values

HOLD_SENTENCES = {"hold": "caller_on_hold", "transfer": "caller_warm_transfer"}


def hold_music(args, params) -> VoiceResponse:
    """A held caller's conference HoldUrl: one sentence, then music until taken back."""
    h = helpline()
    lang = lang_of(args.get("lang"))
    response = VoiceResponse()
    twiml.say(response, h.flow, HOLD_SENTENCES.get(args.get("why", ""), "caller_on_hold"), lang)
    if h.settings.hold_music_url:
        response.play(h.settings.hold_music_url, loop=0)
    else:
        response.pause(length=h.settings.wait_segment)
    return response


def into_line(args, params) -> VoiceResponse:
    """A caller handed over to the line of another topic: one sentence, then that line (their
    place was kept when the volunteer handed them over)."""
    h = helpline()
    lang, topic = lang_of(args.get("lang")), topic_of(args.get("topic"))
    response = VoiceResponse()
    name = h.flow.topics[topic].name.get(lang) or topic
    twiml.say(response, h.flow, "caller_transferred", lang, {"topic": name})
    twiml.enqueue(response, twiml.queue_name(topic), topic=topic, lang=lang)
    return response


def _warm(args):
    """The colleague and the caller of a warm hand-over this request is about, if it goes on."""
    h = helpline()
    member, colleague_id = args.get("member", ""), args.get("vol", "")
    colleague = h.router.volunteer(colleague_id) if colleague_id else None
    party = h.store.party(member) if member else None
    if (
        colleague is None
        or party is None
        or colleague.offer_member != member
        or not colleague.offer_warm
        or party.warm_to != colleague_id
        or party.state != "connected"
    ):
        return None, None
    return colleague, party


def colleague_answer(args, params) -> VoiceResponse:
    """The colleague picked up: who hands over what, and 1 to join."""
    h = helpline()
    lang = h.flow.default_language
    response = VoiceResponse()
    colleague, party = _warm(args)
    if colleague is None:
        twiml.say(response, h.flow, "volunteer_caller_gone", lang)
        response.hangup()
        return response
    gather = twiml.gather(
        h.flow,
        lang,
        twiml.url("/voice/handover/press", member=party.member, vol=colleague.id),
        speech=False,
        timeout=8,
    )
    twiml.say(
        gather, h.flow, "volunteer_colleague_whisper", lang, whisper_values(h, party, False, lang)
    )
    response.append(gather)
    response.hangup()  # no key: the caller stays with the first volunteer
    return response


def colleague_press(args, params) -> VoiceResponse:
    """1: the colleague joins the conversation (the three talk); anything else hangs up."""
    h = helpline()
    response = VoiceResponse()
    colleague, party = _warm(args)
    if params.get("Digits") != "1" or colleague is None:
        response.hangup()
        return response
    if not Handover(h).joined(colleague.id, party.member):
        twiml.say(response, h.flow, "volunteer_caller_gone", h.flow.default_language)
        response.hangup()
        return response
    twiml.conference(response, party.member, end_on_exit=False)
    return response


def colleague_status(args, params) -> VoiceResponse:
    """The colleague's phone leg ended: before the first volunteer left, the caller stays with
    them; after, the conversation is the colleague's and ends as any call."""
    member, colleague_id = args.get("member", ""), args.get("vol", "")
    status = params.get("CallStatus", "")
    if member and colleague_id and status in FAILED | {"completed"}:
        Handover(helpline()).colleague_status(colleague_id, member, status)
    return VoiceResponse()
