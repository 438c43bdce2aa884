"""Small readings shared by the caller's webhooks: the call's language and topic from a URL
parameter (anything unknown falls back to the flow's default), numbers, and the values of
the opening-hours prompts."""

from __future__ import annotations

from datetime import datetime

from helpline import hours
from helpline.extensions import helpline


def lang_of(value: str | None) -> str:
    flow = helpline().flow
    return value if value in flow.languages else flow.default_language


def topic_of(value: str | None) -> str:
    flow = helpline().flow
    return value if value in flow.topics else flow.default_topic


def hours_values(lang: str, now: datetime | None = None) -> dict[str, str]:
    """{hours}, {reason} and {next_opening} for prompts about opening hours."""
    h = helpline()
    schedule = h.hours.schedule()
    now = now or h.store.clock.now()
    status = hours.status(schedule, now)
    opening = status.next_opening
    if status.reason == "holiday":
        public = schedule.holidays.name(now.astimezone(schedule.tz).date())
        prompt = "closed_holiday" if public else "closed_day"
        reason = " ".join(line.text for line in h.flow.prompts[prompt][lang])
    else:
        reason = (status.closure_reason or {}).get(lang, "")
    return {
        "hours": hours.describe_weekly(schedule.weekly, lang),
        "reason": reason,
        "next_opening": hours.describe_moment(opening, now, lang) if opening else "",
    }


def int_or(value, default: int | None = 0):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def estimate_window() -> int:
    """The window of recent answers for this moment (see ``wait.estimate_window``)."""
    from helpline import wait

    h = helpline()
    now = h.store.clock.now()
    opened = hours.open_since(h.hours.schedule(), now)
    open_for = None if opened is None else int((now - opened).total_seconds())
    return wait.estimate_window(h.settings.estimate_window, open_for)
