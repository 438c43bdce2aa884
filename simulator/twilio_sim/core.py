"""The simulator's engine: call legs that fetch and execute TwiML, queues, bridges, conferences.

Each call leg runs in its own thread. Time is simulated: Say, Play, Pause, ringing and Gather
timeouts take simulated seconds, and the clock can run faster than the wall clock.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import requests

from twilio_sim.people import Caller, Person, PhoneOwner
from twilio_sim.signature import signature

log = logging.getLogger("twilio_sim")

APPLICATION_ERROR = "We're sorry, an application error has occurred. Goodbye."
TERMINAL = {"completed", "busy", "failed", "no-answer", "canceled"}
WAIT_VERBS = {"Play", "Say", "Pause", "Hangup", "Redirect", "Leave", "Gather"}
WHISPER_VERBS = {"Play", "Say", "Pause", "Redirect"}
MAIN_VERBS = {
    "Say",
    "Play",
    "Pause",
    "Gather",
    "Redirect",
    "Hangup",
    "Reject",
    "Enqueue",
    "Leave",
    "Dial",
    "Record",
    "Connect",
    "Refer",
    "Sms",
    "Stream",
}
NOUNS = {
    "Dial": {"Number", "Client", "Queue", "Conference", "Sip"},
    "Gather": {"Say", "Play", "Pause"},
    "Say": {
        "prosody",
        "break",
        "emphasis",
        "p",
        "s",
        "say-as",
        "sub",
        "lang",
        "phoneme",
        "w",
        "amazon:effect",
        "amazon:domain",
    },
}


def sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


class SimClock:
    """Simulated time: ``speed`` times the wall clock, counted from ``epoch_ms``."""

    def __init__(self, speed: float = 1.0, epoch_ms: int | None = None):
        self.speed = speed
        self.epoch_ms = epoch_ms if epoch_ms is not None else int(time.time() * 1000)

    def now_ms(self) -> int:
        wall = time.time() * 1000
        return int(self.epoch_ms + (wall - self.epoch_ms) * self.speed)

    def now(self) -> float:
        return self.now_ms() / 1000

    def sleep(self, seconds: float, event: threading.Event | None = None) -> None:
        real = max(0.0, seconds) / self.speed
        if event is None:
            time.sleep(real)
        else:
            event.wait(real)


class AppError(Exception):
    """The app's answer could not be used (Twilio error code, the URL)."""

    def __init__(self, code: int, url: str, detail: str = ""):
        super().__init__(f"{code} {url} {detail}")
        self.code, self.url, self.detail = code, url, detail


class HungUp(Exception):
    """This leg's call is over."""


class Left(Exception):
    """<Leave> in wait TwiML."""


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
class Queue:
    sid: str
    name: str
    max_size: int = 1000
    members: list = field(default_factory=list)  # legs, in order
    created: float = field(default_factory=time.time)


@dataclass
class Participant:
    leg: Leg
    start_on_enter: bool = True
    end_on_exit: bool = False
    muted: bool = False
    hold: bool = False
    label: str = ""


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

    def pass_time(self, seconds: float) -> None:
        """Let simulated time pass, waking early for a hang-up or an interruption."""
        end = self.sim.clock.now() + seconds
        while True:
            self.check()
            left = end - self.sim.clock.now()
            if self.person.hangup_after is not None and self.answered_at is not None:
                left = min(left, max(0.0, self.person.hangup_after - self.age()) + 0.01)
            if left <= 0:
                return
            self.wake.clear()
            self.sim.clock.sleep(min(left, 5.0), self.wake)

    def poke(self) -> None:
        self.wake.set()

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
        self.account_sid, self.auth_token, self.number = account_sid, auth_token, number
        self.clock = clock or SimClock()
        self.play_seconds = play_seconds
        self.words_per_second = say_words_per_second
        self.notify_redirected_action = notify_redirected_action
        self.http_timeout = http_timeout
        self.lock = threading.RLock()
        self.calls: dict[str, Leg] = {}
        self.queues: dict[str, Queue] = {}
        self.conferences: dict[str, Conference] = {}
        self.phones: dict[str, PhoneOwner] = {}
        self.http = requests.Session()
        self.requests_made = 0
        # Faults Twilio's network can show (for fault tests): a request delivered twice with
        # the same idempotency token, and status callbacks duplicated or delayed (so they
        # arrive out of order; their SequenceNumber still says the true order).
        self.redeliver_requests = 0.0  # probability per webhook request
        self.duplicate_callbacks = 0.0  # probability per status callback
        self.delay_callbacks = 0.0  # up to this many (real) seconds
        self._chaos = random.Random(20261129)

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
        self._register(leg)
        self._start(leg, self._run_inbound)
        return leg

    def hang_up(self, leg: Leg) -> None:
        leg.hangup_requested = leg.hangup_requested or "caller"
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

    # -- bookkeeping ------------------------------------------------------------------------

    def _register(self, leg: Leg) -> None:
        with self.lock:
            self.calls[leg.sid] = leg

    def _start(self, leg: Leg, target) -> None:
        leg.thread = threading.Thread(
            target=self._guard, args=(leg, target), daemon=True, name=f"leg-{leg.sid[:10]}"
        )
        leg.thread.start()

    def _guard(self, leg: Leg, target) -> None:
        try:
            target(leg)
        except Exception:  # a simulator bug must not hang the test: record it, end the leg
            log.exception("simulator leg crashed")
            leg.record("simulator-error")
        finally:
            if leg.status not in TERMINAL:
                self._finish(leg, "completed")
            leg.done.set()

    def queue_by_name(self, name: str, create: bool = True) -> Queue | None:
        with self.lock:
            for queue in self.queues.values():
                if queue.name == name:
                    return queue
            if not create:
                return None
            queue = Queue(sid("QU"), name)
            self.queues[queue.sid] = queue
            return queue

    # -- HTTP toward the app ----------------------------------------------------------------

    def _sign_and_send(self, url: str, method: str, params: dict[str, str]) -> requests.Response:
        url = urlunsplit(urlsplit(url)._replace(fragment=""))
        headers = {"User-Agent": "TwilioProxy/1.1", "I-Twilio-Idempotency-Token": str(uuid.uuid4())}
        if self.redeliver_requests and self._chaos.random() < self.redeliver_requests:
            try:  # the first delivery's answer is lost on the way back; Twilio tries again
                self._send(url, method, params, headers)
            except requests.RequestException:
                pass
        return self._send(url, method, params, headers)

    def _send(self, url: str, method: str, params, headers: dict) -> requests.Response:
        headers = dict(headers)
        self.requests_made += 1
        if method.upper() == "GET":
            sep = "&" if urlsplit(url).query else "?"
            full = url + sep + urlencode(sorted(params.items()))
            headers["X-Twilio-Signature"] = signature(self.auth_token, full)
            return self.http.get(full, headers=headers, timeout=self.http_timeout)
        headers["X-Twilio-Signature"] = signature(self.auth_token, url, params.items())
        return self.http.post(url, data=params, headers=headers, timeout=self.http_timeout)

    def fetch(self, leg: Leg, url: str, method: str = "POST", **extra) -> ET.Element:
        """Request TwiML from the app; AppError when Twilio could not use the answer."""
        params = leg.params(**extra)
        try:
            response = self._sign_and_send(url, method, params)
        except requests.Timeout:
            leg.record("request", url=url, params=params, status=None, error=11205)
            raise AppError(11205, url, "timeout") from None
        except requests.RequestException as exc:
            leg.record("request", url=url, params=params, status=None, error=11200)
            raise AppError(11200, url, str(exc)) from None
        text = response.text
        leg.record(
            "request",
            url=url,
            params=params,
            status=response.status_code,
            twiml=text,
            ms=round(response.elapsed.total_seconds() * 1000, 2),
        )
        if not 200 <= response.status_code < 300:
            raise AppError(11200, url, f"HTTP {response.status_code}")
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type not in ("text/xml", "application/xml"):
            raise AppError(12300, url, f"Content-Type {content_type!r}")
        if len(response.content) > 64 * 1024:
            raise AppError(11750, url, "TwiML larger than 64 kB")
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError as exc:
            raise AppError(12100, url, str(exc)) from None
        problem = invalid_twiml(root)
        if problem:
            raise AppError(12100, url, problem)
        return root

    def fetch_with_fallback(self, leg: Leg, url: str, method: str = "POST", **extra):
        """fetch, and on failure the fallback URL as Twilio does; (root, document url)."""
        try:
            return self.fetch(leg, url, method, **extra), url
        except AppError as error:
            leg.record("app-error", code=error.code, url=url, detail=error.detail)
            if not leg.fallback_url:
                raise
            root = self.fetch(
                leg,
                leg.fallback_url,
                leg.fallback_method,
                ErrorCode=error.code,
                ErrorUrl=url,
                **extra,
            )
            return root, leg.fallback_url

    def notify(self, leg: Leg, url: str, params: dict[str, str], method: str = "POST") -> int:
        """A callback whose answer is not executed (status callbacks); returns the status."""
        if not url:
            return 0
        if self.duplicate_callbacks or self.delay_callbacks:
            copies = 2 if self._chaos.random() < self.duplicate_callbacks else 1
            for _ in range(copies):
                delay = self._chaos.random() * self.delay_callbacks
                threading.Thread(
                    target=self._notify_later, args=(leg, url, params, method, delay), daemon=True
                ).start()
            return 200
        return self._notify_now(leg, url, params, method)

    def _notify_later(self, leg: Leg, url: str, params, method: str, delay: float) -> None:
        time.sleep(delay)
        self._notify_now(leg, url, params, method)

    def _notify_now(self, leg: Leg, url: str, params: dict[str, str], method: str) -> int:
        try:
            response = self._sign_and_send(url, method, params)
            leg.record("callback", url=url, params=params, status=response.status_code)
            return response.status_code
        except requests.RequestException:
            leg.record("callback", url=url, params=params, status=None)
            return 0

    def _status_event(self, leg: Leg, event: str) -> None:
        if event not in leg.status_events or not leg.status_callback:
            return
        extra = {
            "Timestamp": formatdate(self.clock.now(), usegmt=False).replace("-0000", "+0000"),
            "SequenceNumber": leg.sequence,
            "CallbackSource": "call-progress-events",
        }
        leg.sequence += 1
        if leg.status in TERMINAL:
            extra["CallDuration"] = leg.duration()
            if leg.status == "completed":
                extra["Duration"] = (leg.duration() + 59) // 60
        self.notify(leg, leg.status_callback, leg.params(**extra), leg.status_method)

    def _set_status(self, leg: Leg, status: str, event: str | None = None) -> None:
        leg.status = status
        leg.record("status", status=status)
        if event:
            self._status_event(leg, event)

    def _finish(self, leg: Leg, status: str) -> None:
        if leg.status in TERMINAL:
            return
        leg.ended_at = self.clock.now()
        with self.lock:
            if leg.queue is not None and leg in leg.queue.members:
                leg.queue.members.remove(leg)
        if leg.bridge is not None:
            leg.bridge.ended.set()
            leg.bridge.other(leg).poke()
        self._set_status(leg, status, "completed")

    # -- inbound calls ----------------------------------------------------------------------

    def _run_inbound(self, leg: Leg) -> None:
        try:
            root, doc_url = self.fetch_with_fallback(leg, self.voice_url)
        except AppError:
            self._application_error(leg)
            return
        leg.status = "in-progress"
        leg.answered_at = self.clock.now()
        self._run_document(leg, root, doc_url)

    def _application_error(self, leg: Leg) -> None:
        leg.record("say", text=APPLICATION_ERROR, language="en-US")
        self._finish(leg, "completed")

    def _run_document(self, leg: Leg, root: ET.Element | None, doc_url: str) -> None:
        """Run TwiML on a leg until its call ends, following redirects and actions."""
        while root is not None:
            try:
                step = self._execute(leg, root, doc_url, context="main")
            except HungUp:
                self._finish(leg, "completed")
                return
            except Interrupted as interrupt:
                step = self._after_interrupt(leg, interrupt)
            except AppError:
                self._application_error(leg)
                return
            if step is None:
                break
            try:
                root, doc_url = self._follow(leg, step)
            except AppError:
                self._application_error(leg)
                return
            except HungUp:
                self._finish(leg, "completed")
                return
        self._finish(leg, "completed")

    def _follow(self, leg: Leg, step: tuple) -> tuple[ET.Element | None, str]:
        kind = step[0]
        if kind == "fetch":
            _, url, method, extra = step
            return self.fetch_with_fallback(leg, url, method, **extra)
        if kind == "twiml":
            root = ET.fromstring(step[1])
            problem = invalid_twiml(root)
            if problem:
                raise AppError(12100, "inline", problem)
            return root, step[2]
        return None, ""

    def _after_interrupt(self, leg: Leg, interrupt: Interrupted) -> tuple | None:
        if interrupt.kind in ("redirect", "dequeue"):
            info = interrupt.info
            if info.get("twiml"):
                return ("twiml", info["twiml"], info.get("url", ""))
            return ("fetch", info["url"], info.get("method", "POST"), {})
        return None

    # -- executing TwiML --------------------------------------------------------------------

    def _execute(self, leg: Leg, root: ET.Element, doc_url: str, context: str) -> tuple | None:
        """Run a document's verbs. Returns the next step ("fetch", url, method, extra),
        ("twiml", text, url), or None when the document ran out (or hung up)."""
        allowed = {"main": MAIN_VERBS, "wait": WAIT_VERBS, "whisper": WHISPER_VERBS}[context]
        for verb in root:
            leg.check()
            if verb.tag not in allowed:
                raise AppError(12100, doc_url, f"<{verb.tag}> is not allowed here ({context})")
            handler = getattr(self, f"_verb_{verb.tag.lower()}", None)
            if handler is None:
                leg.record("unsupported", verb=verb.tag)
                continue
            step = handler(leg, verb, doc_url, context)
            if step == "hangup":
                raise HungUp("app")
            if step is not None:
                return step
        return None

    def _verb_say(self, leg, verb, doc_url, context):
        text = " ".join("".join(verb.itertext()).split())
        loops = int(verb.get("loop", "1") or 1)
        leg.record(
            "say", text=text, language=verb.get("language", "en-US"), voice=verb.get("voice", "")
        )
        leg.pass_time(max(0.5, len(text.split()) / self.words_per_second) * max(1, loops))

    def _verb_play(self, leg, verb, doc_url, context):
        leg.record("play", url=(verb.text or "").strip())
        leg.pass_time(self.play_seconds * max(1, int(verb.get("loop", "1") or 1)))

    def _verb_pause(self, leg, verb, doc_url, context):
        length = float(verb.get("length", "1") or 1)
        leg.record("pause", seconds=length)
        leg.pass_time(length)

    def _verb_hangup(self, leg, verb, doc_url, context):
        leg.record("hangup", by="app")
        return "hangup"

    def _verb_reject(self, leg, verb, doc_url, context):
        leg.record("reject", reason=verb.get("reason", "rejected"))
        leg.answered_at = None
        self._finish(leg, "busy" if verb.get("reason") == "busy" else "no-answer")
        raise HungUp("rejected")

    def _verb_leave(self, leg, verb, doc_url, context):
        if context != "wait":
            leg.record("ignored", verb="Leave")
            return None
        raise Left()

    def _verb_redirect(self, leg, verb, doc_url, context):
        target = urljoin(doc_url, (verb.text or "").strip())
        return ("fetch", target, verb.get("method", "POST"), {})

    def _verb_gather(self, leg, verb, doc_url, context):
        for child in verb:
            leg.check()
            getattr(self, f"_verb_{child.tag.lower()}")(leg, child, doc_url, context)
        inputs = verb.get("input", "dtmf").split()
        timeout = float(verb.get("timeout", "5") or 5)
        leg.record("gather", input=" ".join(inputs), timeout=timeout, action=verb.get("action", ""))
        deadline = self.clock.now() + timeout
        in_queue = context == "wait"
        answer = leg.person.answer(in_queue=in_queue, age=leg.age())
        while answer is None and self.clock.now() < deadline:  # listening: input may come
            leg.pass_time(min(0.5, deadline - self.clock.now()))
            answer = leg.person.answer(in_queue=in_queue, age=leg.age())
        if answer is not None and answer.hangup:
            leg.hangup_requested = "caller"
            leg.check()
        action = urljoin(doc_url, verb.get("action") or doc_url)
        method = verb.get("method", "POST")
        if answer is not None and answer.digits and "dtmf" in inputs:
            finish = verb.get("finishOnKey", "#")
            digits = answer.digits
            finished = ""
            if finish and finish in digits:
                digits, finished = digits.split(finish, 1)[0], finish
            if verb.get("numDigits"):
                digits = digits[: int(verb.get("numDigits"))]
            leg.record("input", digits=digits)
            leg.pass_time(0.5 + 0.3 * len(digits))
            return ("fetch", action, method, {"Digits": digits, "FinishedOnKey": finished})
        if answer is not None and answer.speech and "speech" in inputs:
            leg.record("input", speech=answer.speech)
            leg.pass_time(1.5)
            return ("fetch", action, method, {"SpeechResult": answer.speech, "Confidence": "0.92"})
        leg.pass_time(max(0.0, deadline - self.clock.now()))
        if verb.get("actionOnEmptyResult") == "true":
            return ("fetch", action, method, {"Digits": "", "FinishedOnKey": ""})
        return None

    # -- <Enqueue> ----------------------------------------------------------------------------

    def _verb_enqueue(self, leg, verb, doc_url, context):
        name = (verb.text or "").strip()
        action = urljoin(doc_url, verb.get("action")) if verb.get("action") else ""
        method = verb.get("method", "POST")
        wait_url = verb.get("waitUrl")
        wait_url = urljoin(doc_url, wait_url) if wait_url else ""
        if not name or len(name) > 64:
            raise AppError(12100, doc_url, "Enqueue needs a queue name of at most 64 characters")
        queue = self.queue_by_name(name)
        with self.lock:
            full = len(queue.members) >= queue.max_size
            if not full:
                queue.members.append(leg)
                leg.queue = queue
                leg.enqueued_at = self.clock.now()
        if full:
            return self._queue_left(leg, queue, "queue-full", action, method, enqueued=False)
        leg.record("enqueued", queue=name)
        follow: tuple | None = None
        try:
            result = self._wait_in_queue(leg, queue, wait_url, verb.get("waitUrlMethod", "POST"))
        except Interrupted as interrupt:
            if interrupt.kind == "dequeue":
                result = "redirected"
                follow = self._after_interrupt(leg, interrupt)
            elif interrupt.kind == "bridge":
                return self._bridged_from_queue(leg, queue, interrupt.info, action, method)
            else:
                result = "redirected"
                follow = self._after_interrupt(leg, interrupt)
        except HungUp:
            self._queue_left(leg, queue, "hangup", action, method)
            raise
        if result == "redirected":
            self._queue_left(
                leg,
                queue,
                result,
                action if self.notify_redirected_action else "",
                method,
                notify_only=True,
            )
            return follow
        return self._queue_left(leg, queue, result, action, method)

    def _wait_in_queue(self, leg: Leg, queue: Queue, wait_url: str, wait_method: str) -> str:
        while True:
            leg.check()
            if not wait_url:
                leg.pass_time(10)
                continue
            with self.lock:
                position = queue.members.index(leg) + 1 if leg in queue.members else 0
                size = len(queue.members)
                waits = [self.clock.now() - m.enqueued_at for m in queue.members]
            extra = {
                "QueuePosition": position,
                "QueueSid": queue.sid,
                "QueueTime": int(self.clock.now() - leg.enqueued_at),
                "AvgQueueTime": int(sum(waits) / len(waits)) if waits else 0,
                "CurrentQueueSize": size,
                "MaxQueueSize": queue.max_size,
            }
            url, method = wait_url, wait_method
            while url:
                try:
                    root = self.fetch(leg, url, method, **extra)
                    step = self._execute(leg, root, url, context="wait")
                except AppError as error:
                    leg.record("app-error", code=error.code, url=url, detail=error.detail)
                    return "error"
                except Left:
                    return "leave"
                url = ""
                if step is not None and step[0] == "fetch":
                    _, url, method, more = step
                    extra = {**extra, **more}

    def _queue_left(
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
        with self.lock:
            if leg in queue.members:
                queue.members.remove(leg)
            leg.queue = None
        queue_time = int(self.clock.now() - leg.enqueued_at) if enqueued else 0
        leg.record("queue-result", result=result, queue=queue.name, queue_time=queue_time)
        extra = {"QueueResult": result}
        if enqueued:
            extra.update(QueueSid=queue.sid, QueueTime=queue_time)
        if not action:
            return None
        if result == "hangup" or notify_only:
            try:
                self.fetch(leg, action, method, **extra)
            except AppError as error:
                leg.record("app-error", code=error.code, url=action, detail=error.detail)
            return None
        return ("fetch", action, method, extra)

    def dequeue(self, queue: Queue, member: str, url: str, method: str = "POST") -> Leg | None:
        """REST: take a member out of the queue to run ``url`` (None if not a member)."""
        with self.lock:
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

    def _bridged_from_queue(self, leg: Leg, queue: Queue, info: dict, action: str, method: str):
        bridge: Bridge = info["bridge"]
        whisper = info.get("url")
        if whisper:
            try:
                root = self.fetch(
                    leg,
                    whisper,
                    info.get("method", "POST"),
                    QueueSid=queue.sid,
                    QueueTime=int(self.clock.now() - leg.enqueued_at),
                    DequeingCallSid=bridge.a.sid,
                )
                self._execute(leg, root, whisper, context="whisper")
            except AppError as error:
                leg.record("app-error", code=error.code, url=whisper, detail=error.detail)
            except HungUp:
                bridge.ended.set()
                bridge.a.poke()
                bridge.ready.set()
                raise
        bridge.started_at = self.clock.now()
        bridge.ready.set()
        leg.record("bridged", other=bridge.a.sid)
        try:
            self._hold_bridge(leg, bridge)
        except HungUp:
            self._queue_left(leg, queue, "bridged", action, method, notify_only=True)
            raise
        return self._queue_left(leg, queue, "bridged", action, method)

    def _hold_bridge(self, leg: Leg, bridge: Bridge) -> None:
        """Stay connected until the bridge ends; a hang-up here ends it for both."""
        leg.bridge = bridge
        try:
            while not bridge.ended.is_set():
                try:
                    leg.pass_time(5)
                except HungUp:
                    bridge.ended.set()
                    bridge.other(leg).poke()
                    raise
        finally:
            leg.bridge = None
            if not bridge.ended_at:
                bridge.ended_at = self.clock.now()

    # -- <Dial> -------------------------------------------------------------------------------

    def _verb_dial(self, leg, verb, doc_url, context):
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
            extra = self._dial_queue(leg, noun, doc_url, timeout)
        elif noun.tag == "Conference":
            extra = self._dial_conference(leg, noun, doc_url)
        else:
            extra = self._dial_number(leg, noun, doc_url, timeout, verb.get("callerId"))
        leg.record("dial-result", **{k: str(v) for k, v in extra.items()})
        if action:
            return ("fetch", action, method, extra)
        return None

    def _dial_queue(self, leg: Leg, noun, doc_url: str, timeout: float) -> dict:
        name = (noun.text or "").strip()
        queue = self.queue_by_name(name, create=False)
        if queue is None:
            return {"DialCallStatus": "failed", "DialBridged": "false"}
        deadline = self.clock.now() + timeout
        member = None
        while member is None:
            with self.lock:
                for candidate in queue.members:
                    if candidate.interrupt is None:
                        member = candidate
                        queue.members.remove(member)
                        break
            if member is None:
                if self.clock.now() >= deadline:
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
        queue_time = int(self.clock.now() - member.enqueued_at)
        while not bridge.ready.is_set():
            leg.pass_time(0.5)
        if bridge.ended.is_set():
            status = {"DialCallStatus": "no-answer", "DialBridged": "false"}
        else:
            self._hold_bridge(leg, bridge)
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

    def _dial_number(self, leg: Leg, noun, doc_url: str, timeout: float, caller_id) -> dict:
        to = (noun.text or "").strip()
        if noun.tag == "Client":
            to = f"client:{to}"
        child = Leg(
            self,
            direction="outbound-dial",
            from_=caller_id or leg.from_,
            to=to,
            person=self.phones.get(to) or PhoneOwner(to, mode="no-answer"),
            parent=leg,
        )
        child.status_callback = (
            urljoin(doc_url, noun.get("statusCallback") or "") if noun.get("statusCallback") else ""
        )
        child.status_events = set((noun.get("statusCallbackEvent") or "completed").split())
        self._register(child)
        outcome = self._ring(child, timeout, caller=leg)
        if outcome != "in-progress":
            return {"DialCallStatus": outcome, "DialCallSid": child.sid, "DialBridged": "false"}
        screen = urljoin(doc_url, noun.get("url")) if noun.get("url") else ""
        if screen:
            try:
                root = self.fetch(child, screen, noun.get("method", "POST"))
                step = self._execute(child, root, screen, context="main")
                while step is not None:
                    root, url = self._follow(child, step)
                    step = (
                        self._execute(child, root, url, context="main")
                        if root is not None
                        else None
                    )
            except (HungUp, AppError):
                self._finish(child, "completed")
                return {
                    "DialCallStatus": "no-answer",
                    "DialCallSid": child.sid,
                    "DialBridged": "false",
                }
        bridge = Bridge(a=leg, b=child, started_at=self.clock.now())
        bridge.ready.set()

        def child_side(c: Leg) -> None:
            try:
                self._hold_bridge(c, bridge)
            except HungUp:
                pass
            self._finish(c, "completed")

        self._start(child, child_side)
        try:
            self._hold_bridge(leg, bridge)
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

    def _ring(self, leg: Leg, timeout: float, caller: Leg | None = None) -> str:
        """Ring a phone: 'in-progress' when answered, else its final status."""
        owner = leg.person
        self._set_status(leg, "initiated", "initiated")
        self._set_status(leg, "ringing", "ringing")
        mode = getattr(owner, "mode", "no-answer")
        try:
            if mode in ("busy", "failed"):
                leg.pass_time(1)
                self._finish(leg, mode)
                return mode
            wait = getattr(owner, "answer_after", 2)
            if mode == "no-answer" or wait > timeout:
                leg.pass_time(timeout)
                self._finish(leg, "no-answer")
                return "no-answer"
            end = self.clock.now() + wait
            while self.clock.now() < end:
                if caller is not None:
                    caller.check()
                leg.pass_time(min(1.0, end - self.clock.now()))
        except HungUp:
            self._finish(leg, "canceled")
            return "canceled"
        leg.answered_at = self.clock.now()
        leg.answered_by = "machine_start" if mode == "voicemail" else ""
        self._set_status(leg, "in-progress", "answered")
        if mode == "voicemail":
            leg.person.hangup_after = owner.voicemail_seconds
        return "in-progress"

    # -- conferences --------------------------------------------------------------------------

    def conference_by_name(self, name: str, create: bool = True) -> Conference | None:
        with self.lock:
            for conference in self.conferences.values():
                if conference.name == name and conference.status != "completed":
                    return conference
            if not create:
                return None
            conference = Conference(sid("CF"), name)
            self.conferences[conference.sid] = conference
            return conference

    def _conference_event(
        self, conference: Conference, event: str, leg: Leg | None = None, **extra
    ) -> None:
        short = event.split("-", 1)[-1] if event.startswith("participant-") else event.split("-")[1]
        if not conference.status_callback or short not in conference.events:
            return
        params = {
            "ConferenceSid": conference.sid,
            "FriendlyName": conference.name,
            "AccountSid": self.account_sid,
            "SequenceNumber": str(conference.sequence),
            "Timestamp": formatdate(self.clock.now()),
            "StatusCallbackEvent": event,
        }
        conference.sequence += 1
        if leg is not None:
            params["CallSid"] = leg.sid
        params.update({k: str(v) for k, v in extra.items()})
        self.notify(leg or next(iter(self.calls.values())), conference.status_callback, params)

    def _dial_conference(self, leg: Leg, noun, doc_url: str) -> dict:
        name = (noun.text or "").strip()
        conference = self.conference_by_name(name)
        participant = Participant(
            leg,
            start_on_enter=noun.get("startConferenceOnEnter", "true") == "true",
            end_on_exit=noun.get("endConferenceOnExit", "false") == "true",
            muted=noun.get("muted", "false") == "true",
            label=noun.get("participantLabel", ""),
        )
        with self.lock:
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
        self._conference_event(conference, "participant-join", leg)
        if starts:
            self._conference_event(conference, "conference-start")
        joined_at = self.clock.now()
        reason = "participant_hung_up"
        try:
            while not conference.ended.is_set() and leg.sid in conference.participants:
                leg.pass_time(5)
            reason = "conference_ended_via_api" if conference.ended.is_set() else "kicked"
        except HungUp:
            self._leave_conference(conference, leg, reason)
            raise
        self._leave_conference(conference, leg, reason)
        return {
            "DialCallStatus": "answered",
            "DialBridged": "true",
            "DialCallDuration": int(self.clock.now() - joined_at),
        }

    def _leave_conference(self, conference: Conference, leg: Leg, reason: str) -> None:
        with self.lock:
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
        self._conference_event(conference, "participant-leave", leg, ReasonParticipantLeft=reason)
        if ends:
            conference.ended.set()
            for other in others:
                other.leg.poke()
            self._conference_event(
                conference, "conference-end", ReasonConferenceEnded="last-participant-left"
            )

    def end_conference(self, conference: Conference) -> None:
        with self.lock:
            conference.status = "completed"
            legs = [p.leg for p in conference.participants.values()]
            conference.participants.clear()
        conference.ended.set()
        for leg in legs:
            leg.poke()

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
        owner = self.phones.get(to) or PhoneOwner(to, mode="no-answer")
        leg = Leg(self, direction="outbound-api", from_=from_, to=to, person=owner)
        leg.status_callback = status_callback
        leg.status_events = set(status_events or ["completed"])
        leg.status_method = status_method
        leg.fallback_url = fallback_url
        self._register(leg)

        def run(call_leg: Leg) -> None:
            outcome = self._ring(call_leg, timeout)
            if outcome != "in-progress":
                return
            if machine_detection and not call_leg.answered_by:
                call_leg.answered_by = "human"
            if twiml:
                step = ("twiml", twiml, url)
            else:
                step = ("fetch", url, method, {})
            try:
                root, doc_url = self._follow(call_leg, step)
            except AppError:
                self._application_error(call_leg)
                return
            except HungUp:
                self._finish(call_leg, "completed")
                return
            self._run_document(call_leg, root, doc_url)

        self._start(leg, run)
        return leg

    def update_call(
        self, leg: Leg, *, url: str = "", twiml: str = "", method: str = "POST", status: str = ""
    ) -> None:
        if status in ("completed", "canceled"):
            leg.hangup_requested = leg.hangup_requested or f"api-{status}"
            leg.poke()
            return
        leg.interrupt = Interrupted("redirect", url=url, twiml=twiml, method=method)
        with self.lock:
            if leg.queue is not None and leg in leg.queue.members:
                leg.queue.members.remove(leg)
        leg.poke()


def invalid_twiml(root: ET.Element) -> str | None:
    """Why Twilio would not run this document (error 12100), or None."""
    if root.tag != "Response":
        return f"the root element is <{root.tag}>, not <Response>"
    for verb in root:
        if verb.tag not in MAIN_VERBS:
            return f"unknown verb <{verb.tag}>"
        allowed = NOUNS.get(verb.tag)
        for child in verb:
            if allowed is None or child.tag not in allowed:
                return f"<{child.tag}> is not allowed inside <{verb.tag}>"
    return None
