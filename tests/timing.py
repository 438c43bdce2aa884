"""The time to the line: how many seconds a caller spends between the answer and the moment
they hold a place in line, modelled over a call as the Twilio simulator played it.

The rules (issue 14), at Twilio's usual speaking rate:

- every word of a ``<Say>`` takes 0.4 s (a ``<prosody rate="85%">`` word 0.4 / 0.85 s), every
  ``<Pause>`` its length;
- a key-presser listens until the sentence that offers their key and presses it 1 s later;
- a key pressed from habit (like 0 for a person) comes 2 s into the ``<Gather>``'s prompt;
- a speaker waits for the prompt to end, speaks at 0.4 s a word, and the end of their speech
  is heard 1.5 s later (or after the ``<Gather>``'s whole-second ``speechTimeout`` when that is
  longer);
- silence costs the whole prompt plus the ``<Gather>``'s timeout.

The caller is in line from the request that puts them there: the one answered with
``<Enqueue>`` (what is said before the Enqueue is said to someone who already holds a place).

The model reads only the transcript's ``request`` entries: each TwiML document the app
answered, and the parameters of the request that followed it (Digits, SpeechResult, or
neither for silence), so it does not depend on how the simulator plays a prompt out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

WORD_SECONDS = 0.4
KEY_REACTION = 1.0
HABIT_KEY_AT = 2.0
END_OF_SPEECH = 1.5
DEFAULT_TIMEOUT = 5.0  # Twilio's <Gather> timeout when none is given

SENTENCE = re.compile(r"[^.?!]+[.?!]*")


@dataclass(frozen=True)
class Step:
    """One document the app answered, and what the caller did next."""

    twiml: str
    digits: str = ""
    speech: str = ""


class NotInLine(ValueError):
    """The call never reached the line (or the model cannot time it)."""


def steps(transcript: list[dict]) -> list[Step]:
    """The documents of a call, each with the input that answered it (the next request's)."""
    requests = [
        e for e in transcript if e.get("kind") == "request" and "<Response" in e.get("twiml", "")
    ]
    found = []
    for index, entry in enumerate(requests):
        following = requests[index + 1]["params"] if index + 1 < len(requests) else {}
        found.append(
            Step(
                entry["twiml"],
                digits=following.get("Digits", ""),
                speech=following.get("SpeechResult", ""),
            )
        )
    return found


def _rate(element: ET.Element) -> float:
    """The speaking rate of a <Say>: 1.0, or its prosody's percentage."""
    for prosody in element.iter("prosody"):
        rate = (prosody.get("rate") or "100%").rstrip("%")
        try:
            return max(0.2, float(rate) / 100)
        except ValueError:
            return 1.0
    return 1.0


def sentences(element: ET.Element) -> list[tuple[str, float]]:
    """The sentences of a <Say>, each with the seconds it takes."""
    text = " ".join("".join(element.itertext()).split())
    per_word = WORD_SECONDS / _rate(element)
    return [
        (part.strip(), len(part.split()) * per_word)
        for part in SENTENCE.findall(text)
        if part.strip()
    ]


def say_seconds(element: ET.Element) -> float:
    return sum(seconds for _, seconds in sentences(element))


def pause_seconds(element: ET.Element) -> float:
    return float(element.get("length", "1") or 1)


def offers(sentence: str, key: str) -> bool:
    """Whether a sentence offers this key ('Druk op 3.', 'Press 3.', 'press star')."""
    names = {"*": r"(?:\*|sterretje|star)", "#": r"(?:#|hekje|hash)"}
    pattern = names.get(key, rf"(?<![\d]){re.escape(key)}(?![\d])")
    return re.search(pattern, sentence, re.IGNORECASE) is not None


def gather_seconds(gather: ET.Element, step: Step, habit_keys: str) -> float:
    """Seconds from the start of a <Gather>'s prompt until the caller's input is in."""
    timeline: list[tuple[str, float]] = []  # (sentence, when it has been said)
    clock = 0.0
    for child in gather:
        if child.tag == "Say":
            for sentence, seconds in sentences(child):
                clock += seconds
                timeline.append((sentence, clock))
        elif child.tag == "Pause":
            clock += pause_seconds(child)
        elif child.tag == "Play":
            raise NotInLine("a <Play> inside a menu: the model cannot time it")
    prompt_end = clock
    inputs = (gather.get("input") or "dtmf").split()
    if step.digits and "dtmf" in inputs:
        key = step.digits[:1]
        if key in habit_keys:
            return HABIT_KEY_AT
        for sentence, said_at in timeline:
            if offers(sentence, key):
                return said_at + KEY_REACTION
        raise NotInLine(f"key {key} is pressed but no sentence of the prompt offers it")
    if step.speech and "speech" in inputs:
        speech_timeout = gather.get("speechTimeout") or "auto"
        end = float(speech_timeout) if speech_timeout.isdigit() else END_OF_SPEECH
        return prompt_end + len(step.speech.split()) * WORD_SECONDS + max(END_OF_SPEECH, end)
    timeout = float(gather.get("timeout") or DEFAULT_TIMEOUT)
    return prompt_end + timeout


def seconds_to_line(transcript: list[dict], *, habit_keys: str = "") -> float:
    """The modelled seconds from the answer to the request that put the caller in line.

    ``habit_keys``: keys this caller presses from habit, 2 s into a prompt (e.g. "0").
    """
    elapsed = 0.0
    for step in steps(transcript):
        root = ET.fromstring(step.twiml)
        if root.find("Enqueue") is not None:
            return round(elapsed, 1)
        for verb in root:
            if verb.tag == "Say":
                elapsed += say_seconds(verb)
            elif verb.tag == "Pause":
                elapsed += pause_seconds(verb)
            elif verb.tag == "Gather":
                elapsed += gather_seconds(verb, step, habit_keys)
                if step.digits or step.speech:
                    break  # the input goes to the action: the rest is not played
            elif verb.tag == "Redirect":
                break
            elif verb.tag in ("Hangup", "Reject"):
                raise NotInLine("the call was ended before the caller was in line")
    raise NotInLine("the call never reached <Enqueue>")
