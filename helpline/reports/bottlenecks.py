"""Bottleneck detection: what keeps going wrong, and where the helpline needs more hands.

Each finding is stored as its kind, its subject (a topic, sub-topic or skill id) and its raw
figures (the numbers, the period, what is usual); ``helpline.reports.findings`` says it in
words for a coordinator, in their language, with a next step. The rules, in order:

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

import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time

from helpline import staffing
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


def _notes(reports: Reports, since_ms: int, until_ms: int) -> dict[str, list[str]]:
    """Wrap-up notes of the period, per sub-topic and per recurring topic."""
    out: dict[str, list[str]] = {}
    for event in reports.store.wrapups_since(since_ms, until_ms):
        note = event.get("w_note") or ""
        topic = event.get("w_topic", "")
        if event.get("w_subtopic"):
            out.setdefault(f"subtopic:{topic}/{event['w_subtopic']}", []).append(note)
        if event.get("w_recurring") == "1":
            out.setdefault(f"recurring:{topic}", []).append(note)
    return out


def detect(h, period=None) -> dict:
    """Look for every kind of finding and return the report.

    Without ``period``: the standing findings the job works out every 15 minutes (the last 7
    days, capacity over the last 4 whole weeks), kept for the pages and the API. With a
    ``periods.Period``: the same rules over that period's days (up to today), for a
    coordinator who looks back at a month or a quarter (see ``for_period``)."""
    reports = Reports(h.redis, h.settings, h.store.clock)
    today = reports.today()
    now_ms = h.store.clock.now_ms()
    if period is None:
        first, last = today - timedelta(days=6), today
    else:
        first, last = period.first, min(period.last, today)
    length = (last - first).days + 1
    recent = reports.days(first, last)
    baselines = [  # the 8 weeks before the days looked at, a week at a time
        reports.days(first - timedelta(days=7 * k), first - timedelta(days=7 * k - 6))
        for k in range(1, 9)
    ]
    window = {"from": first.isoformat(), "to": last.isoformat()}
    since_ms = int(datetime.combine(first, dt_time.min, reports.zone).timestamp() * 1000)
    until_ms = since_ms + length * 86_400_000 + 3_600_000  # (a clock change: an hour more)
    findings: list[dict] = []
    findings += _recurring(reports, recent, baselines, window, (since_ms, until_ms), length / 7)
    if period is None:  # this week and the week before: calls again within 14 days
        weeks = [week_name(today - timedelta(weeks=back)) for back in (0, 1)]
    else:
        weeks = list(dict.fromkeys(week_name(first + timedelta(days=d)) for d in range(length)))
    findings += _repeat_callers(reports, weeks)
    if period is None:
        findings += _capacity(h, reports, staffing.needs(h, reports, CAPACITY_WEEKS))
    elif first < today:  # whole days only: today is not over
        span = (first, min(last, today - timedelta(days=1)))
        findings += _capacity(h, reports, staffing.needs(h, reports, span=span))
    findings += _service(h, reports, recent, window, now_ms, includes_today=first <= today <= last)
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "findings": findings,
    }
    if period is None:
        reports.store.save_findings(report)
    else:
        report["period"] = {"kind": period.kind, "from": first.isoformat(), "to": last.isoformat()}
    return report


def for_period(h, period) -> dict:
    """The findings of a report period: for the week we are in, the standing findings (the
    last 7 days); for any other period, the rules over its days, worked out on first asking
    and kept (15 minutes while the period is still going on, a day once it is over)."""
    reports = Reports(h.redis, h.settings, h.store.clock)
    today = reports.today()
    if period.kind == "week" and period.first <= today <= period.last:
        return reports.store.findings()
    if period.first > today:  # nothing has happened yet
        return {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "findings": [],
            "period": {
                "kind": period.kind,
                "from": period.first.isoformat(),
                "to": period.last.isoformat(),
            },
        }
    name = f"{period.kind}_{period.first.isoformat()}_{period.last.isoformat()}"
    kept = reports.store.findings(name)
    if kept.get("generated_at"):
        return kept
    report = detect(h, period)
    # while a period goes on (or ended yesterday, whose late events still come in) a quarter
    # of an hour, as the standing findings; a day once it is over
    settled = period.last < today - timedelta(days=1)
    reports.store.save_findings(report, name, ttl=86_400 if settled else 900)
    return report


def _series(data: dict, dim: str, metric: str) -> int:
    return data.get(dim, {}).get(metric, 0)


def _recurring(reports, recent, baselines, period, moments, weeks: float) -> list[dict]:
    """``weeks``: how many weeks long the days counted are (the baseline is per week)."""
    candidates = [(d, "wrapups") for d in recent if d.startswith("subtopic:")]
    candidates += [(d, "recurring") for d in recent if d.startswith("topic:")]
    notes = None
    found = []
    for dim, metric in sorted(candidates):
        count = _series(recent, dim, metric)
        history = [_series(b, dim, metric) for b in baselines]
        mean = sum(history) / len(history)
        p = poisson_tail(count, max(mean * weeks, 0.5))
        if count < MIN_CASES or p >= ALPHA:
            continue
        if notes is None:
            notes = _notes(reports, *moments)  # the notes of the days counted
        what = dim.split(":", 1)[1]
        key = f"subtopic:{what}" if metric == "wrapups" else f"recurring:{what}"
        found.append(
            {
                "kind": "recurring_problem",
                "subject": what,
                "figures": {
                    "flagged": metric == "recurring",  # "komt vaker voor" ticked on a topic
                    "count": count,
                    "period": period,
                    "usual_per_week": round(mean, 2),
                    "usual_in_period": round(mean * weeks, 2),
                    "weeks_before": history,
                    "chance": round(p, 6),  # of this many or more by chance in a usual week
                    "top_words": _words(notes.get(key, [])),
                },
            }
        )
    return found


def _repeat_callers(reports, weeks: list[str]) -> list[dict]:
    per_topic: dict[str, list[tuple[str, int]]] = {}
    for week in weeks:
        for member, times in reports.store.repeats(week):
            caller, _, topic = member.rpartition("|")
            per_topic.setdefault(topic, []).append((caller, times))
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
                "subject": topic,
                "figures": {
                    "callers": len(merged),
                    "repeat_calls": sum(merged.values()),
                    "window_days": 14,
                    # shortened: enough to recognise a caller in the list, no more
                    "pseudonyms": [[c[:10], n] for c, n in merged.most_common(10)],
                },
            }
        )
    return found


def _capacity(h, reports, need: staffing.Needs) -> list[dict]:
    """Per skill: the weekday hours in which the calls needed more volunteers than were on
    duty (``helpline.staffing.needs``, the staffing plan's numbers too). Duty is each
    volunteer's time apportioned across their skills (see docs/capacity.md), so a volunteer
    counts once. Each short hour says whether the shifts planned for it were short as well
    (``planned``) or the planned volunteers were not there (``no_show``)."""
    share = h.settings.service_level_target
    target = reports.sl_seconds
    planned = h.shifts.planned(need.first, need.last, staffing.skill_shares(h, reports))
    found = []
    for skill in dict.fromkeys(topic.skill for topic in h.flow.topics.values()):
        short, causes = [], {}
        for slot in need.hours:
            if slot.skill != skill or not slot.offered:
                continue
            if slot.needed > slot.on_duty + 0.5 and slot.offered >= 3:
                per_hour, on_duty = round(slot.calls_per_hour, 1), round(slot.on_duty, 1)
                short.append([slot.weekday, slot.hour, per_hour, on_duty, slot.needed])
                plan = planned.get((slot.weekday, slot.hour, skill), 0.0)
                cause = "planned" if plan < slot.needed - 0.5 else "no_show"
                causes[f"{slot.weekday}-{slot.hour}"] = [cause, round(plan, 1)]
        if short:
            short.sort(key=lambda s: (s[3] - s[4], s[0], s[1]))  # the largest shortfall first
            found.append(
                {
                    "kind": "capacity",
                    "subject": skill,
                    "figures": {
                        "period": {"from": need.first.isoformat(), "to": need.last.isoformat()},
                        "handle_seconds": round(need.handle_seconds[skill]),
                        "service_level": {"share": share, "seconds": target},
                        # [weekday (0 = Monday), hour, calls per hour, on duty, needed]
                        "hours": short,
                        # "weekday-hour": [planned or no_show, volunteers planned]
                        "causes": causes,
                    },
                }
            )
    return found


def _service(h, reports, recent, period, now_ms, includes_today: bool) -> list[dict]:
    """``includes_today``: whether the days include today (callbacks not made in time are a
    finding of now, not of a period gone by)."""
    found = []
    for row in reports.rows(recent, "topic"):
        offered = row.get("offered")
        if offered >= MIN_OFFERED and (row.abandon_rate or 0) >= ABANDON_LIMIT:
            found.append(
                {
                    "kind": "abandonment",
                    "subject": row.key,
                    "figures": {
                        "period": period,
                        "offered": offered,
                        "abandoned": row.get("abandoned"),
                        "average_wait_before_hanging_up_s": row.abandoned_wait_seconds,
                        "limit": ABANDON_LIMIT,
                    },
                }
            )
        late = row.get("answered") - row.get("within_sl")
        if row.get("answered") >= MIN_OFFERED and (row.wait_p90 or 0) > reports.sl_seconds:
            found.append(
                {
                    "kind": "long_waits",
                    "subject": row.key,
                    "figures": {
                        "period": period,
                        "answered": row.get("answered"),
                        "waited_longer": late,
                        "wait_p50_s": row.wait_p50,
                        "wait_p90_s": row.wait_p90,
                        "service_level_seconds": reports.sl_seconds,
                    },
                }
            )
    if not includes_today:
        return found
    late = reports.store.callbacks_older_than(h.flow.topics, h.flow.languages, now_ms - 86_400_000)
    if late:
        found.append(
            {
                "kind": "late_callbacks",
                "subject": None,
                "figures": {"count": late, "older_than_hours": 24},
            }
        )
    return found
