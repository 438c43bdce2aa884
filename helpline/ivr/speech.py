"""Matching what a caller said to a menu option: forgiving, but never a guess between two.

The words themselves (number words, "repeat", "a person", ...) are data in the flow file
(``speech:``), held by ``Vocabulary``; a tie is reported (``candidates``) so that the menu
can ask one short follow-up question instead of guessing."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from helpline.ivr.vocabulary import Vocabulary

NO_WORDS = Vocabulary()


def normalize(text: str) -> str:
    """Lower case, accents off, punctuation to spaces: 'DigiD?' -> 'digid', 'één' -> 'een'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def spoken_key(text: str, lang: str, vocabulary: Vocabulary = NO_WORDS) -> str | None:
    """A short answer that is just a key: '3', 'drie', 'nummer drie', 'press three'."""
    leads = {normalize(w) for w in vocabulary.of("number_leads", lang)}
    tokens = [t for t in normalize(text).split() if t not in leads]
    if len(tokens) != 1:
        return None
    token = tokens[0]
    if token.isdigit() and len(token) == 1:
        return token
    return vocabulary.numbers.get(lang, {}).get(token)


def asks_repeat(text: str, lang: str, vocabulary: Vocabulary = NO_WORDS) -> bool:
    norm = f" {normalize(text)} "
    return any(f" {normalize(p)} " in norm for p in vocabulary.of("repeat", lang))


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


def scores(text: str, options: list[tuple[str, tuple[str, ...]]]) -> dict[str, int]:
    """How well the words fit each option (key -> score; options that do not fit are left out)."""
    norm = normalize(text)
    if not norm:
        return {}
    tokens = norm.split()
    joined = norm.replace(" ", "")
    found: dict[str, int] = {}
    for option_key, phrases in options:
        score = max((_phrase_score(p, norm, tokens, joined) for p in phrases), default=0)
        if score:
            found[option_key] = max(score, found.get(option_key, 0))
    return found


def candidates(
    text: str,
    options: list[tuple[str, tuple[str, ...]]],
    lang: str,
    vocabulary: Vocabulary = NO_WORDS,
    *,
    weak: str = "",
) -> list[str]:
    """The keys the words point to: one, several when they tie, or none.

    ``weak`` is a key that wins only alone (the person key 0: "ik heb hulp nodig met mijn
    bank" is about the bank, and the caller gets a person there too).
    """
    key = spoken_key(text, lang, vocabulary)
    if key is not None:
        return [key] if any(k == key for k, _ in options) else []
    found = scores(text, options)
    if weak and weak in found and len(found) > 1:
        del found[weak]
    if not found:
        return []
    best = max(found.values())
    return [k for k, v in found.items() if v == best]


def match(
    text: str,
    options: list[tuple[str, tuple[str, ...]]],
    lang: str,
    vocabulary: Vocabulary = NO_WORDS,
) -> str | None:
    """The key of the option the words point to, or None when nothing (or a tie) matches.

    ``options`` is a list of (key, phrases in ``lang``).
    """
    found = candidates(text, options, lang, vocabulary)
    return found[0] if len(found) == 1 else None
