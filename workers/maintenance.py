"""Housekeeping: retention of raw events and of callback numbers (aggregates stay)."""

from __future__ import annotations

from workers.periodic import scheduled


def purge(h, retention_days: int | None = None) -> dict:
    """Drop raw events older than the retention period, remove the number of every finished
    callback, and drop callback requests left open past the retention period. Idempotent."""
    days = retention_days or h.settings.event_retention_days
    cutoff_ms = h.store.clock.now_ms() - days * 86_400_000
    events = h.store.trim_events(cutoff_ms)
    numbers = h.store.purge_callbacks(cutoff_ms)
    return {"events": events, "numbers": numbers}


@scheduled
def trim_events(retention_days: int | None = None) -> dict:
    """The retention job (hourly)."""
    return purge(_state(), retention_days)


def _state():
    from workers import state

    return state()
