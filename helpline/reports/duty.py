"""Who is on duty, sampled each minute: volunteer-minutes per skill per hour, the supply side
of the capacity findings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from helpline import keys
from helpline.reports.aggregate import buckets

ON_DUTY = ("available", "offered", "connecting", "on_call", "wrapup")


def sample(h) -> int:
    """Add this minute to each on-duty volunteer's skills; returns how many were on duty."""
    now = h.store.clock.now_ms()
    counts: dict[str, int] = {}
    on_duty = 0
    for volunteer_id in h.router.volunteer_ids():
        volunteer = h.router.volunteer(volunteer_id)
        if volunteer is None or volunteer.state not in ON_DUTY:
            continue
        on_duty += 1
        for name in ("all", *(f"skill:{s}" for s in volunteer.skills)):
            counts[f"duty_minutes|{name}"] = counts.get(f"duty_minutes|{name}", 0) + 1
    if counts:
        zone = ZoneInfo(h.settings.timezone)
        hour = buckets(now, zone)["hour"]
        h.router.scripts.agg_add(
            [keys.agg("hour", hour), keys.agg_index("hour")], bucket=hour, t=now, counts=counts
        )
    return on_duty
