"""Who is on duty, sampled each minute: the supply side of the capacity findings and each
volunteer's hours on the activity page.

A volunteer on duty counts once. Their minute is apportioned across their skills by the calls
they could take: each skill's share is the callers of that skill's topics, in the languages the
volunteer speaks, over the last 28 days, divided by the same count over all their skills (an
equal split when none of their skills had callers). The shares are kept in thousandths of a
minute (``duty_share|skill:<id>``) so they add up to whole minutes. docs/capacity.md explains
the method and its limits."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from helpline import keys
from helpline.reports.aggregate import buckets
from helpline.reports.tables import Reports

ON_DUTY = ("available", "offered", "connecting", "on_call", "wrapup")
DEMAND_DAYS = 28
_demand_cache: dict[tuple[str, str], dict[str, int]] = {}  # (day, lang) -> callers per topic


def demand(reports: Reports, lang: str) -> dict[str, int]:
    """Callers per topic in one language over the last 28 days (kept for the day)."""
    today = reports.today()
    cached = _demand_cache.get((today.isoformat(), lang))
    if cached is None:
        data = reports.days(today - timedelta(days=DEMAND_DAYS), today - timedelta(days=1))
        cached = {
            dim[len("topic_lang:") :].rpartition("/")[0]: counts.get("offered", 0)
            for dim, counts in data.items()
            if dim.startswith("topic_lang:") and dim.endswith(f"/{lang}")
        }
        if len(_demand_cache) > 64:
            _demand_cache.clear()
        _demand_cache[(today.isoformat(), lang)] = cached
    return cached


def shares(skills, languages, flow, reports: Reports) -> dict[str, int]:
    """Thousandths of a minute per skill, adding up to 1000."""
    skills = [s for s in dict.fromkeys(skills) if s]
    if not skills:
        return {}
    weight = dict.fromkeys(skills, 0)
    for lang in languages or ("nl",):
        callers = demand(reports, lang)
        for topic in flow.topics.values():
            if topic.skill in weight:
                weight[topic.skill] += callers.get(topic.id, 0)
    total = sum(weight.values())
    if not total:
        weight, total = dict.fromkeys(skills, 1), len(skills)
    out = {s: 1000 * w // total for s, w in weight.items()}
    out[max(skills, key=lambda s: (weight[s], s))] += 1000 - sum(out.values())
    return {s: v for s, v in out.items() if v}


def sample(h) -> int:
    """Add this minute to each on-duty volunteer and their skills; returns how many were on
    duty."""
    now = h.store.clock.now_ms()
    reports = Reports(h.redis, h.settings, h.store.clock)
    counts: dict[str, int] = {}
    on_duty = 0

    def add(name: str, amount: int) -> None:
        counts[name] = counts.get(name, 0) + amount

    for volunteer_id in h.router.volunteer_ids():
        volunteer = h.router.volunteer(volunteer_id)
        if volunteer is None or volunteer.state not in ON_DUTY:
            continue
        on_duty += 1
        add("duty_minutes|all", 1)
        add(f"duty_minutes|volunteer:{volunteer.id}", 1)
        for skill in volunteer.skills:
            add(f"duty_minutes|skill:{skill}", 1)
        for skill, share in shares(volunteer.skills, volunteer.languages, h.flow, reports).items():
            add(f"duty_share|skill:{skill}", share)
    if counts:
        zone = ZoneInfo(h.settings.timezone)
        named = buckets(now, zone)
        for period in ("hour", "day", "week"):
            h.router.scripts.agg_add(
                [keys.agg(period, named[period]), keys.agg_index(period)],
                bucket=named[period],
                t=now,
                counts=counts,
            )
    return on_duty
