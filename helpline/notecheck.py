"""The wrap-up note must never hold personal details. This refuses the ones a program can
recognise: phone numbers, BSNs (citizen service numbers), IBANs, card numbers and e-mail
addresses, however they are written.

It is a safety net, not a guarantee: the form also warns in words. The numbers are recognised
by the libraries made for them: ``phonenumbers`` (Google's libphonenumber: its matcher finds
numbers written in many ways, and knows which are valid numbers of which country) and
``python-stdnum`` (the eleven test of a BSN, IBANs by country, the Luhn check of card numbers).
Before that the note is normalised, so that a number cannot hide behind its separators:
full-width digits become digits, every Unicode dash a hyphen, every Unicode space a space, and
commas and underscores between digits a space. An ordinary note ("DigiD app opnieuw
geactiveerd, versie 6.2", a date, a time, an amount, a postcode) passes.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from stdnum import iban, luhn
from stdnum.nl import bsn

MAX_NOTE = 500
REGION = "NL"  # a number without a country code is read as Dutch

# E-mail addresses, also written to slip past a check: anna[at]example.nl, anna (at)
# example.nl, anna at example dot nl, and an @ without a dot after it (anna@example).
AT = r"(?:\s*@\s*|\s*[\[({<]\s*(?:at|@|apestaart(?:je)?)\s*[\])}>]\s*|\s+(?:at|apenstaartje)\s+)"
DOT = r"(?:\.|\s*[\[({<]\s*(?:dot|punt)\s*[\])}>]\s*|\s+(?:dot|punt)\s+)"
EMAIL_PLAIN = re.compile(r"[\w.+-]+@[\w-]+")
EMAIL_WRITTEN = re.compile(
    rf"[\w.+-]*[a-z][\w.+-]*{AT}[a-z0-9][\w-]*(?:{DOT}[a-z][\w-]*)+", re.IGNORECASE
)
EMAIL_BRACKETED = re.compile(r"[\w.+-]+\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*[\w-]+", re.IGNORECASE)

# Where an IBAN may start: two letters and two check digits, then letters, digits, spaces.
# A lookahead, so that candidates overlap: an earlier "AB12" cannot hide a real IBAN after it.
IBAN_START = re.compile(r"(?=(\b[A-Za-z]{2}\d{2}[A-Za-z0-9 -]{11,44}))")
# Runs of digits, with the separators people type inside numbers (after normalising).
DIGIT_RUN = re.compile(r"\+?\d[\d \-./()]{6,}\d")
# Between two digits: a comma or an underscore (with spaces around it) is a separator.
DIGIT_SEPARATOR = re.compile(r"(?<=\d)\s*[,_]\s*(?=\d)")


def normalise(note: str) -> str:
    """The note with its look-alikes made plain: full-width and other compatibility forms
    (NFKC), every dash a hyphen, every space a space, commas and underscores between digits
    a space, zero-width characters gone."""
    text = unicodedata.normalize("NFKC", note)
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Pd" or ch in "\u2212\u2043\ufe63\uff0d":  # dashes, minus signs
            out.append("-")
        elif category == "Zs" or ch in "\t\r\n":
            out.append(" ")
        elif category == "Cf":  # zero-width space, joiners, soft hyphen
            continue
        else:
            out.append(ch)
    return DIGIT_SEPARATOR.sub(" ", "".join(out))


def problems(note: str) -> list[str]:
    """What the note holds that it must not, as kinds: 'email', 'iban', 'card', 'bsn', 'phone',
    'too_long'. Empty when the note is fine."""
    found: list[str] = []
    if len(note) > MAX_NOTE:
        found.append("too_long")
    text = normalise(note[: MAX_NOTE * 4])
    if EMAIL_PLAIN.search(text) or EMAIL_WRITTEN.search(text) or EMAIL_BRACKETED.search(text):
        found.append("email")
    if any(_holds_iban(m.group(1)) for m in IBAN_START.finditer(text)):
        found.append("iban")
    for match in phonenumbers.PhoneNumberMatcher(
        text, REGION, leniency=phonenumbers.Leniency.VALID
    ):
        if _is_phone(match.raw_string):
            found.append("phone")
    for match in DIGIT_RUN.finditer(text):
        found.extend(_numbers_in(match.group(0).strip()))
    return sorted(set(found), key=found.index)


def _numbers_in(raw: str) -> list[str]:
    """The kinds of the numbers in one run of digits: the run as a whole, else each piece and
    each pair of neighbouring pieces (several numbers written next to each other)."""
    kind = _number_kind(raw)
    if kind:
        return [kind]
    found = []
    pieces = [p for p in re.split(r"\s*/\s*|\s{2,}|\s(?=\+|0)", raw) if p]
    for i, piece in enumerate(pieces):
        for candidate in (piece, " ".join(pieces[i : i + 2])):
            kind = _number_kind(candidate)
            if kind:
                found.append(kind)
    return found


def _number_kind(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if 13 <= len(digits) <= 19 and luhn.is_valid(digits) and not raw.startswith("+"):
        return "card"
    if _is_phone(raw):
        return "phone"
    if len(digits) == 9 and bsn.is_valid(digits):
        return "bsn"
    return None


def _is_phone(raw: str) -> bool:
    """A valid phone number: Dutch, written with its 0 in front, or any country's with its
    code (+ or 00); not a date written with dashes or slashes (12-03-2026)."""
    raw = raw.strip()
    if not re.match(r"[+(]|0", raw) or re.fullmatch(r"\d{1,2}[-./]\d{1,2}[-./]\d{2,4}", raw):
        return False
    try:
        number = phonenumbers.parse(raw, REGION)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _holds_iban(candidate: str) -> bool:
    """Whether some start of the candidate (spaces and hyphens removed) is a valid IBAN; the
    candidate may run on into the words after it."""
    text = re.sub(r"[\s-]", "", candidate).upper()
    # the structure and check digits of the country's IBAN; not the national account checks,
    # which some real IBANs fail in the library's tables
    return any(
        iban.is_valid(text[:length], check_country=False)
        for length in range(15, min(len(text), 34) + 1)
    )
