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
        volunteer: str = "vol",
        path: str = "welcome topic",
        referral_org: str | None = None,
        late_referral: str | None = None,
        widened: bool = False,
        wrap_s: float = 30,
    ) -> str:
        """One caller who joins the line (and is answered unless ``abandoned``). A
        ``late_referral`` (kind) is answered while waiting, as its own event after queued,
        with ``referral_org`` ('' when they did not name it)."""
        sid = f"CA{next(_ids):032d}"
        member = f"c:{sid}"
        caller = caller or f"p{next(_ids):015d}"
        if late_referral is not None:
            self._add("referral", t + 5_000, call=sid, referral=late_referral,
                      referral_org=referral_org or "")  # fmt: skip
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
            path=path,
        )
        wait_ms = int(wait_s * 1000)
        if abandoned:
            self._add("abandoned", t + wait_ms, call=sid, topic=topic, wait_ms=wait_ms)
            return sid
        self._add(
            "connected",
            t + wait_ms,
            member=member,
            volunteer=volunteer,
            wait_ms=wait_ms,
            topic=topic,
            widened="1" if widened else "0",
        )
        done = t + wait_ms + int(talk_s * 1000)
        self._add("completed", done, member=member, volunteer=volunteer,
                  talk_ms=int(talk_s * 1000), topic=topic)  # fmt: skip
        self._add(
            "wrapup",
            done + int(wrap_s * 1000),
            member=member,
            volunteer=volunteer,
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

    def menu_call(self, t: int, path: str, *, open_: bool = True, duration_s: int = 20) -> str:
        """A caller who hangs up in the menu, at the last step of ``path`` (as end_call.lua
        writes it: when the call ends, with how long it lasted)."""
        sid = f"CA{next(_ids):032d}"
        self._add("ended_in_menu", t + duration_s * 1000, call=sid, caller="", region="mobile",
                  duration_s=duration_s, open="1" if open_ else "0", status="completed",
                  step=path.split()[-1], path=path)  # fmt: skip
        return sid

    def offer_missed(self, t: int, volunteer: str, reason: str = "timeout") -> None:
        self._add("offer_ended", t, reason=reason, member=f"c:CAmissed{next(_ids)}",
                  volunteer=volunteer, volunteer_state="paused")  # fmt: skip

    def duty(self, t: int, skill: str, minutes: int, volunteer: str = "") -> None:
        """Volunteer-minutes on duty in the hour of ``t`` (as the duty sampler adds them: a
        volunteer with only this skill)."""
        counts = {
            f"duty_minutes|skill:{skill}": minutes,
            f"duty_share|skill:{skill}": minutes * 1000,
        }
        if volunteer:
            counts[f"duty_minutes|volunteer:{volunteer}"] = minutes
        named = buckets(t, ZONE)
        for period in ("hour", "day", "week"):
            Scripts.of(self.r).agg_add(
                [keys.agg(period, named[period]), keys.agg_index(period)],
                bucket=named[period],
                t=t,
                counts=counts,
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
