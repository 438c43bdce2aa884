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

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import requests

from twilio_sim.legs import HungUp, Interrupted, Leg

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

    def say(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> None:
        text = " ".join("".join(verb.itertext()).split())
        loops = int(verb.get("loop", "1") or 1)
        leg.record(
            "say", text=text, language=verb.get("language", "en-US"), voice=verb.get("voice", "")
        )
        leg.pass_time(max(0.5, len(text.split()) / self.words_per_second) * max(1, loops))

    def play(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> None:
        leg.record("play", url=(verb.text or "").strip())
        leg.pass_time(self.play_seconds * max(1, int(verb.get("loop", "1") or 1)))

    def pause(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> None:
        length = float(verb.get("length", "1") or 1)
        leg.record("pause", seconds=length)
        leg.pass_time(length)

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

    def gather(self, leg: Leg, verb: ET.Element, doc_url: str, context: str) -> tuple | None:
        for child in verb:
            leg.check()
            self.verbs[child.tag](leg, child, doc_url, context)
        inputs = verb.get("input", "dtmf").split()
        timeout = float(verb.get("timeout", "5") or 5)
        leg.record("gather", input=" ".join(inputs), timeout=timeout, action=verb.get("action", ""))
        clock = self.sim.clock
        deadline = clock.now() + timeout
        in_queue = context == "wait"
        answer = leg.person.answer(in_queue=in_queue, age=leg.age())
        while answer is None and clock.now() < deadline:  # listening: input may come
            leg.pass_time(min(0.5, deadline - clock.now()))
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
        leg.pass_time(max(0.0, deadline - clock.now()))
        if verb.get("actionOnEmptyResult") == "true":
            return ("fetch", action, method, {"Digits": "", "FinishedOnKey": ""})
        return None
