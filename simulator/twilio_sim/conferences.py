"""Twilio's conferences: <Dial><Conference> joins (starting the conference when a second
participant arrives and one of them starts it), leaving (ending it when a participant with
``endConferenceOnExit`` or the last one leaves), the conference status callbacks with their
SequenceNumber, and the REST API's end of a conference.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from twilio_sim.holding import play_hold
from twilio_sim.legs import HungUp, Interrupted, Leg, sid

if TYPE_CHECKING:
    from twilio_sim.simulator import Simulator


@dataclass
class Participant:
    leg: Leg
    start_on_enter: bool = True
    end_on_exit: bool = False
    muted: bool = False
    hold: bool = False
    label: str = ""
    hold_url: str = ""
    hold_method: str = "GET"
    coaching: bool = False  # heard only by the participant on call ``call_sid_to_coach``
    call_sid_to_coach: str = ""


@dataclass
class Conference:
    sid: str
    name: str
    status: str = "init"
    participants: dict = field(default_factory=dict)
    status_callback: str = ""
    events: set = field(default_factory=set)
    sequence: int = 0
    ended: threading.Event = field(default_factory=threading.Event)
    created: float = field(default_factory=time.time)


class Conferences:
    """The account's conferences and the calls in them."""

    def __init__(self, sim: Simulator):
        self.sim = sim
        self.by_sid: dict[str, Conference] = {}

    def get(self, conference_sid: str) -> Conference | None:
        with self.sim.lock:
            return self.by_sid.get(conference_sid)

    def all(self) -> list[Conference]:
        with self.sim.lock:
            return list(self.by_sid.values())

    def named(self, name: str, create: bool = True) -> Conference | None:
        """The conference of that name that has not ended (a new one when ``create``)."""
        with self.sim.lock:
            for conference in self.by_sid.values():
                if conference.name == name and conference.status != "completed":
                    return conference
            if not create:
                return None
            conference = Conference(sid("CF"), name)
            self.by_sid[conference.sid] = conference
            return conference

    def _event(self, conference: Conference, event: str, leg: Leg | None = None, **extra) -> None:
        short = event.split("-", 1)[-1] if event.startswith("participant-") else event.split("-")[1]
        if not conference.status_callback or short not in conference.events:
            return
        sim = self.sim
        params = {
            "ConferenceSid": conference.sid,
            "FriendlyName": conference.name,
            "AccountSid": sim.account_sid,
            "SequenceNumber": str(conference.sequence),
            "Timestamp": formatdate(sim.clock.now()),
            "StatusCallbackEvent": event,
        }
        conference.sequence += 1
        if leg is not None:
            params["CallSid"] = leg.sid
        params.update({k: str(v) for k, v in extra.items()})
        recorded_on = leg or next(iter(sim.calls.values()))
        sim.transport.notify(recorded_on, conference.status_callback, params)

    def join(self, leg: Leg, noun: ET.Element, doc_url: str) -> dict:
        """<Dial><Conference>: stay in the conference until it ends, or this leg leaves."""
        sim = self.sim
        name = (noun.text or "").strip()
        conference = self.named(name)
        participant = Participant(
            leg,
            start_on_enter=noun.get("startConferenceOnEnter", "true") == "true",
            end_on_exit=noun.get("endConferenceOnExit", "false") == "true",
            muted=noun.get("muted", "false") == "true",
            label=noun.get("participantLabel", ""),
            coaching=bool(noun.get("coach")),
            call_sid_to_coach=noun.get("coach", ""),
        )
        with sim.lock:
            if not conference.participants:
                callback = noun.get("statusCallback")
                conference.status_callback = urljoin(doc_url, callback) if callback else ""
                conference.events = set((noun.get("statusCallbackEvent") or "start end").split())
            conference.participants[leg.sid] = participant
            leg.conference = conference
            starts = (
                conference.status == "init"
                and len(conference.participants) >= 2
                and any(p.start_on_enter for p in conference.participants.values())
            )
            if starts:
                conference.status = "in-progress"
        leg.record("conference-join", name=name)
        self._event(conference, "participant-join", leg)
        if starts:
            self._event(conference, "conference-start")
        joined_at = sim.clock.now()
        reason = "participant_hung_up"

        def gone() -> bool:
            return conference.ended.is_set() or leg.sid not in conference.participants

        try:
            while not gone():
                if participant.hold:
                    play_hold(sim, leg, participant, gone)  # until taken off hold
                else:
                    leg.pass_time(5, until=lambda: participant.hold or gone())
            reason = "conference_ended_via_api" if conference.ended.is_set() else "kicked"
        except (HungUp, Interrupted) as left:
            if isinstance(left, Interrupted):
                reason = "participant_updated_via_api"  # a REST redirect took the call away
            self._leave(conference, leg, reason)
            raise
        self._leave(conference, leg, reason)
        return {
            "DialCallStatus": "answered",
            "DialBridged": "true",
            "DialCallDuration": int(sim.clock.now() - joined_at),
        }

    def _leave(self, conference: Conference, leg: Leg, reason: str) -> None:
        with self.sim.lock:
            participant = conference.participants.pop(leg.sid, None)
            leg.conference = None
            ends = conference.status != "completed" and (
                (participant is not None and participant.end_on_exit) or not conference.participants
            )
            if ends:
                conference.status = "completed"
                others = list(conference.participants.values())
                conference.participants.clear()
        leg.record("conference-leave", name=conference.name, reason=reason)
        self._event(conference, "participant-leave", leg, ReasonParticipantLeft=reason)
        if ends:
            conference.ended.set()
            for other in others:
                other.leg.poke()
            self._event(conference, "conference-end", ReasonConferenceEnded="last-participant-left")

    def end(self, conference: Conference) -> None:
        """REST: end the conference; every participant's Dial returns."""
        with self.sim.lock:
            conference.status = "completed"
            legs = [p.leg for p in conference.participants.values()]
            conference.participants.clear()
        conference.ended.set()
        for leg in legs:
            leg.poke()
