"""Twilio's call queues: <Enqueue> with its waitUrl loop and its action's ``QueueResult``,
<Dial><Queue> that bridges the caller at the front (after a whisper ``url``), and the REST
dequeue that sends a member to another URL.

A queue holds legs in order; a waiting leg runs its wait TwiML in its own thread and learns
of a dequeue or a bridge through ``Leg.interrupt``.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from twilio_sim.legs import Bridge, HungUp, Interrupted, Leg, sid
from twilio_sim.twiml import AppError, Left

if TYPE_CHECKING:
    from twilio_sim.simulator import Simulator


@dataclass
class Queue:
    sid: str
    name: str
    max_size: int = 1000
    members: list = field(default_factory=list)  # legs, in order
    created: float = field(default_factory=time.time)


class Queues:
    """The account's queues and what calls do with them."""

    def __init__(self, sim: Simulator, *, notify_redirected_action: bool = True):
        self.sim = sim
        self.notify_redirected_action = notify_redirected_action
        self.by_sid: dict[str, Queue] = {}

    def get(self, queue_sid: str) -> Queue | None:
        with self.sim.lock:
            return self.by_sid.get(queue_sid)

    def all(self) -> list[Queue]:
        with self.sim.lock:
            return list(self.by_sid.values())

    def named(self, name: str, create: bool = True) -> Queue | None:
        with self.sim.lock:
            for queue in self.by_sid.values():
                if queue.name == name:
                    return queue
            if not create:
                return None
            queue = Queue(sid("QU"), name)
            self.by_sid[queue.sid] = queue
            return queue

    # -- <Enqueue> ----------------------------------------------------------------------------

    def enqueue(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> tuple | None:
        """The <Enqueue> verb: wait in line until dequeued, bridged, left or hung up."""
        sim = self.sim
        name = (verb.text or "").strip()
        action = urljoin(doc_url, verb.get("action")) if verb.get("action") else ""
        method = verb.get("method", "POST")
        wait_url = verb.get("waitUrl")
        wait_url = urljoin(doc_url, wait_url) if wait_url else ""
        if not name or len(name) > 64:
            raise AppError(12100, doc_url, "Enqueue needs a queue name of at most 64 characters")
        queue = self.named(name)
        with sim.lock:
            full = len(queue.members) >= queue.max_size
            if not full:
                queue.members.append(leg)
                leg.queue = queue
                leg.enqueued_at = sim.clock.now()
        if full:
            return self._left(leg, queue, "queue-full", action, method, enqueued=False)
        leg.record("enqueued", queue=name)
        follow: tuple | None = None
        try:
            result = self._wait(leg, queue, wait_url, verb.get("waitUrlMethod", "POST"))
        except Interrupted as interrupt:
            if interrupt.kind == "bridge":
                return self._bridged(leg, queue, interrupt.info, action, method)
            result = "redirected"  # a dequeue or a redirect through REST
            follow = sim.twiml.after_interrupt(interrupt)
        except HungUp:
            self._left(leg, queue, "hangup", action, method)
            raise
        if result == "redirected":
            self._left(
                leg,
                queue,
                result,
                action if self.notify_redirected_action else "",
                method,
                notify_only=True,
            )
            return follow
        return self._left(leg, queue, result, action, method)

    def _wait(self, leg: Leg, queue: Queue, wait_url: str, wait_method: str) -> str:
        """Run the wait TwiML in a loop; the QueueResult when it ends by itself."""
        sim = self.sim
        while True:
            leg.check()
            if not wait_url:
                leg.pass_time(10)
                continue
            with sim.lock:
                position = queue.members.index(leg) + 1 if leg in queue.members else 0
                size = len(queue.members)
                waits = [sim.clock.now() - m.enqueued_at for m in queue.members]
            extra = {
                "QueuePosition": position,
                "QueueSid": queue.sid,
                "QueueTime": int(sim.clock.now() - leg.enqueued_at),
                "AvgQueueTime": int(sum(waits) / len(waits)) if waits else 0,
                "CurrentQueueSize": size,
                "MaxQueueSize": queue.max_size,
            }
            url, method = wait_url, wait_method
            while url:
                try:
                    root = sim.twiml.fetch(leg, url, method, **extra)
                    step = sim.twiml.execute(leg, root, url, context="wait")
                except AppError as error:
                    leg.record("app-error", code=error.code, url=url, detail=error.detail)
                    return "error"
                except Left:
                    return "leave"
                url = ""
                if step is not None and step[0] == "fetch":
                    _, url, method, more = step
                    extra = {**extra, **more}

    def _left(
        self,
        leg: Leg,
        queue: Queue,
        result: str,
        action: str,
        method: str,
        *,
        enqueued: bool = True,
        notify_only: bool = False,
    ):
        """Out of the queue: record the QueueResult and tell the Enqueue action about it."""
        sim = self.sim
        with sim.lock:
            if leg in queue.members:
                queue.members.remove(leg)
            leg.queue = None
        queue_time = int(sim.clock.now() - leg.enqueued_at) if enqueued else 0
        leg.record("queue-result", result=result, queue=queue.name, queue_time=queue_time)
        extra = {"QueueResult": result}
        if enqueued:
            extra.update(QueueSid=queue.sid, QueueTime=queue_time)
        if not action:
            return None
        if result == "hangup" or notify_only:
            try:
                sim.twiml.fetch(leg, action, method, **extra)
            except AppError as error:
                leg.record("app-error", code=error.code, url=action, detail=error.detail)
            return None
        return ("fetch", action, method, extra)

    def _bridged(self, leg: Leg, queue: Queue, info: dict, action: str, method: str):
        """A <Dial><Queue> took this member: hear the whisper, then talk until one hangs up."""
        sim = self.sim
        bridge: Bridge = info["bridge"]
        whisper = info.get("url")
        if whisper:
            try:
                root = sim.twiml.fetch(
                    leg,
                    whisper,
                    info.get("method", "POST"),
                    QueueSid=queue.sid,
                    QueueTime=int(sim.clock.now() - leg.enqueued_at),
                    DequeingCallSid=bridge.a.sid,
                )
                sim.twiml.execute(leg, root, whisper, context="whisper")
            except AppError as error:
                leg.record("app-error", code=error.code, url=whisper, detail=error.detail)
            except HungUp:
                bridge.ended.set()
                bridge.a.poke()
                bridge.ready.set()
                raise
        bridge.started_at = sim.clock.now()
        bridge.ready.set()
        leg.record("bridged", other=bridge.a.sid)
        try:
            leg.stay_bridged(bridge)
        except HungUp:
            self._left(leg, queue, "bridged", action, method, notify_only=True)
            raise
        return self._left(leg, queue, "bridged", action, method)

    # -- taking members out -------------------------------------------------------------------

    def dequeue(self, queue: Queue, member: str, url: str, method: str = "POST") -> Leg | None:
        """REST: take a member out of the queue to run ``url`` (None if not a member)."""
        with self.sim.lock:
            if member == "Front":
                leg = queue.members[0] if queue.members else None
            else:
                leg = next((m for m in queue.members if m.sid == member), None)
            if leg is None or leg.interrupt is not None:
                return None
            queue.members.remove(leg)
            leg.interrupt = Interrupted("dequeue", url=url, method=method)
        leg.poke()
        return leg

    def dial(self, leg: Leg, noun: ET.Element, doc_url: str, timeout: float) -> dict:
        """<Dial><Queue>: bridge the first member not already taken; the Dial's result."""
        sim = self.sim
        queue = self.named((noun.text or "").strip(), create=False)
        if queue is None:
            return {"DialCallStatus": "failed", "DialBridged": "false"}
        deadline = sim.clock.now() + timeout
        member = None
        while member is None:
            with sim.lock:
                for candidate in queue.members:
                    if candidate.interrupt is None:
                        member = candidate
                        queue.members.remove(member)
                        break
            if member is None:
                if sim.clock.now() >= deadline:
                    return {
                        "DialCallStatus": "no-answer",
                        "DialBridged": "false",
                        "QueueSid": queue.sid,
                    }
                leg.pass_time(1)
        bridge = Bridge(a=leg, b=member)
        whisper = urljoin(doc_url, noun.get("url")) if noun.get("url") else ""
        member.interrupt = Interrupted(
            "bridge", bridge=bridge, url=whisper, method=noun.get("method", "POST")
        )
        member.poke()
        queue_time = int(sim.clock.now() - member.enqueued_at)
        while not bridge.ready.is_set():
            leg.pass_time(0.5)
        if bridge.ended.is_set():
            status = {"DialCallStatus": "no-answer", "DialBridged": "false"}
        else:
            leg.stay_bridged(bridge)
            status = {
                "DialCallStatus": "completed",
                "DialBridged": "true",
                "DialCallDuration": int(bridge.ended_at - bridge.started_at),
            }
        return {
            **status,
            "DialCallSid": member.sid,
            "QueueSid": queue.sid,
            "DequeueResult": "bridged",
            "DequeuedCallSid": member.sid,
            "DequeuedCallQueueTime": queue_time,
        }
