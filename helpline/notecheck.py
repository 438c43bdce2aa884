"""The wrap-up note must never hold personal details. This refuses the obvious ones: IBANs,
card numbers, BSNs (citizen service numbers), phone numbers and e-mail addresses.

It is a safety net, not a guarantee: the form also warns in words. Each check is strict enough
that an ordinary note ("DigiD app opnieuw geactiveerd, versie 6.2") passes.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NOTE = 500

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Where an IBAN may start: two letters and two check digits, then letters, digits, spaces.
# A lookahead, so that candidates overlap: an earlier "AB12" cannot hide a real IBAN after it.
IBAN_START = re.compile(r"(?=(\b[A-Za-z]{2}\d{2}[A-Za-z0-9 ]{11,44}))")
# Runs of digits, allowing the separators people type inside numbers.
# IBAN lengths of the countries callers are likely to bank in (SEPA countries).
IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "LU": 20, "ES": 24, "IT": 27, "PT": 25,
    "AT": 20, "CH": 21, "IE": 22, "PL": 28, "DK": 18, "SE": 24, "NO": 15, "FI": 18, "GR": 27,
    "TR": 26, "CZ": 24, "HU": 28, "RO": 24, "BG": 22, "HR": 21, "SI": 19, "SK": 24,
}  # fmt: skip
DIGIT_RUN = re.compile(r"\+?\d[\d \-./()]{6,}\d")


def _iban_valid(text: str) -> bool:
    moved = text[4:] + text[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return int(number) % 97 == 1


def _holds_iban(candidate: str) -> bool:
    """Whether some start of the candidate (spaces removed) is an IBAN with valid check digits;
    the candidate may run on into the words after it."""
    text = re.sub(r"\s", "", candidate).upper()
    length = IBAN_LENGTHS.get(text[:2])
    return length is not None and len(text) >= length and _iban_valid(text[:length])


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
    note = unicodedata.normalize("NFKC", note)  # full-width digits are digits too
    if len(note) > MAX_NOTE:
        found.append("too_long")
    if EMAIL.search(note):
        found.append("email")
    if any(_holds_iban(m.group(1)) for m in IBAN_START.finditer(note)):
        found.append("iban")
    for match in DIGIT_RUN.finditer(note):
        raw = match.group(0).strip()
        kind = _number_kind(raw)
        if kind is None:
            # several numbers written next to each other ("06 12345678 / 020 1234567"):
            # look at each piece, and at each pair of neighbouring pieces
            pieces = [p for p in re.split(r"\s*/\s*|\s{2,}|\s(?=\+|0)", raw) if p]
            for i, piece in enumerate(pieces):
                for candidate in (piece, " ".join(pieces[i : i + 2])):
                    kind = _number_kind(candidate)
                    if kind:
                        found.append(kind)
        else:
            found.append(kind)
    return sorted(set(found), key=found.index)


def _number_kind(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if 13 <= len(digits) <= 19 and _luhn(digits) and not raw.startswith("+"):
        return "card"
    if _phone(raw, digits):
        return "phone"
    if _bsn(digits):
        return "bsn"
    return None
