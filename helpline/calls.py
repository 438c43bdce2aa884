"""The caller's side of the state in Redis: calls, waiting lists and callback requests.

Each change that touches more than one key is one Lua script in ``helpline/lua`` (loaded by
``helpline.scripts``); this module only prepares keys and arguments and reads results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import redis

from helpline import keys, privacy
from helpline.clock import Clock, clock_from_settings
from helpline.config import Settings
from helpline.menu_notes import MenuNotes
from helpline.model import Party
from helpline.opening import OpeningHours
from helpline.scripts import Scripts


@dataclass(frozen=True)
class WaitSnapshot:
    call: dict[str, str]
    ahead: int | None  # None when the caller is not in the list
    answered_recently: int
    now_ms: int


def _in_line(sid: str, now: int, line: str) -> dict:
    """The named arguments of a script about a caller leaving the line they were read in."""
    return {"sid": sid, "member": keys.call_member(sid), "now": now, "line": line}


def _ms(moment: datetime | None) -> int:
    return int(moment.timestamp() * 1000) if moment else 0


class CallStore:
    def __init__(
        self,
        client: redis.Redis,
        settings: Settings,
        clock: Clock | None = None,
        opening: OpeningHours | None = None,
    ):
        self.redis = client
        self.settings = settings
        self.clock = clock or clock_from_settings(settings)
        self.opening = opening or OpeningHours(client, settings, self.clock)
        self.menu_notes = MenuNotes(client)

    @cached_property
    def scripts(self) -> Scripts:
        return Scripts.of(self.redis)

    def party(self, member: str) -> Party | None:
        """Who is behind a line member (a caller's call or a callback request), if known."""
        if not keys.parse_member(member)[0]:
            return None
        data = self.redis.hgetall(keys.party(member))
        return Party.from_hash(member, data) if data else None

    def line_length(self, topic: str, lang: str) -> tuple[int, int | None]:
        """How many wait in a line, and when the first of them arrived (ms; None if nobody)."""
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.zcard(keys.waiting(topic, lang))
            pipe.zrange(keys.waiting(topic, lang), 0, 0, withscores=True)
            count, first = pipe.execute()
        return count, (keys.arrival_of(first[0][1]) if first else None)

    def in_line(self, topic: str, lang: str) -> list[str]:
        """The members of a line, first in line first."""
        return self.redis.zrange(keys.waiting(topic, lang), 0, -1)

    def scheduled_callbacks(self) -> int:
        """Callback requests waiting for their moment (asked for while closed, say)."""
        return self.redis.zcard(keys.SCHEDULED_CALLBACKS)

    def trim_events(self, before_ms: int) -> int:
        """Drop raw events older than ``before_ms``, but never one the reports have not
        counted yet (a stalled counter catches up first). How many were dropped."""
        cursor = self.redis.get(keys.AGG_CURSOR) or "0-0"
        limit_ms = min(before_ms, int(cursor.split("-")[0]) + 1)
        return self.redis.xtrim(keys.EVENTS, minid=f"{limit_ms}-0", approximate=False)

    def purge_callbacks(self, before_ms: int) -> int:
        """Remove the number of every finished callback, and drop callback requests left open
        since before ``before_ms``. How many numbers went."""
        numbers = 0
        for key in self.redis.scan_iter(match=keys.callback("*"), count=500):
            callback_id = key.rsplit(":", 1)[1]
            topic, lang = self.redis.hmget(key, ["topic", "lang"])
            result = self.scripts.purge_callback(
                [key, keys.SCHEDULED_CALLBACKS, keys.waiting(topic or "-", lang or "-")],
                member=keys.callback_member(callback_id),
                cutoff=before_ms,
            )
            numbers += result in ("scrubbed", "expired")
        return numbers

    def menu_step(self, sid: str, step: str, *, first: bool = False) -> None:
        """Note a menu step presented to a call still in the menu (where it is when it ends
        there; the steps it passed travel on its queued or ended_in_menu event); ``first``:
        the step the call began with. Written in batches shortly after
        (``helpline.menu_notes``)."""
        self.menu_notes.add(sid, step, first=first)

    def pseudonym(self, number: str | None) -> str:
        return privacy.pseudonym(number or "", self.settings.pseudonym_key)

    # -- the call's life -------------------------------------------------------------------

    def enqueue(
        self,
        sid: str,
        number: str | None,
        topic: str,
        lang: str,
        referral: str | None,
        arrival_ms: int | None = None,
        *,
        ask_referral: bool = False,
    ) -> tuple[str, int, int]:
        """Put the caller in line; returns (state, arrival ms, people ahead or -1).

        ``ask_referral``: ask who sent them while they wait, unless they were asked within
        the repeat window (the call is marked ``ask_ref``)."""
        now = self.clock.now_ms()
        caller = self.pseudonym(number)
        self.menu_notes.flush()  # the script reads the steps heard
        state, arrival, ahead, _ = self.scripts.enqueue(
            [
                keys.call(sid),
                keys.waiting(topic, lang),
                keys.EVENTS,
                keys.caller(caller or "-"),
                keys.menu_path(sid),
            ],
            sid=sid,
            member=keys.call_member(sid),
            now=now,
            arrival=arrival_ms or now,
            topic=topic,
            lang=lang,
            priority=0,
            referral=referral or "",
            ask_referral=ask_referral,
            repeat_window=self.settings.repeat_window_days * 86_400_000,
            repeat_bonus=self.settings.priority_repeat,
            call_ttl=self.settings.call_ttl,
            history_ttl=self.settings.repeat_window_days * 86_400 + 86_400,
            caller=caller,
            region=privacy.region(number),
            span=keys.PRIORITY_SPAN,
            max_priority=keys.MAX_PRIORITY,
        )
        return state, int(arrival or 0), int(ahead)

    def _with_line(self, sid: str, run) -> str:
        """Run a script that needs the call's waiting list as a key, retrying if it moved.

        ``run(line, topic, lang)`` gets the list key ('' when the call has none), the topic
        and the language.
        """
        for _ in range(3):
            line, topic, lang = self.redis.hmget(keys.call(sid), ["line", "topic", "lang"])
            result = run(line or "", topic or "", lang or "")
            if result != "moved":
                return result
        return "moved"

    def end(self, sid: str, status: str, *, number: str | None = None, duration_s: str = "") -> str:
        """The call is over; a waiting caller is removed at once and counted as abandoned."""
        now = self.clock.now_ms()
        try:
            is_open = self.opening.status().open
        except (redis.RedisError, ValueError):
            is_open = True
        about = {
            "caller": self.pseudonym(number),
            "region": privacy.region(number),
            "duration": duration_s,
            "open": "1" if is_open else "0",
        }
        self.menu_notes.flush()  # the script reads the steps heard
        return self._with_line(
            sid,
            lambda line, topic, _lang: self.scripts.end_call(
                [
                    keys.call(sid),
                    line or keys.waiting("-", "-"),
                    keys.EVENTS,
                    keys.number_draft(sid),
                    keys.menu_path(sid),
                ],
                **_in_line(sid, now, line),
                status=status,
                ttl=self.settings.call_ttl,
                **about,
            ),
        )

    def leave(self, sid: str, reason: str) -> str:
        now = self.clock.now_ms()
        return self._with_line(
            sid,
            lambda line, topic, _lang: self.scripts.leave_queue(
                [keys.call(sid), line or keys.waiting("-", "-"), keys.EVENTS],
                **_in_line(sid, now, line),
                reason=reason,
            ),
        )

    def dequeued(self, sid: str, how: str) -> str:
        now = self.clock.now_ms()
        window_ms = self.settings.estimate_window * 1000 * 2
        return self._with_line(
            sid,
            lambda line, topic, lang: self.scripts.dequeued(
                [
                    keys.call(sid),
                    line or keys.waiting("-", "-"),
                    keys.EVENTS,
                    keys.answered(topic or "-", lang or "-"),
                ],
                **_in_line(sid, now, line),
                how=how,
                keep_answers=window_ms,
            ),
        )

    def request_callback(
        self,
        sid: str,
        number: str,
        topic: str,
        lang: str,
        *,
        reason: str,
        due_at: datetime | None,
        caller_number: str | None,
    ) -> tuple[str, str]:
        """Turn the caller into a callback request that keeps their place; (result, id)."""
        if not privacy.is_callable(number):
            raise ValueError("a callback needs a callable E.164 number")
        now = self.clock.now_ms()
        callback_id = f"cb-{sid}"

        def run(line: str, current_topic: str, _lang: str):
            use_topic = current_topic or topic
            result, cid = self.scripts.to_callback(
                [
                    keys.call(sid),
                    line or keys.waiting(use_topic, lang),
                    keys.callback(callback_id),
                    keys.EVENTS,
                    keys.number_draft(sid),
                    keys.SCHEDULED_CALLBACKS,
                ],
                sid=sid,
                member=keys.call_member(sid),
                callback=callback_id,
                callback_member=keys.callback_member(callback_id),
                now=now,
                number=number,
                topic=use_topic,
                lang=lang,
                due=_ms(due_at) or now,
                ttl=self.settings.call_ttl,
                score=keys.score(0, now),
                caller=self.pseudonym(caller_number),
                region=privacy.region(caller_number),
                reason=reason,
            )
            return "moved" if result == "moved" else (result, cid)

        outcome = self._with_line(sid, run)
        if outcome == "moved":
            raise RuntimeError("the call's topic kept changing")
        return outcome

    def back_in_line(self, sid: str) -> str:
        """A caller left alone after a conversation that never was: the front of their line,
        with their original arrival ('queued'), or 'stale'."""
        topic, lang = self.redis.hmget(keys.call(sid), ["topic", "lang"])
        if not topic or not lang:
            return "stale"
        return self.scripts.back_in_line(
            [keys.call(sid), keys.waiting(topic, lang), keys.EVENTS],
            sid=sid,
            member=keys.call_member(sid),
            now=self.clock.now_ms(),
            span=keys.PRIORITY_SPAN,
            max_priority=keys.MAX_PRIORITY,
        )

    def referral(self, sid: str, referral: str, org: str, *, final: bool) -> str:
        """Who sent the caller (asked in the wait): kept with the call, and reported once as
        a ``referral`` event when ``final`` (for the funding report)."""
        return self.scripts.referral(
            [keys.call(sid), keys.EVENTS],
            sid=sid,
            now=self.clock.now_ms(),
            referral=referral,
            org=org,
            final=final,
        )

    # -- while waiting ---------------------------------------------------------------------

    def wait_snapshot(self, sid: str, topic: str, lang: str, window_s: int) -> WaitSnapshot:
        """The call, the people ahead of it and the answers of the last ``window_s`` seconds,
        in one round trip."""
        now = self.clock.now_ms()
        window = window_s * 1000
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(keys.call(sid))
            pipe.zrank(keys.waiting(topic, lang), keys.call_member(sid))
            pipe.zcount(keys.answered(topic, lang), now - window, "+inf")
            call, rank, answered = pipe.execute()
        return WaitSnapshot(call, rank, int(answered), now)

    def state(self, sid: str) -> str | None:
        return self.redis.hget(keys.call(sid), "state")

    def note(self, sid: str, **fields) -> None:
        """Remember what we told a waiting caller (single key, so no script)."""
        self.redis.hset(keys.call(sid), mapping={k: str(v) for k, v in fields.items()})

    def save_draft(self, sid: str, number: str) -> None:
        self.redis.set(keys.number_draft(sid), number, ex=900)

    def draft(self, sid: str) -> str | None:
        return self.redis.get(keys.number_draft(sid))

    def callback(self, callback_id: str) -> dict[str, str]:
        return self.redis.hgetall(keys.callback(callback_id))
