"""Bottleneck detection: what keeps going wrong, and where the helpline needs more hands.

Each finding carries its evidence (the numbers, the period, the baseline) so a coordinator can
judge it. The rules, in order:

- recurring problems: a sub-topic, or wrap-ups flagged "komt vaker voor" on a topic, counted in
  the last 7 days far above its own baseline (the 8 weeks before): Poisson tail below 1% and
  at least 5 cases; with the most frequent words of their notes;
- repeat callers: pseudonymous callers who called again about the same topic within 14 days;
- capacity: weekday hours in which a skill's demand needed more volunteers (Erlang C, at the
  service level) than were on duty, over the last 4 whole weeks (the 28 days before today);
- service: topics with high abandonment or long waits in the last 7 days, and callbacks not
  made within a day.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time

from helpline import keys, staffing
from helpline.reports.aggregate import week_name
from helpline.reports.tables import Reports

MIN_CASES = 5
ALPHA = 0.01
ABANDON_LIMIT = 0.10
MIN_OFFERED = 10
REPEAT_MIN = 3
CAPACITY_WEEKS = staffing.CAPACITY_WEEKS
STOPWORDS = set(
    """de het een en van in op te dat die is niet met voor er aan als bij ook om maar
    wel nog dan ze hij zij was werd heeft had kan kon naar uit door over na zo al
    the a an and of to in is was it for on with not but""".split()
)
WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for a Poisson variable with the given mean."""
    if count <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for k in range(1, count):
        term *= mean / k
        below += term
    return max(0.0, 1.0 - below)


def _words(notes: list[str], top: int = 5) -> list[tuple[str, int]]:
    words = Counter()
    for note in notes:
        for word in re.findall(r"[a-zA-ZÀ-ÿ][a-zA-ZÀ-ÿ'-]{2,}", note.lower()):
            if word not in STOPWORDS:
                words[word] += 1
    return words.most_common(top)


def _notes(h, since_ms: int) -> dict[str, list[str]]:
    """Wrap-up notes of the period, per sub-topic and per recurring topic."""
    out: dict[str, list[str]] = {}
    for _, event in h.redis.xrange(keys.EVENTS, min=f"{max(0, since_ms - 86_400_000)}-0"):
        if event.get("type") != "wrapup" or int(event.get("t") or 0) < since_ms:
            continue
        note = event.get("w_note") or ""
        topic = event.get("w_topic", "")
        if event.get("w_subtopic"):
            out.setdefault(f"subtopic:{topic}/{event['w_subtopic']}", []).append(note)
        if event.get("w_recurring") == "1":
            out.setdefault(f"recurring:{topic}", []).append(note)
    return out


def detect(h) -> dict:
    reports = Reports(h.redis, h.settings, h.store.clock)
    today = reports.today()
    now_ms = h.store.clock.now_ms()
    findings: list[dict] = []
    recent_first = today - timedelta(days=6)
    recent = reports.days(recent_first, today)
    baselines = [
        reports.days(recent_first - timedelta(days=7 * k), today - timedelta(days=7 * k))
        for k in range(1, 9)
    ]
    period = {"from": recent_first.isoformat(), "to": today.isoformat()}
    baseline_period = {
        "from": (recent_first - timedelta(days=56)).isoformat(),
        "to": (recent_first - timedelta(days=1)).isoformat(),
    }
    since_ms = int(datetime.combine(recent_first, dt_time.min, reports.zone).timestamp() * 1000)
    findings += _recurring(h, recent, baselines, period, baseline_period, since_ms)
    findings += _repeat_callers(h, reports, today, period)
    findings += _capacity(h, reports)
    findings += _service(h, reports, recent, period, now_ms)
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "findings": findings,
    }
    h.redis.set(keys.FINDINGS, json.dumps(report))
    return report


def _series(data: dict, dim: str, metric: str) -> int:
    return data.get(dim, {}).get(metric, 0)


def _recurring(h, recent, baselines, period, baseline_period, since_ms) -> list[dict]:
    candidates = [(d, "wrapups") for d in recent if d.startswith("subtopic:")]
    candidates += [(d, "recurring") for d in recent if d.startswith("topic:")]
    notes = None
    found = []
    for dim, metric in candidates:
        count = _series(recent, dim, metric)
        history = [_series(b, dim, metric) for b in baselines]
        mean = sum(history) / len(history)
        p = poisson_tail(count, max(mean, 0.5))
        if count < MIN_CASES or p >= ALPHA:
            continue
        if notes is None:
            notes = _notes(h, since_ms)  # the notes of the days counted
        what = dim.split(":", 1)[1]
        key = f"subtopic:{what}" if metric == "wrapups" else f"recurring:{what}"
        label = (
            f"Sub-onderwerp {what}"
            if metric == "wrapups"
            else f"'Komt vaker voor' bij onderwerp {what}"
        )
        found.append(
            {
                "kind": "recurring_problem",
                "title": f"{label}: {count} keer in 7 dagen, normaal {mean:.1f} per week",
                "subject": what,
                "evidence": {
                    "count": count,
                    "period": period,
                    "baseline_weekly_mean": round(mean, 2),
                    "baseline_weeks": history,
                    "baseline_period": baseline_period,
                    "p_value": round(p, 6),
                    "test": "Poisson upper tail",
                    "top_words": _words(notes.get(key, [])),
                },
            }
        )
    return found


def _repeat_callers(h, reports, today, period) -> list[dict]:
    per_topic: dict[str, list[tuple[str, int]]] = {}
    for back in (0, 1):
        week = week_name(today - timedelta(weeks=back))
        for member, score in h.redis.zrange(keys.agg_repeats(week), 0, -1, withscores=True):
            caller, _, topic = member.rpartition("|")
            per_topic.setdefault(topic, []).append((caller, int(score)))
    found = []
    for topic, callers in sorted(per_topic.items()):
        merged: Counter = Counter()
        for caller, times in callers:
            merged[caller] += times
        if len(merged) < REPEAT_MIN:
            continue
        found.append(
            {
                "kind": "repeat_callers",
                "title": f"{len(merged)} bellers belden binnen 14 dagen opnieuw over {topic}",
                "subject": topic,
                "evidence": {
                    "callers": len(merged),
                    "repeat_calls": sum(merged.values()),
                    "window_days": 14,
                    "period": {"weeks": "this and last ISO week"},
                    # shortened: enough to recognise a caller in the list, no more
                    "pseudonyms": [(c[:10], n) for c, n in merged.most_common(10)],
                },
            }
        )
    return found


def _capacity(h, reports) -> list[dict]:
    need = staffing.needs(h, reports, CAPACITY_WEEKS)
    first, last = need.first, need.last
    share = h.settings.service_level_target
    target = reports.sl_seconds
    planned = h.shifts.planned(first, last)
    found = []
    for topic in h.flow.topics.values():
        handle = need.handle_seconds[topic.id]
        short = []
        for slot in need.hours:
            if slot.topic != topic.id or not slot.offered:
                continue
            if slot.needed > slot.on_duty + 0.5 and slot.offered >= 3:
                plan = planned.get((slot.weekday, slot.hour, topic.skill), 0.0)
                short.append(
                    {
                        "weekday": WEEKDAYS_NL[slot.weekday],
                        "hour": f"{slot.hour:02d}:00",
                        "calls_per_hour": round(slot.calls_per_hour, 1),
                        "volunteers_on_duty": round(slot.on_duty, 1),
                        "volunteers_needed": slot.needed,
                        "volunteers_planned": round(plan, 1),
                        # the plan itself fell short, or planned volunteers did not come
                        "cause": "planned" if plan < slot.needed - 0.5 else "no_show",
                    }
                )
        if short:
            short.sort(key=lambda s: s["volunteers_needed"] - s["volunteers_on_duty"], reverse=True)
            found.append(
                {
                    "kind": "capacity",
                    "title": f"Te weinig vrijwilligers voor {topic.skill}: "
                    f"{len(short)} uur per week",
                    "subject": topic.skill,
                    "evidence": {
                        "period": {"from": first.isoformat(), "to": last.isoformat()},
                        "handle_seconds": round(handle),
                        "service_level": {"share": share, "seconds": target},
                        "method": "Erlang C per weekday hour, averaged over the period",
                        "hours": short[:12],
                    },
                }
            )
    return found


def _service(h, reports, recent, period, now_ms) -> list[dict]:
    found = []
    for row in reports.rows(recent, "topic"):
        offered = row.get("offered")
        if offered >= MIN_OFFERED and (row.abandon_rate or 0) >= ABANDON_LIMIT:
            found.append(
                {
                    "kind": "abandonment",
                    "title": f"{row.abandon_rate:.0%} van de bellers over {row.key} haakte af",
                    "subject": row.key,
                    "evidence": {
                        "period": period,
                        "offered": offered,
                        "abandoned": row.get("abandoned"),
                        "average_wait_before_hanging_up_s": row.abandoned_wait_seconds,
                        "limit": ABANDON_LIMIT,
                    },
                }
            )
        if row.get("answered") >= MIN_OFFERED and (row.wait_p90 or 0) > reports.sl_seconds:
            found.append(
                {
                    "kind": "long_waits",
                    "title": f"Lange wachttijd bij {row.key}: 90% binnen {row.wait_p90} s",
                    "subject": row.key,
                    "evidence": {
                        "period": period,
                        "answered": row.get("answered"),
                        "wait_p50_s": row.wait_p50,
                        "wait_p90_s": row.wait_p90,
                        "service_level_seconds": reports.sl_seconds,
                    },
                }
            )
    late = []
    day_ago = now_ms - 86_400_000
    for member in _open_callbacks(h):
        arrival = h.redis.hget(keys.party(member), "arrival")
        if arrival and int(float(arrival)) < day_ago:
            late.append(member)
    if late:
        found.append(
            {
                "kind": "late_callbacks",
                "title": f"{len(late)} terugbelverzoeken wachten al langer dan een dag",
                "subject": "callbacks",
                "evidence": {"count": len(late), "older_than_hours": 24},
            }
        )
    return found


def _open_callbacks(h) -> list[str]:
    members = set(h.redis.zrange(keys.SCHEDULED_CALLBACKS, 0, -1))
    for topic in h.flow.topics:
        for lang in h.flow.languages:
            members |= {
                m for m in h.redis.zrange(keys.waiting(topic, lang), 0, -1) if keys.is_callback(m)
            }
    return sorted(members)
