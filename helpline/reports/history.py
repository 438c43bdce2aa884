"""A generated history of calls, written as the routing scripts write their events (same types
and fields): for testing the aggregates and the bottleneck findings, and for the demo's sample
history (``helpline.sample``)."""

from __future__ import annotations

import itertools
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from zoneinfo import ZoneInfo

from helpline import keys
from helpline.reports.aggregate import buckets
from helpline.scripts import Scripts

DAY = 86_400_000
ZONE = ZoneInfo("Europe/Amsterdam")
_ids = itertools.count(1)


class History:
    """Calls made up at given moments; ``write`` appends their events to the stream."""

    def __init__(self, r, now_ms: int | None = None):
        self.r = r
        self.now = now_ms or int(time.time() * 1000)
        self.events: list[dict] = []

    def ago(self, days: float, hour: int | None = None) -> int:
        """A moment ``days`` ago; with ``hour``, that many calendar days back in the helpline's
        zone, at a quarter past ``hour`` local time (so the weekday is right across a clock
        change and around midnight, whatever zone the machine is in)."""
        if hour is None:
            return self.now - int(days * DAY)
        assert days == int(days), "whole days when an hour is given"
        today = datetime.fromtimestamp(self.now / 1000, tz=ZONE).date()
        day = today - timedelta(days=days)
        moment = datetime.combine(day, dt_time(hour, 15), tzinfo=ZONE)
        return int(moment.timestamp() * 1000)

    def week_of(self, t: int) -> str:
        """The ISO week ('2026-W48') of a moment, in the helpline's zone."""
        return buckets(t, ZONE)["week"]

    def call(
        self,
        t: int,
        topic: str = "digid",
        *,
        lang: str = "nl",
        referral: str = "",
        region: str = "020",
        caller: str | None = None,
        wait_s: float = 30,
        abandoned: bool = False,
        talk_s: float = 300,
        outcome: str = "solved",
        subtopic: str = "",
        recurring: bool = False,
        note: str = "",
        local_help: str = "",
        place: str = "",
    ) -> str:
        sid = f"CA{next(_ids):032d}"
        member = f"c:{sid}"
        caller = caller or f"p{next(_ids):015d}"
        self._add(
            "queued",
            t,
            call=sid,
            arrival=t,
            topic=topic,
            lang=lang,
            priority=0,
            referral=referral,
            repeat="0",
            caller=caller,
            region=region,
        )
        wait_ms = int(wait_s * 1000)
        if abandoned:
            self._add("abandoned", t + wait_ms, call=sid, topic=topic, wait_ms=wait_ms)
            return sid
        self._add(
            "connected",
            t + wait_ms,
            member=member,
            volunteer="vol",
            wait_ms=wait_ms,
            topic=topic,
            widened="0",
        )
        done = t + wait_ms + int(talk_s * 1000)
        self._add("completed", done, member=member, volunteer="vol", talk_ms=int(talk_s * 1000),
                  topic=topic)  # fmt: skip
        self._add(
            "wrapup",
            done + 30_000,
            member=member,
            volunteer="vol",
            topic=topic,
            w_outcome=outcome,
            w_topic=topic,
            w_subtopic=subtopic,
            w_local_help=local_help,
            w_place=place,
            w_recurring="1" if recurring else "0",
            w_note=note,
        )
        return sid

    def duty(self, t: int, skill: str, minutes: int) -> None:
        """Volunteer-minutes on duty in the hour of ``t`` (as the duty sampler adds them)."""
        hour = buckets(t, ZONE)["hour"]
        Scripts.of(self.r).agg_add(
            [keys.agg("hour", hour), keys.agg_index("hour")],
            bucket=hour,
            t=t,
            counts={f"duty_minutes|skill:{skill}": minutes},
        )

    def _add(self, kind: str, t: int, **fields) -> None:
        self.events.append({"type": kind, "t": t, **fields})

    def write(self) -> int:
        """Append the events to the stream in time order, as the app would have."""
        self.events.sort(key=lambda e: e["t"])
        with self.r.pipeline(transaction=False) as pipe:
            for event in self.events:
                pipe.xadd(keys.EVENTS, {k: str(v) for k, v in event.items()})
            pipe.execute()
        return len(self.events)
