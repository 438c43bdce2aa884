"""The TwiML interpreter: fetch a document from the app as Twilio does (signed, with the
fallback URL, refusing what Twilio would refuse with its error codes) and run its verbs on a
call leg: Say, Play, Pause, Gather, Redirect, Hangup, Reject and Leave here; Enqueue and Dial
by the parts that own queues, conferences and dialling (registered in ``verbs``).

A verb handler takes ``(leg, verb, doc_url, context)`` and returns the next step: None to go
on with the next verb, ``"hangup"``, ``("fetch", url, method, extra)`` or
``("twiml", text, url)``. The context (``main``, ``wait`` for a queue's wait music,
``whisper`` before a bridge) limits the verbs to those Twilio allows there.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import requests

from twilio_sim.legs import HungUp, Interrupted, Leg, Listening
from twilio_sim.people import Answer

if TYPE_CHECKING:
    from twilio_sim.simulator import Simulator

APPLICATION_ERROR = "We're sorry, an application error has occurred. Goodbye."
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

Step = tuple | str | None  # see the module docstring
Verb = Callable[[Leg, ET.Element, str, str], Step]


class AppError(Exception):
    """The app's answer could not be used (Twilio error code, the URL)."""

    def __init__(self, code: int, url: str, detail: str = ""):
        super().__init__(f"{code} {url} {detail}")
        self.code, self.url, self.detail = code, url, detail


class Left(Exception):
    """<Leave> in wait TwiML."""


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


class Interpreter:
    """Fetches TwiML for a leg and executes it."""

    def __init__(self, sim: Simulator, *, play_seconds: float, words_per_second: float):
        self.sim = sim
        self.play_seconds = play_seconds
        self.words_per_second = words_per_second
        self.verbs: dict[str, Verb] = {
            "Say": self.say,
            "Play": self.play,
            "Pause": self.pause,
            "Hangup": self.hangup,
            "Reject": self.reject,
            "Leave": self.leave,
            "Redirect": self.redirect,
            "Gather": self.gather,
        }

    # -- fetching -----------------------------------------------------------------------------

    def fetch(self, leg: Leg, url: str, method: str = "POST", **extra) -> ET.Element:
        """Request TwiML from the app; AppError when Twilio could not use the answer."""
        params = leg.params(**extra)
        try:
            response = self.sim.transport.send(url, method, params)
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

    # -- running a call -------------------------------------------------------------------------

    def answer_inbound(self, leg: Leg, url: str) -> None:
        """An inbound call: the number's URL (or its fallback) answers it, then its TwiML runs."""
        try:
            root, doc_url = self.fetch_with_fallback(leg, url)
        except AppError:
            self.application_error(leg)
            return
        leg.status = "in-progress"
        leg.answered_at = self.sim.clock.now()
        self.run_document(leg, root, doc_url)

    def application_error(self, leg: Leg) -> None:
        leg.record("say", text=APPLICATION_ERROR, language="en-US")
        leg.finish("completed")

    def run_document(self, leg: Leg, root: ET.Element | None, doc_url: str) -> None:
        """Run TwiML on a leg until its call ends, following redirects and actions."""
        while root is not None:
            try:
                step = self.execute(leg, root, doc_url, context="main")
            except HungUp:
                leg.finish("completed")
                return
            except Interrupted as interrupt:
                step = self.after_interrupt(interrupt)
            except AppError:
                self.application_error(leg)
                return
            if step is None:
                break
            try:
                root, doc_url = self.follow(leg, step)
            except AppError:
                self.application_error(leg)
                return
            except HungUp:
                leg.finish("completed")
                return
        leg.finish("completed")

    def follow(self, leg: Leg, step: tuple) -> tuple[ET.Element | None, str]:
        """The document a step leads to, and its URL."""
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

    @staticmethod
    def after_interrupt(interrupt: Interrupted) -> tuple | None:
        """The step a REST redirect or dequeue leads to (None for other interruptions)."""
        if interrupt.kind in ("redirect", "dequeue"):
            info = interrupt.info
            if info.get("twiml"):
                return ("twiml", info["twiml"], info.get("url", ""))
            return ("fetch", info["url"], info.get("method", "POST"), {})
        return None

    def execute(self, leg: Leg, root: ET.Element, doc_url: str, context: str) -> tuple | None:
        """Run a document's verbs. Returns the next step ("fetch", url, method, extra),
        ("twiml", text, url), or None when the document ran out (or hung up)."""
        allowed = {"main": MAIN_VERBS, "wait": WAIT_VERBS, "whisper": WHISPER_VERBS}[context]
        for verb in root:
            leg.check()
            if verb.tag not in allowed:
                raise AppError(12100, doc_url, f"<{verb.tag}> is not allowed here ({context})")
            handler = self.verbs.get(verb.tag)
            if handler is None:
                leg.record("unsupported", verb=verb.tag)
                continue
            step = handler(leg, verb, doc_url, context)
            if step == "hangup":
                raise HungUp("app")
            if step is not None:
                return step
        return None

    # -- the verbs ------------------------------------------------------------------------------

    def sound(self, leg: Leg, verb: ET.Element) -> tuple[float, list[str]]:
        """Record a Say, Play or Pause starting now; how long it lasts and the words it says."""
        loops = max(1, int(verb.get("loop", "1") or 1))
        if verb.tag == "Say":
            text = " ".join("".join(verb.itertext()).split())
            leg.record(
                "say",
                text=text,
                language=verb.get("language", "en-US"),
                voice=verb.get("voice", ""),
            )
            words = text.split()
            seconds = max(0.5, len(words) / self.words_per_second) / _rate(verb)
            return seconds * loops, words * loops
        if verb.tag == "Play":
            leg.record("play", url=(verb.text or "").strip())
            return self.play_seconds * loops, []
        length = float(verb.get("length", "1") or 1)
        leg.record("pause", seconds=length)
        return length, []

    def say(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> None:
        leg.pass_time(self.sound(leg, verb)[0])

    play = pause = say

    def hangup(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> str:
        leg.record("hangup", by="app")
        return "hangup"

    def reject(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> None:
        leg.record("reject", reason=verb.get("reason", "rejected"))
        leg.answered_at = None
        leg.finish("busy" if verb.get("reason") == "busy" else "no-answer")
        raise HungUp("rejected")

    def leave(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> None:
        if context != "wait":
            leg.record("ignored", verb="Leave")
            return None
        raise Left()

    def redirect(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> tuple:
        target = urljoin(doc_url, (verb.text or "").strip())
        return ("fetch", target, verb.get("method", "POST"), {})

    # -- <Gather>: listening from the prompt's first word ----------------------------------------

    def gather(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> tuple | None:
        """Twilio's <Gather>: it listens while its prompt plays. A key stops the prompt at once,
        and so does speech unless ``bargeIn="false"`` (then the prompt plays on and the words
        are used when it ends); without input it waits ``timeout`` seconds after the prompt.
        The transcript says when it began (``gather``), what was interrupted (``barge-in``:
        the prompt, how far into it, the nested verbs skipped), and ``input`` or
        ``no-input``."""
        inputs = verb.get("input", "dtmf").split()
        timeout = float(verb.get("timeout", "5") or 5)
        barge_in = (verb.get("bargeIn") or "true").lower() != "false"
        listening = Listening(frozenset(inputs), barge_in, in_queue=context == "wait")
        leg.record(
            "gather",
            input=" ".join(inputs),
            timeout=timeout,
            action=verb.get("action", ""),
            barge_in=barge_in,
        )
        with self.sim.lock:
            leg.listening = listening
        try:
            return self._gathered(leg, verb, doc_url, listening, timeout)
        finally:
            with self.sim.lock:
                leg.listening = None
                dropped = getattr(leg.person, "drop_pending", list)()
            for answer in dropped:
                leg.record("dropped", digits=answer.digits, speech=answer.speech)

    def _gathered(
        self, leg: Leg, verb: ET.Element, doc_url: str, listening: Listening, timeout: float
    ) -> tuple | None:
        clock = self.sim.clock
        answer = self._prompt(leg, list(verb), listening)
        deadline = clock.now() + timeout
        if answer is None:
            answer = self._listen(leg, listening, timeout, None)
        if answer is not None and answer.hangup:
            leg.hangup_requested = "caller"
            leg.check()
        action = urljoin(doc_url, verb.get("action") or doc_url)
        method = verb.get("method", "POST")
        if answer is not None and answer.digits and "dtmf" in listening.inputs:
            digits, finished = self._digits(leg, verb, listening, answer, timeout)
            leg.record("input", digits=digits)
            if not answer.live:  # a scripted caller takes a moment to press
                leg.pass_time(0.5 + 0.3 * len(digits))
            return ("fetch", action, method, {"Digits": digits, "FinishedOnKey": finished})
        if answer is not None and answer.speech and "speech" in listening.inputs:
            leg.record("input", speech=answer.speech)
            leg.pass_time(1.5)  # the end of speech is heard after a short silence
            return ("fetch", action, method, {"SpeechResult": answer.speech, "Confidence": "0.92"})
        leg.pass_time(max(0.0, deadline - clock.now()))
        leg.record("no-input", timeout=timeout)
        if verb.get("actionOnEmptyResult") == "true":
            return ("fetch", action, method, {"Digits": "", "FinishedOnKey": ""})
        return None

    def _prompt(self, leg: Leg, children: list[ET.Element], listening: Listening):
        """Play the nested verbs while listening: the answer that interrupted them (recorded
        as a barge-in), or one given while they played that lets them play on (speech without
        barge-in, or input this Gather does not take), or None."""
        clock = self.sim.clock
        taken = None
        entry, words, seconds = None, [], 0.0  # the verb played last
        for index, child in enumerate(children):
            leg.check()
            with self.sim.lock:  # input given before this verb starts interrupts before it
                early = None
                if taken is None:
                    early = leg.person.answer(listening.in_queue, leg.age(), listening.heard)
                by = _barges_in(early, listening)
                if by is None:
                    seconds, words = self.sound(leg, child)
                    entry = leg.transcript[-1]
            if by is not None:
                self._barge_in(leg, entry, by, seconds, words, seconds, len(children) - index)
                return early
            taken = taken or early
            if taken is not None:
                leg.pass_time(seconds)
                continue
            started = clock.now()
            answer = self._listen(leg, listening, seconds, words)
            by = _barges_in(answer, listening)
            if by is not None:
                into = clock.now() - started
                self._barge_in(leg, entry, by, into, words, seconds, len(children) - index - 1)
                return answer
            if answer is not None:
                taken = answer
                leg.pass_time(max(0.0, seconds - (clock.now() - started)))
        return taken

    def _barge_in(self, leg, entry, by, into, words, seconds, skipped) -> None:
        """Record that input stopped the prompt (``entry``: the verb playing, None before the
        first), unless it was a hang-up."""
        if by == "hangup":
            return
        heard = words[: int(len(words) * min(1.0, into / seconds))] if seconds and words else []
        if entry is not None:
            entry["interrupted_after"] = round(into, 2)
        leg.record(
            "barge-in",
            by=by,
            verb=entry["kind"] if entry else "",
            prompt=entry.get("text", "") if entry else "",
            after=round(into, 2),
            heard=" ".join(heard),
            skipped=skipped,
        )

    def _listen(
        self, leg: Leg, listening: Listening, seconds: float, words: list[str] | None
    ) -> Answer | None:
        """Let ``seconds`` pass while the Gather listens; the answer given meanwhile
        (consumed), or None. ``words``: what is said meanwhile (the prompt playing), None once
        the prompt is over."""
        clock = self.sim.clock
        start = clock.now()
        end = start + seconds
        before = listening.heard
        per_word = seconds / len(words) if words else 0.0
        while True:
            leg.wake.clear()  # before asking: live input given from now on wakes us
            now = clock.now()
            heard = None
            if words is not None:
                spoken = len(words)
                if per_word:
                    spoken = min(spoken, int((now - start) / per_word + 0.05))
                heard = " ".join([before, *words[:spoken]]).strip()
                listening.heard = heard
            answer = leg.person.answer(listening.in_queue, leg.age(), heard)
            if answer is not None:
                return answer
            if now >= end:
                return None
            due = self._due(leg, listening, before, words, start, per_word)
            leg.doze(max(0.001, min(end, due) - now))

    @staticmethod
    def _due(leg, listening, before, words, start, per_word) -> float:
        """When the next scripted answer will be given (inf: not while this plays)."""
        upcoming = leg.person.next_answer(listening.in_queue)
        if upcoming is None:
            return math.inf
        now = leg.sim.clock.now()
        at = now + max(0.0, upcoming.after - leg.age())
        if words is None:
            return at
        if not upcoming.heard:
            return at if upcoming.after > 0 else math.inf
        wanted = upcoming.heard.lower()
        for count in range(1, len(words) + 1):
            if wanted in " ".join([before, *words[:count]]).lower():
                return max(at, start + count * per_word)
        return math.inf

    def _digits(self, leg, verb, listening, first: Answer, timeout: float) -> tuple[str, str]:
        """The keys of the answer; live keys come one at a time, until ``numDigits``, the
        finish key, or ``timeout`` seconds after the last one."""
        finish = verb.get("finishOnKey", "#")
        wanted = int(verb.get("numDigits") or 0)
        digits = first.digits

        def complete() -> bool:
            return bool((finish and finish in digits) or (wanted and len(digits) >= wanted))

        while first.live and not complete():
            more = self._listen(leg, listening, timeout, None)
            if more is None or not more.digits:
                break
            digits += more.digits
        finished = ""
        if finish and finish in digits:
            digits, finished = digits.split(finish, 1)[0], finish
        if wanted:
            digits = digits[:wanted]
        return digits, finished


def _barges_in(answer: Answer | None, listening: Listening) -> str | None:
    """How an answer stops a prompt: "dtmf", "speech", "hangup", or None (it lets it play)."""
    if answer is None:
        return None
    if answer.hangup:
        return "hangup"
    if answer.digits and "dtmf" in listening.inputs:
        return "dtmf"
    if answer.speech and "speech" in listening.inputs and listening.barge_in:
        return "speech"
    return None


def _rate(verb: ET.Element) -> float:
    """The speaking rate of a Say: 1.0, or its <prosody rate="85%"> as a fraction."""
    for element in verb.iter("prosody"):
        rate = (element.get("rate") or "").strip()
        if rate.endswith("%"):
            try:
                return max(0.2, float(rate[:-1]) / 100)
            except ValueError:
                return 1.0
    return 1.0
