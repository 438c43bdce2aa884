"""HTTP toward the app, as Twilio's network behaves: every request signed with the account's
auth token (``signature``), with an idempotency token; callbacks whose answer is not executed;
and the faults that network can show, switched on for fault tests (``Faults``).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import requests

from twilio_sim import overrides
from twilio_sim.signature import signature

if TYPE_CHECKING:
    from twilio_sim.legs import Leg


@dataclass
class Faults:
    """Faults Twilio's network can show: a request delivered twice with the same idempotency
    token, and status callbacks duplicated or delayed (so they arrive out of order; their
    SequenceNumber still says the true order). All off by default."""

    redeliver_requests: float = 0.0  # probability per webhook request
    duplicate_callbacks: float = 0.0  # probability per status callback
    delay_callbacks: float = 0.0  # up to this many (real) seconds


class Transport:
    """Signs and sends Twilio's requests to the app."""

    def __init__(self, auth_token: str, timeout: float = 15, faults: Faults | None = None):
        self.auth_token = auth_token
        self.timeout = timeout
        self.faults = faults or Faults()
        self.http = requests.Session()
        self.requests_made = 0
        self.retries: list[tuple[str, str]] = []  # (url, why) of every request tried again
        self._chaos = random.Random(20261129)  # the same faults in every run

    def send(self, url: str, method: str, params: dict[str, str]) -> requests.Response:
        """One signed request, as Twilio makes it: with the connection overrides of the URL's
        fragment (``twilio_sim.overrides``; every try with the same idempotency token), and
        perhaps delivered twice (see ``Faults``)."""
        url, how = overrides.split(url)
        how = replace(  # the simulator's own limit (15 s, as Twilio's) caps them
            how,
            read_timeout=min(how.read_timeout, self.timeout),
            total=min(how.total, self.timeout),
        )
        headers = {"User-Agent": "TwilioProxy/1.1", "I-Twilio-Idempotency-Token": str(uuid.uuid4())}
        redeliver = self.faults.redeliver_requests
        if redeliver and self._chaos.random() < redeliver:
            try:  # the first delivery's answer is lost on the way back; Twilio tries again
                self._send(url, method, params, headers, (how.connect_timeout, how.read_timeout))
            except requests.RequestException:
                pass
        return overrides.send(
            lambda timeouts: self._send(url, method, params, headers, timeouts),
            how,
            on_retry=lambda kind: self.retries.append((url, kind)),
        )

    def _send(self, url: str, method: str, params, headers: dict, timeouts) -> requests.Response:
        headers = dict(headers)
        self.requests_made += 1
        if method.upper() == "GET":
            sep = "&" if urlsplit(url).query else "?"
            full = url + sep + urlencode(sorted(params.items()))
            headers["X-Twilio-Signature"] = signature(self.auth_token, full)
            return self.http.get(full, headers=headers, timeout=timeouts)
        headers["X-Twilio-Signature"] = signature(self.auth_token, url, params.items())
        return self.http.post(url, data=params, headers=headers, timeout=timeouts)

    def notify(self, leg: Leg, url: str, params: dict[str, str], method: str = "POST") -> int:
        """A callback whose answer is not executed (status callbacks); returns the status."""
        if not url:
            return 0
        faults = self.faults
        if faults.duplicate_callbacks or faults.delay_callbacks:
            copies = 2 if self._chaos.random() < faults.duplicate_callbacks else 1
            for _ in range(copies):
                delay = self._chaos.random() * faults.delay_callbacks
                threading.Thread(
                    target=self._notify_later, args=(leg, url, params, method, delay), daemon=True
                ).start()
            return 200
        return self._notify_now(leg, url, params, method)

    def _notify_later(self, leg: Leg, url: str, params, method: str, delay: float) -> None:
        time.sleep(delay)
        self._notify_now(leg, url, params, method)

    def _notify_now(self, leg: Leg, url: str, params: dict[str, str], method: str) -> int:
        try:
            response = self.send(url, method, params)
            leg.record("callback", url=url, params=params, status=response.status_code)
            return response.status_code
        except requests.RequestException:
            leg.record("callback", url=url, params=params, status=None)
            return 0
