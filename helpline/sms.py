"""The address by text message: after asking the caller, a volunteer may have the address of
the local help they referred to sent to the caller's mobile phone.

The caller's number is the only personal detail involved, and it is kept as briefly as we
can: encrypted (Fernet, with a key derived from ``HELPLINE_PSEUDONYM_KEY``) in one Redis hash
per conversation, ``sms:<member>``, from the moment the caller is connected; the hash expires
after ``KEEP_SECONDS`` (an hour) whatever happens, and the number leaves it as soon as Twilio
has the message (or sending failed). It is never in an event, a log line or RQ's job data: the
job gets the conversation's id and reads the number itself.

The pure rules (what kind of number, how many SMS parts, the text) come first; ``ReferralTexts``
is the repository of the ``sms:<member>`` hashes.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from rq import Queue, Retry

from helpline import keys
from helpline.jobs import DEFAULT
from helpline.scripts import Scripts

KEEP_SECONDS = 3600  # the number is gone from Redis an hour after the caller was connected
MAX_SEGMENTS = 2
SEND_JOB = "workers.sms.send_referral"

# Where a message is, in order; a status never moves back (a late callback changes nothing).
# ``requested``: consent given, waiting for the job; ``sending``: the job has it; ``submitted``:
# Twilio took it (queued, accepted, sending); then Twilio's own ``sent`` and the final three.
RANK = {
    "requested": 0,
    "sending": 1,
    "submitted": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
}
TWILIO_STATUS = {"accepted": "submitted", "queued": "submitted", "sending": "submitted"}
FINAL = ("delivered", "undelivered", "failed")


# -- pure rules --------------------------------------------------------------------------------


def number_kind(number: str | None) -> str:
    """'mobile' (a text can reach it), 'landline', or 'other' (service numbers, unknown)."""
    try:
        parsed = phonenumbers.parse(number or "", None)
    except phonenumbers.NumberParseException:
        return "other"
    if not phonenumbers.is_valid_number(parsed):
        return "other"
    kind = phonenumbers.number_type(parsed)
    if kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return "mobile"
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        return "landline"
    return "other"


# GSM 03.38: the basic alphabet, and the extension table whose characters count twice.
_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def segments(text: str) -> int:
    """The SMS parts a text takes: 160 GSM-7 characters (153 per part when longer), or 70
    UCS-2 characters (67) as soon as one character is outside GSM-7 (an ë, say)."""
    if all(c in _GSM or c in _GSM_EXTENDED for c in text):
        length, single, part = sum(2 if c in _GSM_EXTENDED else 1 for c in text), 160, 153
    else:
        length, single, part = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if length <= single else -(-length // part)


def _shorten(value: str, by: int) -> str:
    keep = max(0, len(value) - by - 3)
    return value[:keep].rstrip(" ,") + "..." if keep else ""


def referral_text(lines: list[str], place: dict) -> str:
    """The message from the flow's ``sms_referral`` lines and a place of the directory: a line
    whose values are all empty is left out; when it would take more than two SMS parts, the
    longest of the opening hours, the name and the address is shortened until it fits."""
    values = {k: " ".join(str(place.get(k) or "").split()) for k in _PLACE_FIELDS}
    while True:
        text = _fill(lines, values)
        if segments(text) <= MAX_SEGMENTS:
            return text
        longest = max(("hours", "name", "address"), key=lambda k: len(values[k]))
        if not values[longest]:
            return text[: 67 * MAX_SEGMENTS]  # only the fixed words are left: cut them
        values[longest] = _shorten(values[longest], 10)


_PLACE_FIELDS = ("name", "address", "postcode", "town", "phone", "hours")


def _fill(lines: list[str], values: dict) -> str:
    out = []
    for line in lines:
        used = [k for k in _PLACE_FIELDS if "{" + k + "}" in line]
        if used and not any(values[k] for k in used):
            continue
        out.append(" ".join(line.format(**values).split()).strip(" ,"))
    return "\n".join(out)


class NumberBox:
    """Encrypts a number for its hour in Redis; the key is derived from the pseudonym key
    (HKDF with its own label), so no second secret is needed and neither key reveals the
    other."""

    def __init__(self, secret: str):
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"helpline sms number"
        ).derive(secret.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, number: str) -> str:
        return self._fernet.encrypt(number.encode()).decode()

    def open(self, token: str) -> str | None:
        """The number, or None when the token is older than ``KEEP_SECONDS`` or not ours."""
        try:
            return self._fernet.decrypt(token.encode(), ttl=KEEP_SECONDS).decode()
        except InvalidToken:
            return None


# -- the repository ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What the sending job needs: the number (in memory only), the place and the language."""

    number: str
    place: str
    lang: str


class ReferralTexts:
    """The ``sms:<member>`` hashes: the sealed number, the consent, the message's status."""

    def __init__(self, client, settings, clock, rq_redis=None):
        self.redis, self.settings, self.clock = client, settings, clock
        self.scripts = Scripts.of(client)
        self.box = NumberBox(settings.pseudonym_key)
        self.queue = Queue(DEFAULT, connection=rq_redis) if rq_redis is not None else None

    def keep_number(self, member: str, number: str | None) -> str:
        """The caller is connected: keep their number sealed for an hour if a text can reach
        it; for another number keep only its kind, so the volunteer can be told why not."""
        kind = number_kind(number)
        return self.scripts.sms_keep(
            [keys.sms(member)],
            kind=kind,
            number=self.box.seal(number) if kind == "mobile" and number else "",
            ttl=KEEP_SECONDS,
        )

    def request(self, member: str, volunteer_id: str, place_id: str) -> str:
        """The volunteer asked the caller and ticked the box: 'requested' (the job is on its
        way), or why not: 'not-yours', 'landline', 'no-number' (gone, or never known),
        'already'."""
        result = self.scripts.sms_request(
            [keys.handled(member), keys.sms(member), keys.EVENTS],
            member=member,
            volunteer=volunteer_id,
            place=place_id,
            now=self.clock.now_ms(),
        )
        if result == "requested" and self.queue is not None:
            self.queue.enqueue(
                SEND_JOB, member, retry=Retry(max=3, interval=[5, 30, 120]), result_ttl=600
            )
        return result

    def claim(self, member: str) -> Claim | None:
        """The job takes the message (once: a retried or repeated job finds it taken)."""
        found = self.scripts.sms_claim([keys.sms(member)], rank=str(RANK["sending"]))
        if not found:
            return None
        token, place, lang = found
        number = self.box.open(token)
        if number is None:
            self.progress(member, "failed")
            return None
        return Claim(number, place, lang)

    def release(self, member: str) -> None:
        """Twilio refused for now: the next try of the job may take it again."""
        self.scripts.sms_progress(
            [keys.sms(member), keys.EVENTS],
            member=member,
            status="requested",
            rank=str(RANK["requested"]),
            release=True,
            sid="",
            now=self.clock.now_ms(),
        )

    def progress(self, member: str, status: str, sid: str = "") -> str:
        """Where the message is now (our status or Twilio's); the number goes at once."""
        status = TWILIO_STATUS.get(status, status)
        if status not in RANK:
            return "unknown"
        return self.scripts.sms_progress(
            [keys.sms(member), keys.EVENTS],
            member=member,
            status=status,
            rank=str(RANK[status]),
            release=False,
            sid=sid,
            now=self.clock.now_ms(),
        )

    def status(self, member: str) -> dict:
        """The hash as the dashboard may see it (never the number)."""
        raw = self.redis.hgetall(keys.sms(member))
        return {k: v for k, v in raw.items() if k != "number"}
