"""The webhook replay cache: the answer given to one delivery of a webhook, for its
redelivery. Twilio sends the same ``I-Twilio-Idempotency-Token`` when it delivers a request
again; the answer is found by the route, the call and that token together, so a token reused
elsewhere (another route, another call) never gets another call's TwiML."""

from __future__ import annotations

import redis
from redis.exceptions import RedisError

from helpline import keys

MAX_TOKEN = 200
MAX_SID = 64


class ReplayCache:
    def __init__(self, client: redis.Redis, ttl: int):
        self.redis = client
        self.ttl = ttl

    @staticmethod
    def key(route: str, call_sid: str, token: str) -> str | None:
        """The key of one delivery; None when there is no token (nothing to replay)."""
        if not token:
            return None
        return keys.idempotency(route, call_sid[:MAX_SID] or "-", token[:MAX_TOKEN])

    def answer(self, route: str, call_sid: str, token: str) -> str | None:
        """The answer already given to this delivery, if any (None too when Redis is away)."""
        key = self.key(route, call_sid, token)
        if key is None:
            return None
        try:
            return self.redis.get(key)
        except RedisError:
            return None

    def remember(self, route: str, call_sid: str, token: str, answer: str) -> None:
        """Keep the first answer given to this delivery (a second one does not replace it)."""
        key = self.key(route, call_sid, token)
        if key is None:
            return
        try:
            self.redis.set(key, answer, ex=self.ttl, nx=True)
        except RedisError:
            pass
