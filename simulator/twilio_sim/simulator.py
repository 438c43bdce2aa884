"""The simulator as tests and the demo use it: one Twilio number toward the app, put together
from parts that each own one concern.

- ``transport``: signing and sending requests to the app, and the network's faults;
- ``twiml``: the TwiML interpreter, which runs the app's documents on a call leg;
- ``queues`` and ``conferences``: what calls do together (Enqueue, Dial Queue, Conference);
- ``dialer``: ringing phones, for <Dial> and for calls placed through the REST API.

The simulator itself keeps what they share (the clock, the lock, the calls, the phones the
app may ring) and runs each call leg in its own thread. Time is simulated: Say, Play, Pause,
ringing and Gather timeouts take simulated seconds, and the clock can run faster than the wall
clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from twilio_sim.clock import SimClock
from twilio_sim.conferences import Conferences
from twilio_sim.dialing import Dialer
from twilio_sim.legs import TERMINAL, Interrupted, Leg
from twilio_sim.people import Caller, PhoneOwner
from twilio_sim.queues import Queues
from twilio_sim.transport import Transport
from twilio_sim.twiml import Interpreter

log = logging.getLogger("twilio_sim")


class Simulator:
    """Twilio toward the app: one phone number, its calls, queues and conferences."""

    def __init__(
        self,
        *,
        voice_url: str,
        status_url: str = "",
        fallback_url: str = "",
        account_sid: str = "AC" + "0" * 31 + "1",
        auth_token: str = "dev-auth-token",
        number: str = "+31850000000",
        clock: SimClock | None = None,
        play_seconds: float = 30,
        say_words_per_second: float = 2.5,
        notify_redirected_action: bool = True,
        http_timeout: float = 15,
    ):
        self.voice_url, self.status_url, self.fallback_url = voice_url, status_url, fallback_url
        self.account_sid, self.number = account_sid, number
        self.clock = clock or SimClock()
        self.lock = threading.RLock()
        self.calls: dict[str, Leg] = {}
        self.phones: dict[str, PhoneOwner] = {}
        self.transport = Transport(auth_token, http_timeout)
        self.faults = self.transport.faults  # switched on by fault tests
        self.twiml = Interpreter(
            self, play_seconds=play_seconds, words_per_second=say_words_per_second
        )
        self.queues = Queues(self, notify_redirected_action=notify_redirected_action)
        self.conferences = Conferences(self)
        self.dialer = Dialer(self)
        self.twiml.verbs.update(Enqueue=self.queues.enqueue, Dial=self.dialer.dial)

    @property
    def auth_token(self) -> str:
        """The account's auth token: requests to the app are signed with it, REST checks it."""
        return self.transport.auth_token

    @auth_token.setter
    def auth_token(self, token: str) -> None:
        self.transport.auth_token = token

    # -- test controls ----------------------------------------------------------------------

    def add_phone(self, owner: PhoneOwner) -> PhoneOwner:
        """A phone the app may call (a volunteer's, or a citizen's for a callback)."""
        self.phones[owner.number] = owner
        return owner

    def place_call(self, caller: Caller) -> Leg:
        """A citizen dials the helpline's number."""
        leg = Leg(self, direction="inbound", from_=caller.number, to=self.number, person=caller)
        leg.status = "ringing"
        leg.status_callback = self.status_url
        leg.fallback_url = self.fallback_url
        self.register(leg)
        self.start(leg, lambda inbound: self.twiml.answer_inbound(inbound, self.voice_url))
        return leg

    def hang_up(self, leg: Leg) -> None:
        leg.hangup_requested = leg.hangup_requested or "caller"
        leg.poke()

    def update_call(
        self, leg: Leg, *, url: str = "", twiml: str = "", method: str = "POST", status: str = ""
    ) -> None:
        """REST: end a call, or send it to other TwiML (out of its queue if it waits in one)."""
        if status in ("completed", "canceled"):
            leg.hangup_requested = leg.hangup_requested or f"api-{status}"
            leg.poke()
            return
        leg.interrupt = Interrupted("redirect", url=url, twiml=twiml, method=method)
        with self.lock:
            if leg.queue is not None and leg in leg.queue.members:
                leg.queue.members.remove(leg)
        leg.poke()

    def wait_for(self, predicate, timeout: float = 30.0, interval: float = 0.02) -> bool:
        """Wait (wall seconds) until ``predicate()`` is true."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return bool(predicate())

    def wait_done(self, leg: Leg, timeout: float = 30.0) -> bool:
        return leg.done.wait(timeout)

    def shutdown(self) -> None:
        with self.lock:
            legs = list(self.calls.values())
        for leg in legs:
            leg.hangup_requested = leg.hangup_requested or "shutdown"
            leg.poke()
        for leg in legs:
            leg.done.wait(5)

    # -- the legs' threads ------------------------------------------------------------------

    def register(self, leg: Leg) -> None:
        with self.lock:
            self.calls[leg.sid] = leg

    def start(self, leg: Leg, target: Callable[[Leg], None]) -> None:
        """Run ``target(leg)`` in the leg's own thread; the call ends when it returns."""
        leg.thread = threading.Thread(
            target=self._guard, args=(leg, target), daemon=True, name=f"leg-{leg.sid[:10]}"
        )
        leg.thread.start()

    def _guard(self, leg: Leg, target: Callable[[Leg], None]) -> None:
        try:
            target(leg)
        except Exception:  # a simulator bug must not hang the test: record it, end the leg
            log.exception("simulator leg crashed")
            leg.record("simulator-error")
        finally:
            if leg.status not in TERMINAL:
                leg.finish("completed")
            leg.done.set()
