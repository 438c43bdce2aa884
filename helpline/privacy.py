"""Caller numbers: pseudonyms (keyed HMAC) for everything stored, and the coarse region."""

from __future__ import annotations

import hashlib
import hmac
import re

import phonenumbers

# Dutch geographic area codes with two digits after the 0; all others have three.
_TWO_DIGIT_AREAS = {
    "10",
    "13",
    "15",
    "20",
    "23",
    "24",
    "26",
    "30",
    "33",
    "35",
    "36",
    "38",
    "40",
    "43",
    "45",
    "46",
    "50",
    "53",
    "55",
    "58",
    "70",
    "71",
    "72",
    "73",
    "74",
    "75",
    "76",
    "77",
    "78",
    "79",
}
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def pseudonym(number: str, key: str) -> str:
    """A stable pseudonym for a caller number; '' for an unknown or anonymous caller."""
    if not is_callable(number):
        return ""
    return hmac.new(key.encode(), number.encode(), hashlib.sha256).hexdigest()[:32]


def is_callable(number: str | None) -> bool:
    """Whether a number is a real E.164 number we could call back."""
    return bool(number) and bool(_E164.match(number))


def region(number: str | None) -> str:
    """'020' for an Amsterdam landline; 'mobile', 'non-geographic', 'abroad' or 'unknown'."""
    if not is_callable(number):
        return "unknown"
    if not number.startswith("+31"):
        return "abroad"
    national = number[3:]
    if national.startswith("6"):
        return "mobile"
    if national[:2] in {"80", "85", "87", "88", "90", "91", "97"}:
        return "non-geographic"
    if national[:2] in _TWO_DIGIT_AREAS:
        return "0" + national[:2]
    return "0" + national[:3]


def parse_typed_number(digits: str) -> str | None:
    """A number typed on the keypad as E.164: '0612345678' -> '+31612345678'."""
    digits = re.sub(r"\D", "", digits or "")
    if digits.startswith("00") and 9 <= len(digits) <= 17 and not digits.startswith("000"):
        candidate = "+" + digits[2:]
    elif len(digits) == 10 and digits.startswith("0") and digits[1] != "0":
        candidate = "+31" + digits[1:]
    else:
        return None
    if candidate.startswith(("+3190", "+3180")):  # paid and free service numbers
        return None
    return candidate if is_callable(candidate) else None


def speakable(number: str) -> str:
    """A number read back in the groups people use: the area code (or 06), then the rest in
    twos and threes: '+31612345678' -> '06 12 34 56 78', '+31201234567' -> '020 123 45 67'.

    ``phonenumbers`` knows where each country's area code ends; a number it cannot parse is
    read digit by digit."""
    try:
        parsed = phonenumbers.parse(number, "NL")
    except phonenumbers.NumberParseException:
        return " ".join(re.sub(r"\D", "", number or ""))
    national = str(parsed.national_number)
    area = phonenumbers.length_of_national_destination_code(parsed)
    if parsed.country_code == 31:
        head, rest = "0" + national[:area], national[area:]
    else:
        head = f"00 {parsed.country_code} {national[:area]}".strip()
        rest = national[area:]
    groups = [head] if head else []
    sizes = {8: (2, 2, 2, 2), 7: (3, 2, 2), 6: (2, 2, 2), 5: (3, 2), 4: (2, 2)}.get(len(rest))
    if sizes is None:
        sizes = (2,) * (len(rest) // 2) + ((1,) if len(rest) % 2 else ())
    at = 0
    for size in sizes:
        groups.append(rest[at : at + size])
        at += size
    return " ".join(g for g in groups if g)
