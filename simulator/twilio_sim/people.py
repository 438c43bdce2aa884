"""The people on the phone: scripted callers, and the phones the app rings."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class Answer:
    """What a person does when a Gather listens."""

    digits: str = ""
    speech: str = ""
    hangup: bool = False
    in_queue: bool = False  # only for a Gather heard while waiting in a queue
    after: float = 0  # only once the call is at least this many seconds old


def press(digits: str, **when) -> Answer:
    return Answer(digits=digits, **when)


def say(words: str, **when) -> Answer:
    return Answer(speech=words, **when)


def silence(**when) -> Answer:
    return Answer(**when)


def hang_up(**when) -> Answer:
    return Answer(hangup=True, **when)


@dataclass
class Person:
    """Anyone on a call: answers Gathers from a script, and may hang up at a moment."""

    number: str
    answers: list[Answer] = field(default_factory=list)
    hangup_after: float | None = None  # seconds after the call was answered
    hangup_when_heard: str | None = None  # hang up as soon as this text is said

    def answer(self, in_queue: bool, age: float) -> Answer | None:
        """The next scripted answer that fits this moment, consumed; None is silence."""
        for index, answer in enumerate(self.answers):
            if answer.in_queue == in_queue and age >= answer.after:
                return self.answers.pop(index)
            if answer.in_queue == in_queue:
                return None  # the next answer for this context is not due yet
        return None


@dataclass
class Caller(Person):
    """A citizen who calls the helpline."""


@dataclass
class PhoneOwner(Person):
    """Someone the app calls: a volunteer's phone, or a citizen called back.

    ``mode``: ``answer`` (after ``answer_after`` seconds), ``no-answer``, ``busy``, ``failed``,
    or ``voicemail`` (answers after ``answer_after`` seconds, plays a greeting of
    ``greeting_seconds``, never presses a key, records what is said after the beep, and hangs
    up after ``voicemail_seconds``).
    """

    mode: str = "answer"
    answer_after: float = 2
    voicemail_seconds: float = 60
    greeting_seconds: float = 5  # a voicemail's greeting, before its beep
    press_every_call: str = ""  # a phone that answers many calls (the demo's): keys each time

    def answer(self, in_queue: bool, age: float) -> Answer | None:
        if self.mode == "voicemail":
            return None
        if self.press_every_call:
            return press(self.press_every_call)
        return super().answer(in_queue, age)


class InteractiveCaller(Caller):
    """A caller driven from outside (the browser phone): keys and words arrive as they are
    pressed or typed, and are heard by the Gather that is listening at that moment."""

    def __init__(self, number: str):
        super().__init__(number)
        self._lock = threading.Lock()
        self._pending: list[Answer] = []

    def give(self, answer: Answer) -> None:
        with self._lock:
            self._pending.append(answer)

    def answer(self, in_queue: bool, age: float) -> Answer | None:
        with self._lock:
            return self._pending.pop(0) if self._pending else None
