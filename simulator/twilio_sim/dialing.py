"""Ringing phones: the <Dial> verb (a Number or Client, with a screening ``url`` run on the
answered leg before the bridge; a Queue or Conference handed to the part that owns them), and
outbound calls placed through the REST API.

A phone the app may call is a ``PhoneOwner`` added with ``Simulator.add_phone``; any other
number rings without an answer.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from twilio_sim.legs import Bridge, HungUp, Leg
from twilio_sim.people import PhoneOwner
from twilio_sim.twiml import AppError

if TYPE_CHECKING:
    from twilio_sim.simulator import Simulator


class Dialer:
    """Places calls to phones and connects them."""

    def __init__(self, sim: Simulator):
        self.sim = sim

    def _phone(self, number: str) -> PhoneOwner:
        return self.sim.phones.get(number) or PhoneOwner(number, mode="no-answer")

    # -- <Dial> -------------------------------------------------------------------------------

    def dial(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> tuple | None:
        """The <Dial> verb: its result goes to the action URL, as Twilio's ``Dial*`` params."""
        action = urljoin(doc_url, verb.get("action")) if verb.get("action") else ""
        method = verb.get("method", "POST")
        timeout = float(verb.get("timeout", "30") or 30)
        nouns = list(verb)
        if not nouns and (verb.text or "").strip():
            target = ET.Element("Number")
            target.text = verb.text.strip()
            nouns = [target]
        if not nouns:
            raise AppError(12100, doc_url, "Dial without a number, client, queue or conference")
        noun = nouns[0]
        leg.record("dial", noun=noun.tag, target=(noun.text or "").strip())
        if noun.tag == "Queue":
            extra = self.sim.queues.dial(leg, noun, doc_url, timeout)
        elif noun.tag == "Conference":
            extra = self.sim.conferences.join(leg, noun, doc_url)
        else:
            extra = self._dial_number(leg, noun, doc_url, timeout, verb.get("callerId"))
        leg.record("dial-result", **{k: str(v) for k, v in extra.items()})
        if action:
            return ("fetch", action, method, extra)
        return None

    def _dial_number(self, leg: Leg, noun, doc_url: str, timeout: float, caller_id) -> dict:
        sim = self.sim
        to = (noun.text or "").strip()
        if noun.tag == "Client":
            to = f"client:{to}"
        child = Leg(
            sim,
            direction="outbound-dial",
            from_=caller_id or leg.from_,
            to=to,
            person=self._phone(to),
            parent=leg,
        )
        child.status_callback = (
            urljoin(doc_url, noun.get("statusCallback") or "") if noun.get("statusCallback") else ""
        )
        child.status_events = set((noun.get("statusCallbackEvent") or "completed").split())
        sim.register(child)
        outcome = self.ring(child, timeout, caller=leg)
        if outcome != "in-progress":
            return {"DialCallStatus": outcome, "DialCallSid": child.sid, "DialBridged": "false"}
        screen = urljoin(doc_url, noun.get("url")) if noun.get("url") else ""
        if screen:
            try:
                root = sim.twiml.fetch(child, screen, noun.get("method", "POST"))
                step = sim.twiml.execute(child, root, screen, context="main")
                while step is not None:
                    root, url = sim.twiml.follow(child, step)
                    step = (
                        sim.twiml.execute(child, root, url, context="main")
                        if root is not None
                        else None
                    )
            except (HungUp, AppError):
                child.finish("completed")
                return {
                    "DialCallStatus": "no-answer",
                    "DialCallSid": child.sid,
                    "DialBridged": "false",
                }
        bridge = Bridge(a=leg, b=child, started_at=sim.clock.now())
        bridge.ready.set()

        def child_side(c: Leg) -> None:
            try:
                c.stay_bridged(bridge)
            except HungUp:
                pass
            c.finish("completed")

        sim.start(child, child_side)
        try:
            leg.stay_bridged(bridge)
        except HungUp:
            child.hangup_requested = "other side"
            child.poke()
            raise
        child.hangup_requested = child.hangup_requested or "other side"
        child.poke()
        return {
            "DialCallStatus": "completed",
            "DialCallSid": child.sid,
            "DialBridged": "true",
            "DialCallDuration": int(bridge.ended_at - bridge.started_at),
        }

    def ring(
        self, leg: Leg, timeout: float, caller: Leg | None = None, machine_detection: str = ""
    ) -> str:
        """Ring a phone: 'in-progress' when answered, else its final status.

        With ``machine_detection`` (Twilio's answering machine detection on a REST call) the
        answered call says ``AnsweredBy``: ``human``, or for a voicemail ``machine_start``
        (``Enable``) or, once its greeting has played, ``machine_end_beep``
        (``DetectMessageEnd``, so that a message can be left after the beep)."""
        clock = self.sim.clock
        owner = leg.person
        leg.set_status("initiated", "initiated")
        leg.set_status("ringing", "ringing")
        mode = getattr(owner, "mode", "no-answer")
        try:
            if mode in ("busy", "failed"):
                leg.pass_time(1)
                leg.finish(mode)
                return mode
            wait = getattr(owner, "answer_after", 2)
            if mode == "no-answer" or wait > timeout:
                leg.pass_time(timeout)
                leg.finish("no-answer")
                return "no-answer"
            end = clock.now() + wait
            while clock.now() < end:
                if caller is not None:
                    caller.check()
                leg.pass_time(min(1.0, end - clock.now()))
        except HungUp:
            leg.finish("canceled")
            return "canceled"
        leg.answered_at = clock.now()
        leg.answered_by = ""
        if machine_detection and mode == "voicemail":
            leg.answered_by = "machine_start"
            if machine_detection == "DetectMessageEnd":
                leg.answered_by = "machine_end_beep"
        elif machine_detection:
            leg.answered_by = "human"
        if mode == "voicemail":
            leg.person.hangup_after = owner.voicemail_seconds
        leg.set_status("in-progress", "answered")
        if leg.answered_by == "machine_end_beep":
            leg.record("voicemail-greeting", seconds=owner.greeting_seconds)
            leg.pass_time(owner.greeting_seconds)
        return "in-progress"

    # -- outbound calls (REST) ----------------------------------------------------------------

    def create_call(
        self,
        *,
        to: str,
        from_: str,
        url: str = "",
        twiml: str = "",
        method: str = "POST",
        fallback_url: str = "",
        status_callback: str = "",
        status_events: list[str] | None = None,
        status_method: str = "POST",
        timeout: float = 60,
        machine_detection: str = "",
    ) -> Leg:
        """REST: call a phone; once answered, run ``url``'s TwiML (or the inline ``twiml``)."""
        sim = self.sim
        leg = Leg(sim, direction="outbound-api", from_=from_, to=to, person=self._phone(to))
        leg.status_callback = status_callback
        leg.status_events = set(status_events or ["completed"])
        leg.status_method = status_method
        leg.fallback_url = fallback_url
        sim.register(leg)

        def run(call_leg: Leg) -> None:
            try:
                outcome = self.ring(call_leg, timeout, machine_detection=machine_detection)
            except HungUp:
                call_leg.finish("completed")
                return
            if outcome != "in-progress":
                return
            if twiml:
                step = ("twiml", twiml, url)
            else:
                step = ("fetch", url, method, {})
            try:
                root, doc_url = sim.twiml.follow(call_leg, step)
            except AppError:
                sim.twiml.application_error(call_leg)
                return
            except HungUp:
                call_leg.finish("completed")
                return
            sim.twiml.run_document(call_leg, root, doc_url)

        sim.start(leg, run)
        return leg
