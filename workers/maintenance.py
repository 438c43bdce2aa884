"""Housekeeping: retention of raw events and of callback numbers (aggregates stay)."""

from __future__ import annotations

from helpline import keys
from workers.periodic import scheduled


def purge(h, retention_days: int | None = None) -> dict:
    """Drop raw events older than the retention period, remove the number of every finished
    callback, and drop callback requests left open past the retention period. Idempotent."""
    days = retention_days or h.settings.event_retention_days
    cutoff_ms = h.store.clock.now_ms() - days * 86_400_000
    cursor = h.redis.get(keys.AGG_CURSOR) or "0-0"
    # never drop events the reports have not counted yet (a stalled counter catches up first)
    limit_ms = min(cutoff_ms, int(cursor.split("-")[0]) + 1)
    events = h.redis.xtrim(keys.EVENTS, minid=f"{limit_ms}-0", approximate=False)
    numbers = 0
    for key in h.redis.scan_iter(match=keys.callback("*"), count=500):
        callback_id = key.rsplit(":", 1)[1]
        topic, lang = h.redis.hmget(key, ["topic", "lang"])
        result = h.router.scripts.purge_callback(
            [key, keys.SCHEDULED_CALLBACKS, keys.waiting(topic or "-", lang or "-")],
            member=keys.callback_member(callback_id),
            cutoff=cutoff_ms,
        )
        numbers += result in ("scrubbed", "expired")
    return {"events": events, "numbers": numbers}


@scheduled
def trim_events(retention_days: int | None = None) -> dict:
    """The retention job (hourly)."""
    return purge(_state(), retention_days)


def _state():
    from workers import state

    return state()
