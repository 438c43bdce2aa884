"""The webhook routes. Thin: read the request, call one function, answer TwiML."""

from __future__ import annotations

from flask import request

from helpline import twiml
from helpline.voice import (  # noqa: F401  (their routes join bp)
    caller,
    handover,
    mentor,
    params,
    questions,
    sms,
    voice_route,
    volunteer,
)
from helpline.voice.callback import callback_dialog


def _in_queue_or_menu(lang: str):
    """Fallback for the callback dialog: inside the queue only waitUrl verbs are allowed."""
    if request.args.get("ctx") == "wait":
        return caller.sorry_keep_waiting(lang)
    if request.args.get("ctx") == "closed":
        return caller.sorry_closed(lang)
    return caller.sorry_then_queue(lang)


def _after_queue(lang: str):
    return caller.after_queue_failed(
        lang, params().get("QueueResult", ""), request.args.get("topic")
    )


@voice_route("/incoming", fallback=caller.sorry_then_queue)
def incoming():
    return twiml.reply(caller.incoming(params()))


@voice_route("/step", fallback=caller.sorry_then_queue)
def step():
    return twiml.reply(caller.step(request._get_current_object(), params()))


@voice_route("/queue/wait", fallback=caller.sorry_keep_waiting, replay=True)
def queue_wait():
    return twiml.reply(caller.wait_round(request.args, params()))


@voice_route("/queue/key", fallback=caller.sorry_keep_waiting, replay=True)
def queue_key():
    return twiml.reply(caller.wait_key(request.args, params()))


@voice_route("/queue/ask", fallback=caller.sorry_keep_waiting, replay=True)
def queue_ask():
    """An answer to a question asked in the wait (who sent the caller)."""
    return twiml.reply(questions.answer(request.args, params()))


@voice_route("/queue/done", fallback=_after_queue, replay=True)
def queue_done():
    return twiml.reply(caller.queue_done(request.args, params()))


@voice_route("/callback", fallback=_in_queue_or_menu, replay=True)
def callback():
    return twiml.reply(callback_dialog(request.args, params()))


@voice_route("/status", fallback=caller.empty)
def status():
    return twiml.reply(caller.status(params()))


@voice_route("/fallback", fallback=caller.sorry_then_queue)
def fallback():
    """Twilio's fallback URL: our primary answer failed, so apologise and queue."""
    return twiml.reply(caller.sorry_then_queue(request.args.get("lang", "")))


@voice_route("/volunteer/answer", fallback=caller.empty, replay=True)
def volunteer_answer():
    """The volunteer's phone was answered (calls.create Url)."""
    return twiml.reply(volunteer.answer(request.args, params()))


@voice_route("/volunteer/press", fallback=caller.empty, replay=True)
def volunteer_press():
    return twiml.reply(volunteer.press(request.args, params()))


@voice_route("/volunteer/status", fallback=caller.empty)
def volunteer_status():
    return twiml.reply(volunteer.status(request.args, params()))


@voice_route("/bridge", fallback=caller.sorry_then_queue, replay=True)
def bridge():
    """The caller, taken out of the queue, joins the volunteer's conference."""
    sms.keep_number(request.args.get("member", ""), params().get("From"))
    return twiml.reply(volunteer.bridge(request.args, params()))


@voice_route("/callback/citizen", fallback=caller.empty, replay=True)
def callback_citizen():
    """A citizen we call back answered (calls.create Url)."""
    sms.keep_number(request.args.get("member", ""), params().get("To"))
    return twiml.reply(volunteer.citizen_answer(request.args, params()))


@voice_route("/callback/citizen-status", fallback=caller.empty)
def callback_citizen_status():
    return twiml.reply(volunteer.citizen_status(request.args, params()))


@voice_route("/hold", fallback=caller.empty)
def hold():
    """A held caller's music (the conference participant's HoldUrl)."""
    return twiml.reply(handover.hold_music(request.args, params()))


@voice_route("/handover/line", fallback=caller.sorry_then_queue, replay=True)
def handover_line():
    """A caller handed over to the line of another topic."""
    return twiml.reply(handover.into_line(request.args, params()))


@voice_route("/handover/answer", fallback=caller.empty, replay=True)
def handover_answer():
    """A colleague's phone, rung for a warm hand-over, was answered."""
    return twiml.reply(handover.colleague_answer(request.args, params()))


@voice_route("/handover/press", fallback=caller.empty, replay=True)
def handover_press():
    return twiml.reply(handover.colleague_press(request.args, params()))


@voice_route("/handover/status", fallback=caller.empty)
def handover_status():
    return twiml.reply(handover.colleague_status(request.args, params()))
