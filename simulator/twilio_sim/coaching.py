"""Who hears whom in a conference, as Twilio's Participants resource describes it: a muted
participant is heard by nobody; a coach (``coaching`` with ``call_sid_to_coach``) is heard by
the coached participant only; a participant on hold hears nobody and is heard by nobody;
everyone else hears everyone. Also the conference announcement (``AnnounceUrl``), which every
participant hears.

Tests let a participant speak (``speak``): the words land in the transcript of every leg that
hears them (entries of kind ``heard``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from twilio_sim.conferences import Conference, Participant
    from twilio_sim.simulator import Simulator


def hears(listener: Participant, speaker: Participant) -> bool:
    """Whether ``listener`` hears ``speaker`` (never themselves)."""
    if listener is speaker or listener.hold or speaker.hold or speaker.muted:
        return False
    if speaker.coaching:
        return listener.leg.sid == speaker.call_sid_to_coach
    return True


def speak(sim: Simulator, sid: str, words: str) -> list[str]:
    """The participant on call ``sid`` says ``words``; the legs that heard them."""
    with sim.lock:
        leg = sim.calls.get(sid)
        conference = leg.conference if leg else None
        if conference is None:
            return []
        speaker = conference.participants.get(sid)
        listeners = [p for p in conference.participants.values() if hears(p, speaker)]
    for listener in listeners:
        listener.leg.record("heard", text=words, speaker=sid)
    leg.record("spoke", text=words)
    return [p.leg.sid for p in listeners]


def heard(leg) -> list[str]:
    """What a leg heard other participants say."""
    return [e["text"] for e in leg.entries("heard")]


def apply(participant: Participant, form, *, create: bool = False) -> str | None:
    """REST ``Muted``, ``Coaching`` and ``CallSidToCoach`` on a participant; Twilio's error
    message when coaching has no call to coach."""
    if "Muted" in form:
        participant.muted = form["Muted"].lower() == "true"
    if "Coaching" in form:
        participant.coaching = form["Coaching"].lower() == "true"
    if "CallSidToCoach" in form:
        participant.call_sid_to_coach = form["CallSidToCoach"]
    if participant.coaching and not participant.call_sid_to_coach:
        return "CallSidToCoach is required when Coaching is true"
    return None


def announce(
    sim: Simulator, conference: Conference, url: str, method: str = "POST", only: str = ""
) -> None:
    """``AnnounceUrl``: fetch the TwiML and let every participant (of a participant's
    update: that participant ``only``) hear its ``Say``."""
    params = {"ConferenceSid": conference.sid, "AccountSid": sim.account_sid}
    try:
        response = sim.transport.send(url, method, params)
        root = ET.fromstring(response.content)
    except Exception:  # Twilio plays nothing when the announcement cannot be fetched
        return
    texts = [" ".join("".join(say.itertext()).split()) for say in root.iter("Say")]
    with sim.lock:
        legs = [p.leg for p in conference.participants.values() if not only or p.leg.sid == only]
    for leg in legs:
        for text in texts:
            leg.record("say", text=text, language="", voice="", announcement=True)
