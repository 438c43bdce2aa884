"""Matching what a caller said to a menu option: forgiving, but never a guess between two."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

NUMBER_WORDS = {
    "nl": {
        "nul": "0",
        "een": "1",
        "eentje": "1",
        "twee": "2",
        "drie": "3",
        "vier": "4",
        "vijf": "5",
        "zes": "6",
        "zeven": "7",
        "acht": "8",
        "negen": "9",
    },
    "en": {
        "zero": "0",
        "one": "1",
        "two": "2",
        "three": "3",
        "four": "4",
        "five": "5",
        "six": "6",
        "seven": "7",
        "eight": "8",
        "nine": "9",
    },
}
NUMBER_LEADS = {"nummer", "optie", "toets", "druk", "op", "number", "option", "press", "key"}
REPEAT_PHRASES = {
    "nl": (
        "herhaal",
        "herhalen",
        "nog een keer",
        "nog eens",
        "opnieuw",
        "wat zei u",
        "sterretje",
        "ster",
    ),
    "en": ("repeat", "again", "say that again", "pardon", "star"),
}


def normalize(text: str) -> str:
    """Lower case, accents off, punctuation to spaces: 'DigiD?' -> 'digid', 'één' -> 'een'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def spoken_key(text: str, lang: str) -> str | None:
    """A short answer that is just a key: '3', 'drie', 'nummer drie', 'press three'."""
    tokens = [t for t in normalize(text).split() if t not in NUMBER_LEADS]
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token.isdigit() and len(token) == 1:
        return token
    return NUMBER_WORDS.get(lang, {}).get(token)


def asks_repeat(text: str, lang: str) -> bool:
    norm = f" {normalize(text)} "
    return any(f" {normalize(p)} " in norm for p in REPEAT_PHRASES.get(lang, ()))


def _phrase_score(phrase: str, norm: str, tokens: list[str], joined: str) -> int:
    p = normalize(phrase)
    if not p:
        return 0
    compact = p.replace(" ", "")
    if f" {p} " in f" {norm} ":
        return len(compact) + 1  # an exact phrase beats a partial word
    if " " in p:
        # "digi d" said as "digid", or "wacht woord" as "wachtwoord"
        return len(compact) if len(compact) >= 5 and compact in joined else 0
    best = 0
    for token in tokens:
        if token == p:
            return len(p) + 1
        if len(p) >= 4 and token.startswith(p):  # bankapp, wachtwoorden
            best = max(best, len(p))
        elif len(p) >= 6 and p in token:  # internetbankieren
            best = max(best, len(p))
        elif len(p) >= 5 and len(token) >= 5 and SequenceMatcher(None, p, token).ratio() >= 0.85:
            best = max(best, len(p) - 1)  # a transcription slip: wachtwoort
        elif compact in joined and len(compact) >= 5:
            best = max(best, len(compact) - 1)
    return best


def match(text: str, options: list[tuple[str, tuple[str, ...]]], lang: str) -> str | None:
    """The key of the option the words point to, or None when nothing (or a tie) matches.

    ``options`` is a list of (key, phrases in ``lang``).
    """
    key = spoken_key(text, lang)
    if key is not None:
        return key if any(k == key for k, _ in options) else None
    norm = normalize(text)
    if not norm:
        return None
    tokens = norm.split()
    joined = norm.replace(" ", "")
    scores: dict[str, int] = {}
    for option_key, phrases in options:
        score = max((_phrase_score(p, norm, tokens, joined) for p in phrases), default=0)
        if score:
            scores[option_key] = score
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]
