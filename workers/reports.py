"""Report jobs: count the events, sample who is on duty, find the bottlenecks."""

from __future__ import annotations

from workers.periodic import scheduled


def _state():
    from workers import state

    return state()


@scheduled
def process_events() -> int:
    """Count new events into the hourly, daily and weekly aggregates (exactly once)."""
    from helpline.reports.aggregate import Aggregator

    h = _state()
    return Aggregator(h.redis, h.settings, h.store.clock).process()


@scheduled
def sample_duty() -> int:
    """Add one minute of duty per skill for every volunteer on duty now (capacity findings)."""
    from helpline.reports.duty import sample

    h = _state()
    return sample(h)


@scheduled
def detect_bottlenecks() -> int:
    """Look for recurring problems, repeat callers, capacity and service shortfalls."""
    from helpline.reports.bottlenecks import detect

    h = _state()
    return len(detect(h)["findings"])
