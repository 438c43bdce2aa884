"""Text messages (Twilio's Message resource): what the app sends through the REST API, and
their way to the phone with the status callbacks Twilio makes (queued, sent, delivered; or
undelivered with error 30006 for a number that cannot take a text)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from twilio_sim.legs import sid

if TYPE_CHECKING:
    from twilio_sim.simulator import Simulator

# The GSM 03.38 basic alphabet and its extension table (each extension character costs two).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"


def segments(body: str) -> int:
    """How many SMS segments a body takes, as a carrier counts them: GSM-7 (160 characters,
    153 per part of a longer one) unless a character is outside it, then UCS-2 (70, 67)."""
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in body):
        length = sum(2 if c in GSM_EXTENSION else 1 for c in body)
        single, part = 160, 153
    else:
        length = len(body.encode("utf-16-le")) // 2
        single, part = 70, 67
    if length <= single:
        return 1
    return -(-length // part)


@dataclass
class Message:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str
    status: str = "queued"
    error_code: int | None = None
    created: float = field(default_factory=time.time)
    history: list[str] = field(default_factory=list)  # every status, in order

    @property
    def num_segments(self) -> int:
        return segments(self.body)


class Messages:
    """The account's messages. A number listed in ``unreachable`` (a landline, say) gets the
    message as Twilio reports it for one: undelivered, error 30006."""

    def __init__(self, sim: Simulator, delivery_seconds: float = 0.2):
        self.sim = sim
        self.delivery_seconds = delivery_seconds
        self.sent: list[Message] = []
        self.unreachable: set[str] = set()
        self.refuse_next = 0  # tests: answer this many creates with Twilio's 503

    def create(self, *, to: str, from_: str, body: str, status_callback: str = "") -> Message:
        message = Message(sid("SM"), to, from_, body, status_callback)
        message.history.append("queued")
        with self.sim.lock:
            self.sent.append(message)
        threading.Thread(target=self._deliver, args=(message,), daemon=True).start()
        return message

    def get(self, message_sid: str) -> Message | None:
        with self.sim.lock:
            return next((m for m in self.sent if m.sid == message_sid), None)

    def to(self, number: str) -> list[Message]:
        """The messages sent to a number (for tests)."""
        with self.sim.lock:
            return [m for m in self.sent if m.to == number]

    def _deliver(self, message: Message) -> None:
        steps = ["sent", "undelivered" if message.to in self.unreachable else "delivered"]
        for status in steps:
            time.sleep(self.delivery_seconds)
            message.status = status
            message.history.append(status)
            if status == "undelivered":
                message.error_code = 30006
            self._callback(message)

    def _callback(self, message: Message) -> None:
        if not message.status_callback:
            return
        params = {
            "MessageSid": message.sid,
            "SmsSid": message.sid,
            "AccountSid": self.sim.account_sid,
            "From": message.from_,
            "To": message.to,
            "MessageStatus": message.status,
            "SmsStatus": message.status,
            "ApiVersion": "2010-04-01",
        }
        if message.error_code:
            params["ErrorCode"] = str(message.error_code)
        try:
            self.sim.transport.send(message.status_callback, "POST", params)
        except Exception:  # Twilio does not retry a failed status callback either
            pass
