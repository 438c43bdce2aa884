"""Open event streams per account. Each open dashboard holds one Server-Sent Events stream and
one thread of the dashboard service while it does; a cap per account keeps one account (a
bug, a stolen session, a script) from holding every thread.

A stream holds a slot in Redis for as long as it runs: a lease of ``LEASE_SECONDS`` that it
renews every ``RENEW_SECONDS``, claimed or renewed in one script (``stream_claim.lua``). A
stream that ends gives its slot back; the slot of a process that died lapses with its lease.
"""

from __future__ import annotations

import uuid

import redis

from helpline import keys
from helpline.scripts import Scripts

LEASE_SECONDS = 30
RENEW_SECONDS = 10  # well inside the lease: a renewal may wait a second on Redis or the loop


class StreamSlots:
    """The slots of open event streams, ``cap`` per account."""

    def __init__(self, client: redis.Redis, cap: int, lease_seconds: float = LEASE_SECONDS):
        self.redis = client
        self.cap = cap
        self.lease_ms = int(lease_seconds * 1000)
        self.scripts = Scripts.of(client)

    def claim(self, username: str) -> str | None:
        """A new stream's id, or None when the account already holds ``cap`` streams."""
        stream = uuid.uuid4().hex
        return stream if self.renew(username, stream) else None

    def renew(self, username: str, stream: str) -> bool:
        """Extend the stream's lease; False when it lapsed and the cap is full meanwhile."""
        claimed = self.scripts.stream_claim(
            [keys.open_streams(username)], stream=stream, cap=self.cap, lease_ms=self.lease_ms
        )
        return claimed == 1

    def release(self, username: str, stream: str) -> None:
        self.redis.zrem(keys.open_streams(username), stream)

    def held(self, username: str) -> int:
        """Streams of the account with a lease still running."""
        seconds, micros = self.redis.time()
        now_ms = seconds * 1000 + micros // 1000
        return self.redis.zcount(keys.open_streams(username), f"({now_ms}", "+inf")


class EventWatch:
    """Waiting for the next change: follows the events stream (``keys.EVENTS``) from now on,
    so that a stream wakes when something happens instead of polling."""

    def __init__(self, client: redis.Redis):
        self.redis = client
        newest = client.xrevrange(keys.EVENTS, count=1)
        self.cursor = newest[0][0] if newest else "0-0"

    def wait(self, block_ms: int = 1000) -> bool:
        """Block until an event arrives or ``block_ms`` passed; True when events arrived."""
        news = self.redis.xread({keys.EVENTS: self.cursor}, count=200, block=block_ms)
        if news:
            self.cursor = news[0][1][-1][0]
        return bool(news)
