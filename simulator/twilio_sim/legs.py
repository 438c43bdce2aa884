"""A call leg as Twilio keeps it: its status and status callbacks, its transcript, the passing
of its simulated time, and the interruptions that change its course (a hang-up, a REST
redirect or dequeue, a bridge to another leg).

Each leg runs in its own thread (started by ``Simulator``); everything that waits on a call
waits in ``Leg.pass_time``, which wakes early when the call is hung up or interrupted.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import TYPE_CHECKING

from twilio_sim.people import Answer, Person

if TYPE_CHECKING:
    from twilio_sim.conferences import Conference
    from twilio_sim.queues import Queue
    from twilio_sim.simulator import Simulator

TERMINAL = {"completed", "busy", "failed", "no-answer", "canceled"}


def sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


class HungUp(Exception):
    """This leg's call is over."""


class Interrupted(Exception):
    """REST changed the call's course: redirect, dequeue, or a bridge from <Dial><Queue>."""

    def __init__(self, kind: str, **info):
        super().__init__(kind)
        self.kind, self.info = kind, info


@dataclass
class Bridge:
    """Two legs talking to each other until one hangs up."""

    a: Leg
    b: Leg
    ended: threading.Event = field(default_factory=threading.Event)
    ready: threading.Event = field(default_factory=threading.Event)  # whisper done
    started_at: float = 0.0
    ended_at: float = 0.0

    def other(self, leg: Leg) -> Leg:
        return self.b if leg is self.a else self.a


@dataclass
class Listening:
    """A <Gather> that listens now: from the first word of its prompt to its timeout."""

    inputs: frozenset[str]
    barge_in: bool  # speech stops the prompt (a key always does)
    in_queue: bool
    heard: str = ""  # the words its prompt has said so far

    def accepts(self, answer: Answer) -> bool:
        return bool(
            answer.hangup
            or (answer.digits and "dtmf" in self.inputs)
            or (answer.speech and "speech" in self.inputs)
        )


class Leg:
    """One call leg, as Twilio keeps it."""

    def __init__(
        self,
        sim: Simulator,
        *,
        direction: str,
        from_: str,
        to: str,
        person: Person,
        parent: Leg | None = None,
    ):
        self.sim = sim
        self.sid = sid("CA")
        self.direction = direction
        self.from_, self.to = from_, to
        self.person = person
        self.parent = parent
        self.status = "queued"
        self.created = sim.clock.now()
        self.answered_at: float | None = None
        self.ended_at: float | None = None
        self.transcript: list[dict] = []
        self.wake = threading.Event()
        self.interrupt: Interrupted | None = None
        self.hangup_requested: str | None = None
        self.bridge: Bridge | None = None
        self.queue: Queue | None = None
        self.enqueued_at = 0.0
        self.conference: Conference | None = None
        self.status_callback = ""
        self.status_method = "POST"
        self.status_events: set[str] = {"completed"}
        self.sequence = 0
        self.fallback_url = ""
        self.fallback_method = "POST"
        self.thread: threading.Thread | None = None
        self.done = threading.Event()
        self.answered_by = ""
        self.listening: Listening | None = None  # the <Gather> listening now, if any

    # -- what tests read ------------------------------------------------------------------

    def record(self, kind: str, **info) -> None:
        entry = {"t": round(self.sim.clock.now() - self.created, 2), "kind": kind, **info}
        self.transcript.append(entry)
        if (
            kind == "say"
            and self.person.hangup_when_heard
            and (self.person.hangup_when_heard in info.get("text", ""))
        ):
            self.hangup_requested = self.hangup_requested or "caller"

    def hear(self, answer: Answer, echo: str = "") -> bool:
        """Live input (the browser phone): recorded the moment it is given, and heard only by
        a <Gather> listening for it now; Twilio drops keys pressed when nothing listens."""
        with self.sim.lock:
            listening = self.listening
            heard = listening is not None and listening.accepts(answer) and not self.done.is_set()
            if answer.digits:
                self.record("pressed", digits=answer.digits, heard=heard, echo=echo)
            else:
                self.record("spoke", speech=answer.speech, heard=heard, echo=echo)
            if heard:
                self.person.give(answer)
        self.poke()
        return heard

    def said(self) -> str:
        return " ".join(e["text"] for e in self.transcript if e["kind"] == "say")

    def entries(self, kind: str) -> list[dict]:
        return [e for e in self.transcript if e["kind"] == kind]

    def queue_results(self) -> list[str]:
        return [e["result"] for e in self.entries("queue-result")]

    # -- time and interruptions -----------------------------------------------------------

    def age(self) -> float:
        start = self.answered_at if self.answered_at is not None else self.created
        return self.sim.clock.now() - start

    def check(self) -> None:
        person = self.person
        if (
            person.hangup_after is not None
            and self.answered_at is not None
            and self.age() >= person.hangup_after
            and not self.hangup_requested
        ):
            self.hangup_requested = "caller"
        if self.hangup_requested:
            raise HungUp(self.hangup_requested)
        if self.interrupt is not None:
            interrupt, self.interrupt = self.interrupt, None
            raise interrupt

    def pass_time(self, seconds: float, until: Callable[[], bool] | None = None) -> None:
        """Let simulated time pass, waking early for a hang-up or an interruption (and, given
        ``until``, returning as soon as it is true once the leg is poked)."""
        end = self.sim.clock.now() + seconds
        while True:
            self.check()
            if until is not None and until():
                return
            left = end - self.sim.clock.now()
            if self.person.hangup_after is not None and self.answered_at is not None:
                left = min(left, max(0.0, self.person.hangup_after - self.age()) + 0.01)
            if left <= 0:
                return
            self.wake.clear()
            self.sim.clock.sleep(min(left, 5.0), self.wake)

    def doze(self, seconds: float) -> None:
        """Let up to ``seconds`` pass, back early when poked (live input, a hang-up, an
        interruption). Clear ``wake`` before looking for what would end the doze."""
        self.check()
        if self.person.hangup_after is not None and self.answered_at is not None:
            seconds = min(seconds, max(0.0, self.person.hangup_after - self.age()) + 0.01)
        self.sim.clock.sleep(min(seconds, 5.0), self.wake)
        self.check()

    def poke(self) -> None:
        self.wake.set()

    def stay_bridged(self, bridge: Bridge) -> None:
        """Stay connected until the bridge ends; a hang-up here ends it for both."""
        self.bridge = bridge
        try:
            while not bridge.ended.is_set():
                try:
                    self.pass_time(5)
                except HungUp:
                    bridge.ended.set()
                    bridge.other(self).poke()
                    raise
        finally:
            self.bridge = None
            if not bridge.ended_at:
                bridge.ended_at = self.sim.clock.now()

    # -- what the app hears -----------------------------------------------------------------

    def params(self, **extra) -> dict[str, str]:
        base = {
            "CallSid": self.sid,
            "AccountSid": self.sim.account_sid,
            "From": self.from_,
            "To": self.to,
            "Caller": self.from_,
            "Called": self.to,
            "CallStatus": self.status,
            "ApiVersion": "2010-04-01",
            "Direction": self.direction,
        }
        if self.parent is not None:
            base["ParentCallSid"] = self.parent.sid
        if self.answered_by:
            base["AnsweredBy"] = self.answered_by
        base.update({k: str(v) for k, v in extra.items() if v is not None})
        return base

    def duration(self) -> int:
        if self.answered_at is None:
            return 0
        return int(round((self.ended_at or self.sim.clock.now()) - self.answered_at))

    def set_status(self, status: str, event: str | None = None) -> None:
        """A new status, with its status callback when the app asked for that event."""
        self.status = status
        self.record("status", status=status)
        if event:
            self._status_event(event)

    def finish(self, status: str) -> None:
        """End the call (once): out of its queue, its bridge ended, the final callback sent."""
        if self.status in TERMINAL:
            return
        self.ended_at = self.sim.clock.now()
        with self.sim.lock:
            if self.queue is not None and self in self.queue.members:
                self.queue.members.remove(self)
        if self.bridge is not None:
            self.bridge.ended.set()
            self.bridge.other(self).poke()
        self.set_status(status, "completed")

    def _status_event(self, event: str) -> None:
        if event not in self.status_events or not self.status_callback:
            return
        extra = {
            "Timestamp": formatdate(self.sim.clock.now(), usegmt=False).replace("-0000", "+0000"),
            "SequenceNumber": self.sequence,
            "CallbackSource": "call-progress-events",
        }
        self.sequence += 1
        if self.status in TERMINAL:
            extra["CallDuration"] = self.duration()
            if self.status == "completed":
                extra["Duration"] = (self.duration() + 59) // 60
        self.sim.transport.notify(
            self, self.status_callback, self.params(**extra), self.status_method
        )
