"""Housekeeping jobs."""

from __future__ import annotations

from helpline import keys
from workers.periodic import periodic


@periodic("trim_events", 3600)
def trim_events(retention_days: int | None = None) -> int:
    """Drop raw events older than the retention period; returns how many went. Idempotent."""
    helpline = _state()
    days = retention_days or helpline.config["HELPLINE_EVENT_RETENTION_DAYS"]
    cutoff_ms = helpline.store.clock.now_ms() - days * 86_400_000
    return helpline.redis.xtrim(keys.EVENTS, minid=f"{cutoff_ms}-0", approximate=False)


def _state():
    from workers import state

    return state()
