"""A conference participant on hold, as Twilio plays it: the participant's ``HoldUrl`` TwiML
(Say, Play, Pause, Redirect; ``<Play loop="0">`` plays until the hold ends) runs while the hold
lasts, from the start again when it runs out; without a ``HoldUrl``, Twilio's own music. The
others in the conference hear nothing of it, and the call stays in the conference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from twilio_sim.twiml import WHISPER_VERBS, AppError

if TYPE_CHECKING:
    from twilio_sim.conferences import Participant
    from twilio_sim.legs import Leg
    from twilio_sim.simulator import Simulator

TWILIO_HOLD_MUSIC = "https://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"


def play_hold(sim: Simulator, leg: Leg, participant: Participant, over: Callable[[], bool]) -> None:
    """Play the hold music on ``leg`` until the participant is taken off hold or the conference
    is ``over`` for them (a hang-up or a REST redirect ends it as anywhere)."""

    def taken_back() -> bool:
        return not participant.hold or over()

    def wait() -> None:
        while not taken_back():
            leg.pass_time(5, until=taken_back)

    url, method = participant.hold_url, participant.hold_method
    while not taken_back():
        if not url:
            leg.record("play", url=TWILIO_HOLD_MUSIC, hold=True)
            wait()
            return
        try:
            root = sim.twiml.fetch(leg, url, method)
        except AppError as error:
            leg.record("app-error", code=error.code, url=url, detail=error.detail)
            url = ""
            continue
        redirected = False
        for verb in root:
            if taken_back():
                return
            if verb.tag == "Redirect":
                url, method = urljoin(url, (verb.text or "").strip()), verb.get("method", "POST")
                redirected = True
                break
            if verb.tag not in WHISPER_VERBS:
                leg.record("ignored", verb=verb.tag, context="hold")
                continue
            if verb.tag == "Play" and verb.get("loop") == "0":
                leg.record("play", url=(verb.text or "").strip(), hold=True)
                wait()
                return
            sim.twiml.verbs[verb.tag](leg, verb, url, "whisper")
        if not redirected:
            url, method = participant.hold_url, participant.hold_method
