"""Questions that can wait, asked in the wait: the flow's menus marked ``in_wait`` (who sent
the caller, and which bank or insurer), while the caller already holds their place in line.

The first is asked in the first round of the wait (``first_question``), once per call, and
not at all to a caller who was asked within the repeat window (``enqueue.lua`` decides and
marks the call ``ask_ref``). Their answers go to ``/voice/queue/ask`` (``answer``), in the
queue's wait context: only waitUrl verbs, and when the questions are over the empty answer
sends Twilio back to the wait music. A caller offered to a volunteer meanwhile loses nothing:
the offer takes them out of the queue as at any other moment of the wait.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from helpline.extensions import helpline
from helpline.ivr.engine import Context


def first_question(call: dict, topic: str, lang: str) -> VoiceResponse | None:
    """The first question's TwiML when this call is to be asked and has not been, else None."""
    h = helpline()
    if call.get("ask_ref") != "1" or call.get("ref_at"):
        return None
    queue_step = next((s for s in h.flow.steps.values() if s.type == "queue"), None)
    if queue_step is None or not queue_step.wait_questions:
        return None
    outcome = h.engine.enter(Context(queue_step.wait_questions, lang, topic))
    if outcome.kind != "menu":  # switched off (HELPLINE_ASK_REFERRAL=false)
        return None
    return h.engine.render(outcome)


def answer(args, params) -> VoiceResponse:
    """An answer (or silence) to a question in the wait: the next question, or back to the
    music; the referral is stored with the call when known, and reported once when final."""
    h = helpline()
    engine = h.engine
    ctx = Context.from_args(engine.flow, args)
    if not engine.flow.step(ctx.step).in_wait:
        return VoiceResponse()  # not a question of the wait: back to the music
    if args.get("silent"):
        outcome = engine.silence(ctx)
    elif params.get("Digits") or params.get("SpeechResult"):
        outcome = engine.answer(ctx, params.get("Digits", ""), params.get("SpeechResult", ""))
    else:
        outcome = engine.enter(ctx)
    sid, chosen = params.get("CallSid", ""), outcome.ctx
    if outcome.kind == "menu":
        if chosen.referral and chosen.referral != ctx.referral:
            h.store.referral(sid, chosen.referral, "", final=False)  # the kind, known already
        return engine.render(outcome)
    if chosen.referral:
        h.store.referral(sid, chosen.referral, chosen.org or "", final=True)
    return VoiceResponse()
