"""The wrap-up note must never hold personal details. This refuses the obvious ones: IBANs,
card numbers, BSNs (citizen service numbers), phone numbers and e-mail addresses.

It is a safety net, not a guarantee: the form also warns in words. Each check is strict enough
that an ordinary note ("DigiD app opnieuw geactiveerd, versie 6.2") passes.
"""

from __future__ import annotations

import re

MAX_NOTE = 500

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# An IBAN: two letters, two check digits, then 11-30 letters and digits (spaces allowed).
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b", re.IGNORECASE)
# Runs of digits, allowing the separators people type inside numbers.
DIGIT_RUN = re.compile(r"\+?\d[\d \-./()]{6,}\d")


def _iban_valid(candidate: str) -> bool:
    text = re.sub(r"\s", "", candidate).upper()
    if not 15 <= len(text) <= 34:
        return False
    moved = text[4:] + text[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _bsn(digits: str) -> bool:
    """The eleven test of a Dutch BSN (nine digits)."""
    if len(digits) != 9 or digits == "0" * 9:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def _phone(raw: str, digits: str) -> bool:
    if raw.startswith("+") or raw.startswith("00"):
        return 10 <= len(digits) <= 15
    return len(digits) == 10 and digits.startswith("0")


def problems(note: str) -> list[str]:
    """What the note holds that it must not, as kinds: 'email', 'iban', 'card', 'bsn', 'phone',
    'too_long'. Empty when the note is fine."""
    found: list[str] = []
    if len(note) > MAX_NOTE:
        found.append("too_long")
    if EMAIL.search(note):
        found.append("email")
    if any(_iban_valid(m.group(0)) for m in IBAN.finditer(note)):
        found.append("iban")
    for match in DIGIT_RUN.finditer(note):
        raw = match.group(0).strip()
        digits = re.sub(r"\D", "", raw)
        if 13 <= len(digits) <= 19 and _luhn(digits) and not raw.startswith("+"):
            found.append("card")
        elif _phone(raw, digits):
            found.append("phone")
        elif _bsn(digits):
            found.append("bsn")
    return sorted(set(found), key=found.index)
