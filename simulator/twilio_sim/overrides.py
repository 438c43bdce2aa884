"""Twilio's connection overrides: a URL's fragment tells Twilio how to make its request.

Twilio documents them as ``#ct=1000&rt=5000&tt=12000&rc=2&rp=ct,rt,5xx`` at the end of any
webhook or callback URL (the fragment is not sent and not signed):

- ``ct``: connect timeout (ms, default 5000); ``rt``: read timeout (ms, default 15000);
  ``tt``: total time for all tries together (ms, default 15000);
- ``rc``: retry count (default 1); ``rp``: retry policy, a comma-separated list of ``ct``
  (the connection could not be made), ``rt`` (the answer did not come: a read timeout or a
  connection broken after the request was sent), ``4xx``, ``5xx`` and ``all``; default ``ct``.

So without a fragment Twilio tries a request a second time only when the connection cannot be
made: a web process that dies while answering costs the caller the call.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests

POLICIES = frozenset({"ct", "rt", "4xx", "5xx", "all"})


@dataclass(frozen=True)
class Overrides:
    connect_timeout: float = 5.0  # seconds
    read_timeout: float = 15.0
    total: float = 15.0
    retries: int = 1
    policy: frozenset = field(default_factory=lambda: frozenset({"ct"}))

    def retries_on(self, kind: str) -> bool:
        return kind in self.policy or "all" in self.policy


def _ms(value: str, default: float, low: int, high: int) -> float:
    try:
        return min(max(int(value), low), high) / 1000
    except ValueError:
        return default


def split(url: str) -> tuple[str, Overrides]:
    """The URL as requested (without its fragment) and the overrides its fragment gives."""
    parts = urlsplit(url)
    given = dict(parse_qsl(parts.fragment)) if parts.fragment else {}
    defaults = Overrides()
    policy = {p.strip() for p in given.get("rp", "").split(",")} & POLICIES
    try:
        retries = min(max(int(given.get("rc", defaults.retries)), 0), 5)
    except ValueError:
        retries = defaults.retries
    overrides = Overrides(
        connect_timeout=_ms(given.get("ct", ""), defaults.connect_timeout, 100, 10_000),
        read_timeout=_ms(given.get("rt", ""), defaults.read_timeout, 100, 15_000),
        total=_ms(given.get("tt", ""), defaults.total, 100, 15_000),
        retries=retries,
        policy=frozenset(policy) or defaults.policy,
    )
    return urlunsplit(parts._replace(fragment="")), overrides


def failure_kind(exc: requests.RequestException) -> str:
    """``ct`` when the connection could not be made, ``rt`` when the answer did not come."""
    if isinstance(exc, requests.ConnectTimeout):
        return "ct"
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        text = f"{type(reason).__name__} {reason} {exc}"
        if "NewConnectionError" in text or "Failed to establish" in text:
            return "ct"
    return "rt"


def send(
    request: Callable[[tuple[float, float]], requests.Response],
    overrides: Overrides,
    on_retry: Callable[[str], None] | None = None,
) -> requests.Response:
    """Make ``request`` (given its (connect, read) timeouts) as Twilio does with these
    overrides: tried again on the failures its policy names, at most ``retries`` more times,
    all within the total time. A last failure is raised, a last bad status returned."""
    deadline = time.monotonic() + overrides.total
    tries = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise requests.Timeout("Twilio's total time for this request ran out")
        timeouts = (min(overrides.connect_timeout, left), min(overrides.read_timeout, left))
        tries += 1
        try:
            response = request(timeouts)
        except requests.RequestException as exc:
            kind = failure_kind(exc)
            if tries > overrides.retries or not overrides.retries_on(kind):
                raise
            if on_retry:
                on_retry(kind)
            continue
        kind = f"{response.status_code // 100}xx"
        if (
            response.status_code >= 400
            and tries <= overrides.retries
            and overrides.retries_on(kind)
        ):
            if on_retry:
                on_retry(kind)
            continue
        return response
