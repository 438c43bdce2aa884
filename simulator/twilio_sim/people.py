"""The people on the phone: scripted callers, and the phones the app rings.

A <Gather> listens from the moment its prompt starts (Twilio's barge-in): a scripted answer
with ``heard`` is given as soon as those words of the prompt have been said, one with
``after`` as soon as the call is that old, and any other answer when the prompt has ended
(a caller who listens to the whole menu). Live input (the browser phone) is heard the moment
it is given."""

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
    heard: str = ""  # as soon as the prompt has said these words (interrupting the rest)
    live: bool = False  # given as it happened (the browser phone): keys come one at a time

    def due(self, age: float, heard: str | None) -> bool:
        """Whether this answer is given now: ``heard`` is what the Gather's prompt has said so
        far while it plays, None once it has ended."""
        if age < self.after:
            return False
        if heard is None:
            return True
        if self.heard:
            return self.heard.lower() in heard.lower()
        return self.after > 0


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

    def next_answer(self, in_queue: bool) -> Answer | None:
        """The next scripted answer for this context (a Gather in a queue's wait or not)."""
        return next((a for a in self.answers if a.in_queue == in_queue), None)

    def answer(self, in_queue: bool, age: float, heard: str | None = None) -> Answer | None:
        """The next scripted answer if it is given at this moment (consumed); None is silence
        or not yet. ``heard``: see ``Answer.due``."""
        upcoming = self.next_answer(in_queue)
        if upcoming is None or not upcoming.due(age, heard):
            return None
        self.answers.remove(upcoming)
        return upcoming


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

    def answer(self, in_queue: bool, age: float, heard: str | None = None) -> Answer | None:
        if self.mode == "voicemail":
            return None
        if self.press_every_call:
            return press(self.press_every_call) if heard is None else None
        return super().answer(in_queue, age, heard)


class InteractiveCaller(Caller):
    """A caller driven from outside (the browser phone): keys and words arrive as they are
    pressed or typed (``Leg.hear``), and are heard by the Gather listening at that moment."""

    def __init__(self, number: str):
        super().__init__(number)
        self._lock = threading.Lock()
        self._pending: list[Answer] = []

    def give(self, answer: Answer) -> None:
        with self._lock:
            self._pending.append(answer)

    def answer(self, in_queue: bool, age: float, heard: str | None = None) -> Answer | None:
        with self._lock:
            return self._pending.pop(0) if self._pending else None

    def next_answer(self, in_queue: bool) -> Answer | None:
        return None  # nothing scripted: live input wakes the call when it comes

    def drop_pending(self) -> list[Answer]:
        """Input no Gather heard (given as one ended): gone, as on a real line."""
        with self._lock:
            dropped, self._pending = self._pending, []
        return dropped
