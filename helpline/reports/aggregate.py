"""Turning routing events into counts per hour, day and week.

``increments`` is pure: one event and what is known about its call in, counter changes out.
``Aggregator.process`` reads the events after the stored cursor, computes the changes for a
batch and hands them to ``agg_apply.lua``, which applies them and moves the cursor in one step
only if the cursor is still where the batch began. So a batch counts exactly once: a worker
killed mid-job applied all of a batch or nothing, and two jobs racing cannot both apply it.

A counter is a hash field ``<metric>|<dimension>`` in ``agg:<period>:<bucket>``, where the
dimension is ``all``, ``topic:<id>``, ``lang:<code>``, ``referral:<source>``, ``region:<area>``
or ``subtopic:<topic>/<sub>``; wait histograms are ``wait_bin<i>|<dimension>``. Who referred a
caller is ``referral:<kind>`` and ``org:<kind>/<org>`` (``unknown`` when the caller did not name
the organisation), with their sub-topics as ``orgsub:<kind>/<org>/<topic>/<sub>``; a referral
answered while waiting arrives as its own event after ``queued`` and is added to what was
already counted for that call. The menu is ``step:<id>`` (``menu_entered``, ``menu_left``);
each volunteer's own figures are ``volunteer:<id>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from helpline import keys
from helpline.config import Settings
from helpline.scripts import Scripts
from helpline.wrapup import UNLISTED

PERIODS = ("hour", "day", "week")
# Upper edges (seconds) of the wait histogram's bins; the last bin is open.
WAIT_BINS = (10, 20, 30, 60, 90, 120, 180, 300, 600)
REPEAT_WINDOW_MS = 14 * 86_400_000
FACTS_TTL = 3 * 86_400  # what we know of a call, kept while its events can still arrive


def week_name(day: date) -> str:
    """The ISO week a day lies in, as the week buckets are named ('2026-W48')."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def buckets(t_ms: int, zone: ZoneInfo) -> dict[str, str]:
    moment = datetime.fromtimestamp(t_ms / 1000, tz=zone)
    return {
        "hour": moment.strftime("%Y-%m-%dT%H"),
        "day": moment.strftime("%Y-%m-%d"),
        "week": week_name(moment.date()),
    }


def wait_bin(wait_ms: int) -> int:
    seconds = wait_ms / 1000
    for index, edge in enumerate(WAIT_BINS):
        if seconds < edge:
            return index
    return len(WAIT_BINS)


def percentile(histogram: list[int], share: float) -> int | None:
    """The upper edge (s) of the bin holding the given share of waits; None when empty."""
    total = sum(histogram)
    if not total:
        return None
    running = 0
    for index, count in enumerate(histogram):
        running += count
        if running >= share * total:
            return WAIT_BINS[index] if index < len(WAIT_BINS) else WAIT_BINS[-1] * 2
    return None


def region(value: str) -> str:
    """A landline's area code ('020'); mobile and other numbers count as unknown."""
    return value if value.isdigit() else "unknown"


WRAP_CAP_MS = 30 * 60_000  # a wrap-up form left open longer counts as half an hour


def dimensions(facts: dict) -> list[str]:
    dims = ["all"]
    for name in ("topic", "lang", "referral", "region"):
        if facts.get(name):
            dims.append(f"{name}:{facts[name]}")
    if facts.get("topic") and facts.get("lang"):
        dims.append(f"topic_lang:{facts['topic']}/{facts['lang']}")
    if facts.get("referral"):
        dims.append(f"org:{facts['referral']}/{facts.get('referral_org') or 'unknown'}")
    return dims


def referral_dims(facts: dict) -> list[str]:
    """The dimensions only the referral adds (counted again when it arrives late)."""
    return [d for d in dimensions(facts) if d.startswith(("referral:", "org:"))]


@dataclass
class Changes:
    """Counter changes for one batch: (metric, dimensions, amount) per moment."""

    counts: list[tuple[int, str, list[str], int]] = field(default_factory=list)
    facts: dict[str, dict] = field(default_factory=dict)
    repeats: list[tuple[int, str, str]] = field(default_factory=list)  # (t, caller, topic)

    def add(self, t: int, metric: str, dims: list[str], amount: int = 1) -> None:
        if dims:
            self.counts.append((t, metric, dims, amount))


def _member(event: dict) -> str:
    if event.get("member"):
        return event["member"]
    return keys.call_member(event["call"]) if event.get("call") else ""


def _menu(event: dict, t: int, changes: Changes, *, left: bool) -> None:
    """The steps a call passed in the menu: each entered once; where it ended if it did."""
    path = (event.get("path") or "").split()
    for step in dict.fromkeys(path):
        changes.add(t, "menu_entered", [f"step:{step}"])
    if left and (event.get("step") or path):
        changes.add(t, "menu_left", [f"step:{event.get('step') or path[-1]}"])


def _called(facts: dict, t: int, changes: Changes, dims: list[str]) -> None:
    """Every caller once, in the hour they called, whether or not they reached the line."""
    if not facts.get("called_t"):
        facts["called_t"] = str(t)
        changes.add(t, "calls", dims)


def _ms(value) -> int:
    return int(float(value or 0))


# What became of a text message, as the reports count it.
SMS_COUNTED = {"delivered": "sms_delivered", "undelivered": "sms_failed", "failed": "sms_failed"}


def increments(event: dict, facts: dict, changes: Changes, service_level_s: int) -> None:
    """Add what one event changes. ``facts`` is what is known of its call (may be updated)."""
    kind, t = event.get("type"), _ms(event.get("t"))
    dims = dimensions(facts)
    volunteer = [f"volunteer:{event['volunteer']}"] if event.get("volunteer") else []
    if kind == "queued":
        for name in ("topic", "lang", "caller"):
            facts[name] = event.get(name, "")
        if event.get("referral"):  # asked in the menu (a late answer has its own event)
            facts["referral"] = event["referral"]
        facts["region"] = region(event.get("region", ""))
        facts["queued_t"] = str(t)
        dims = dimensions(facts)
        _called(facts, _ms(event.get("arrival")) or t, changes, dims)
        _menu(event, t, changes, left=False)
        changes.add(t, "offered", dims)
        if event.get("repeat") == "1":
            changes.add(t, "repeat_calls", dims)
        if event.get("caller"):
            changes.repeats.append((t, event["caller"], event.get("topic", "")))
    elif kind == "referral":
        if not event.get("referral") or facts.get("referral"):
            return  # skipped, or already known: counted once
        facts["referral"] = event["referral"]
        facts["referral_org"] = event.get("referral_org") or "unknown"
        late = referral_dims(facts)
        for metric, moment in (("calls", "called_t"), ("offered", "queued_t")):
            if facts.get(moment):
                changes.add(_ms(facts[moment]), metric, late)
        if facts.get("answered_t"):
            changes.add(_ms(facts["answered_t"]), "answered", late)
    elif kind == "ended_in_menu":
        facts["region"] = region(event.get("region", ""))
        duration = _ms(event.get("duration_s")) * 1000
        arrived = t - duration if 0 < duration < t else t
        dims = ["all", f"region:{facts['region']}"]
        _called(facts, arrived, changes, dims)
        changes.add(arrived, "menu_ended", dims)
        if event.get("open") == "0":
            changes.add(arrived, "closed_calls", dims)
        _menu(event, arrived, changes, left=True)
    elif kind == "connected":
        wait = _ms(event.get("wait_ms"))
        changes.add(t, "taken", volunteer)
        if event.get("round", "0") != "0":
            pass  # a caller handed over to another volunteer: answered (and counted) before
        elif keys.is_callback(_member(event)):
            changes.add(t, "callbacks_made", dims)
        else:
            facts["answered_t"] = str(t)
            changes.add(t, "answered", dims)
            changes.add(t, "wait_ms", dims, wait)
            changes.add(t, f"wait_bin{wait_bin(wait)}", dims)
            if wait <= service_level_s * 1000:
                changes.add(t, "within_sl", dims)
        if event.get("widened") == "1":
            changes.add(t, "widened", dims)
            changes.add(t, "outside_topics", volunteer)
    elif kind == "abandoned":
        changes.add(t, "abandoned", dims)
        changes.add(t, "abandoned_wait_ms", dims, _ms(event.get("wait_ms")))
    elif kind == "completed":
        talk = _ms(event.get("talk_ms"))
        facts["done_t"] = str(t)
        changes.add(t, "handled", dims)
        changes.add(t, "talk_ms", dims + volunteer, talk)
    elif kind == "handover":
        changes.add(t, f"handovers_{event.get('how', '')}", dims)
    elif kind == "callback_requested":
        if not facts.get("queued_t"):  # from the closed menu: never in line
            _called(facts, _ms(event.get("arrival")) or t, changes, dims)
            if event.get("reason") == "closed":
                changes.add(_ms(event.get("arrival")) or t, "closed_calls", dims)
        changes.add(t, "callbacks_asked", dims)
    elif kind == "callback_unreachable":
        changes.add(t, "callbacks_unreachable", dims)
    elif kind == "offer_ended" and event.get("reason") in ("timeout", "declined"):
        changes.add(t, f"offers_{event['reason']}", dims + volunteer)
    elif kind == "sms_requested":  # the caller agreed to a text with the address
        changes.add(t, "sms_consented", dims)
    elif kind == "sms_status" and event.get("status") in SMS_COUNTED:
        changes.add(t, SMS_COUNTED[event["status"]], dims)
    elif kind == "wrapup":
        _wrapup(event, t, facts, dims, volunteer, changes)


def _wrapup(event, t, facts, dims, volunteer, changes: Changes) -> None:
    topic = event.get("w_topic") or facts.get("topic") or ""
    wrap_dims = [*dims]
    sub = event.get("w_subtopic")
    if sub:
        wrap_dims.append(f"subtopic:{topic}/{sub}")
        wrap_dims += [f"orgsub:{d[4:]}/{topic}/{sub}" for d in dims if d.startswith("org:")]
    if facts.get("done_t"):
        wrap = min(max(0, t - _ms(facts["done_t"])), WRAP_CAP_MS)
        changes.add(t, "wrap_ms", dims + volunteer, wrap)
    changes.add(t, "wrapups", wrap_dims)
    changes.add(t, f"outcome_{event.get('w_outcome', '')}", wrap_dims)
    if event.get("w_local_help"):
        changes.add(t, f"local_help_{event['w_local_help']}", wrap_dims)
    if event.get("w_local_help") == "place" and event.get("w_place") == UNLISTED:
        changes.add(t, "local_help_place_unlisted", wrap_dims)  # the directory lacks it
    if event.get("w_recurring") == "1":
        changes.add(t, "recurring", wrap_dims)


class Aggregator:
    def __init__(self, client, settings: Settings, clock):
        from helpline.reports.store import ReportStore

        self.store = ReportStore(client)
        self.settings = settings
        self.clock = clock
        self.zone = ZoneInfo(settings.timezone)
        self.scripts = Scripts.of(client)

    def lag(self, cap: int = 10_000) -> int:
        """Events not yet counted (at most ``cap``: enough to say the counting is behind,
        without reading a whole backlog on every metrics scrape)."""
        return len(self.store.uncounted(self.store.cursor(), cap))

    def process(self, batch: int = 500, max_batches: int = 200) -> int:
        """Count the events after the cursor; returns how many were counted by this call."""
        done = 0
        for _ in range(max_batches):
            counted = self._batch(batch)
            if counted <= 0:
                break
            done += counted
        return done

    def _batch(self, size: int) -> int:
        cursor = self.store.cursor()
        events = self.store.uncounted(cursor, size)
        if not events:
            return 0
        known = self.store.facts(sorted({m for _, e in events if (m := _member(e))}))
        changes = Changes()
        service_level_s = self.settings.service_level_seconds
        for _, event in events:
            member = _member(event)
            facts = known.setdefault(member, {})
            before = dict(facts)
            increments(event, facts, changes, service_level_s)
            if event.get("type") == "callback_requested" and event.get("callback"):
                # the callback carries on the call's facts under its own member
                known[keys.callback_member(event["callback"])] = dict(facts)
                changes.facts[keys.callback_member(event["callback"])] = dict(facts)
            if member and facts != before:
                changes.facts[member] = dict(facts)
        result = self.scripts.agg_apply(
            [keys.AGG_CURSOR], **self._args(cursor, events[-1][0], changes)
        )
        return len(events) if result == "applied" else -1

    def _args(self, cursor: str, new_cursor: str, changes: Changes) -> dict:
        """The changes as agg_apply.lua takes them (its header gives the layout)."""
        totals: dict[tuple[str, str], int] = {}
        indexes: dict[str, tuple[str, str, int]] = {}
        for t, metric, dims, amount in changes.counts:
            for period, bucket in buckets(t, self.zone).items():
                key = keys.agg(period, bucket)
                indexes[key] = (keys.agg_index(period), bucket, t)
                for dim in dims:
                    name = (key, f"{metric}|{dim}")
                    totals[name] = totals.get(name, 0) + amount
        repeats = []
        for t, caller, topic in changes.repeats:
            week = buckets(t, self.zone)["week"]
            repeats.append(
                [keys.agg_caller(caller), topic, t, keys.agg_repeats(week), f"{caller}|{topic}"]
            )
        return {
            "cursor": cursor,
            "new_cursor": new_cursor,
            "facts_ttl": FACTS_TTL,
            "repeat_window": REPEAT_WINDOW_MS,
            "counters": [[key, name, amount] for (key, name), amount in totals.items()],
            "indexes": [list(index) for index in indexes.values()],
            "facts": [
                [keys.agg_facts(member), {k: v for k, v in facts.items() if v}]
                for member, facts in changes.facts.items()
            ],
            "repeats": repeats,
        }
