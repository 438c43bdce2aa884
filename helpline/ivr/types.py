"""The flow as plain data: its steps, options, topics and prompts (read and checked by
``helpline.ivr.flow``, walked by ``helpline.ivr.engine``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpline.ivr.vocabulary import Organisation, SpeechSettings, Vocabulary


@dataclass(frozen=True)
class Line:
    text: str
    lang: str | None = None  # speak in another language's voice


@dataclass(frozen=True)
class Route:
    goto: str
    set: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Option:
    key: str
    speech: dict[str, tuple[str, ...]]
    route: Route


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    prompt: str | None = None
    short_prompt: str | None = None
    options: tuple[Option, ...] = ()
    no_input: Route | None = None
    wrong_input: Route | None = None
    timeout: int | None = None
    max_tries: int | None = None
    enabled_by: str | None = None
    goto: str | None = None
    hangup: bool = False
    pause: int | None = None  # seconds after each line of this step's prompts (flow default)
    in_wait: bool = False  # asked while the caller holds their place in line
    organisations: Route | None = None  # the organisations of the chosen kind, by speech
    wait_questions: str | None = None  # a queue step: the first question asked in the wait


@dataclass(frozen=True)
class Topic:
    id: str
    skill: str
    name: dict[str, str]
    # What volunteers can pick in the wrap-up form: sub-topic id -> name per language.
    subtopics: dict[str, dict[str, str]] = field(default_factory=dict)
    # What volunteers read and hear (without "uw": "de bank"); the name when there is none.
    staff: dict[str, str] = field(default_factory=dict)

    def staff_label(self, lang: str) -> str:
        return self.staff.get(lang) or self.name.get(lang) or self.id


@dataclass(frozen=True)
class Flow:
    name: str
    languages: tuple[str, ...]
    default_language: str
    voices: dict[str, dict[str, str]]
    settings: dict[str, Any]
    skills: tuple[str, ...]
    topics: dict[str, Topic]
    default_topic: str
    referral_sources: tuple[str, ...]
    start: str
    closed_start: str
    steps: dict[str, Step]
    prompts: dict[str, dict[str, tuple[Line, ...]]]
    organisations: dict[str, Organisation] = field(default_factory=dict)
    speech: SpeechSettings = field(default_factory=SpeechSettings)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    # What volunteers read for a referral source, per language (never the id itself).
    referral_staff: dict[str, dict[str, str]] = field(default_factory=dict)

    def referral_label(self, source: str, lang: str) -> str | None:
        """The staff label of a referral source, or None when the flow has none."""
        names = self.referral_staff.get(source) or {}
        return names.get(lang) or names.get(self.default_language) or None

    def step(self, step_id: str) -> Step:
        return self.steps[step_id]

    def voice(self, lang: str) -> dict[str, str]:
        return self.voices[lang]

    def setting(self, name: str) -> Any:
        return self.settings[name]
