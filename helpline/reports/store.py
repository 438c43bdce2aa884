"""Where the reports read and keep what they need in Redis: the counters per hour, day and
week, the latest findings, the wrap-up notes and the repeat callers. The report modules, their
pages and their jobs go through here and never touch Redis themselves."""

from __future__ import annotations

import json

from helpline import keys


def parse(raw: dict) -> dict[str, dict[str, int]]:
    """{dimension: {metric: value}} from one bucket's hash."""
    out: dict[str, dict[str, int]] = {}
    for name, value in raw.items():
        metric, _, dim = name.partition("|")
        out.setdefault(dim, {})[metric] = int(float(value))
    return out


def merge(target: dict[str, dict[str, int]], more: dict[str, dict[str, int]]) -> None:
    for dim, metrics in more.items():
        into = target.setdefault(dim, {})
        for metric, value in metrics.items():
            into[metric] = into.get(metric, 0) + value


class ReportStore:
    def __init__(self, client):
        self.redis = client

    # -- the counting ----------------------------------------------------------------------

    def cursor(self) -> str:
        """The id of the last event counted ('0-0' before the first)."""
        return self.redis.get(keys.AGG_CURSOR) or "0-0"

    def uncounted(self, cursor: str, count: int) -> list[tuple[str, dict]]:
        """Up to ``count`` events after the cursor, oldest first."""
        return self.redis.xrange(keys.EVENTS, min=f"({cursor}", count=count)

    def facts(self, members: list[str]) -> dict[str, dict]:
        """What the counting knows of each call (or callback) so far."""
        if not members:
            return {}
        with self.redis.pipeline(transaction=False) as pipe:
            for member in members:
                pipe.hgetall(keys.agg_facts(member))
            return dict(zip(members, pipe.execute(), strict=True))

    # -- the counters ----------------------------------------------------------------------

    def bucket(self, period: str, name: str) -> dict[str, dict[str, int]]:
        return parse(self.redis.hgetall(keys.agg(period, name)))

    def buckets(self, period: str, names: list[str]) -> list[dict[str, dict[str, int]]]:
        """Each named bucket of the period, in the order given."""
        if not names:
            return []
        with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.hgetall(keys.agg(period, name))
            return [parse(raw) for raw in pipe.execute()]

    def total(self, period: str, names: list[str]) -> dict[str, dict[str, int]]:
        """The sum of the named buckets of one period."""
        out: dict[str, dict[str, int]] = {}
        for data in self.buckets(period, names):
            merge(out, data)
        return out

    def indexed(self, period: str, start_ms: float, end_ms: float) -> list[str]:
        """The names of the buckets of a period that have counts, from start to end (ms)."""
        return self.redis.zrangebyscore(keys.agg_index(period), start_ms, end_ms)

    def first_counted_ms(self) -> int | None:
        """When the first counted day began (ms), None before anything was counted."""
        first = self.redis.zrange(keys.agg_index("day"), 0, 0, withscores=True)
        return int(first[0][1]) if first else None

    # -- the findings ----------------------------------------------------------------------

    def findings(self, days: str | None = None) -> dict:
        """The standing findings, or those kept for the days named ``days``
        ('2026-10-01_2026-10-31')."""
        raw = self.redis.get(keys.findings_of(days) if days else keys.FINDINGS)
        return json.loads(raw) if raw else {"generated_at": None, "findings": []}

    def save_findings(self, report: dict, days: str | None = None, ttl: int | None = None) -> None:
        key = keys.findings_of(days) if days else keys.FINDINGS
        self.redis.set(key, json.dumps(report), ex=ttl)

    # -- what the findings read besides the counters ---------------------------------------

    def wrapups_since(self, since_ms: int, until_ms: int | None = None) -> list[dict]:
        """The wrap-up events from ``since_ms`` on, before ``until_ms`` if given (their
        notes, topics and flags)."""
        start = f"{max(0, since_ms - 86_400_000)}-0"  # events are appended a little late
        end = f"{until_ms + 86_400_000}-0" if until_ms else "+"
        return [
            event
            for _, event in self.redis.xrange(keys.EVENTS, min=start, max=end)
            if event.get("type") == "wrapup"
            and since_ms <= int(event.get("t") or 0) < (until_ms or float("inf"))
        ]

    def repeats(self, week: str) -> list[tuple[str, int]]:
        """('<caller>|<topic>', times) for callers who called again about a topic that week."""
        return [
            (member, int(score))
            for member, score in self.redis.zrange(keys.agg_repeats(week), 0, -1, withscores=True)
        ]

    def callbacks_older_than(self, topics, languages, before_ms: int) -> int:
        """Callback requests still open (scheduled or in line) asked before ``before_ms``."""
        members = set(self.redis.zrange(keys.SCHEDULED_CALLBACKS, 0, -1))
        for topic in topics:
            for lang in languages:
                members |= {
                    m
                    for m in self.redis.zrange(keys.waiting(topic, lang), 0, -1)
                    if keys.is_callback(m)
                }
        late = 0
        for member in sorted(members):
            arrival = self.redis.hget(keys.party(member), "arrival")
            if arrival and int(float(arrival)) < before_ms:
                late += 1
        return late
