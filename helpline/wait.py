"""While a caller waits: how long it will probably take, and what to tell them when.

Pure functions over plain numbers, so the rules are easy to read and to test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def estimate_minutes(ahead: int, answered_recently: int, window_s: int) -> int | None:
    """Honest wait estimate in whole minutes from the recent answer rate of this line.

    ``answered_recently`` callers were taken from this line in the last ``window_s`` seconds.
    With fewer than 3 we do not know enough and return None. The caller is served after the
    ``ahead`` people in front of them, so they wait for ahead + 1 answers.
    """
    if answered_recently < 3 or window_s <= 0:
        return None
    per_second = answered_recently / window_s
    seconds = (ahead + 1) / per_second
    return max(1, math.ceil(seconds / 60))


def estimate_window(configured_s: int, open_for_s: int | None) -> int:
    """Seconds of recent answers to take the rate over: the configured window, or only the
    time open when the helpline opened more recently (there are no answers before that), but
    never less than ten minutes. ``open_for_s`` is None when not known or closed."""
    if open_for_s is None:
        return configured_s
    return min(configured_s, max(600, open_for_s))


@dataclass(frozen=True)
class WaitState:
    waited_s: int  # since the caller joined the line
    ahead: int  # people in front of them
    last_message_s: int | None  # seconds since we last said something; None if never
    last_position_s: int | None  # seconds since we last said the position
    last_ahead: int | None  # the number of people ahead we said last time
    last_too_long_s: int | None  # seconds since we last offered the callback for a long wait


@dataclass(frozen=True)
class Plan:
    """What to say in this round of waiting."""

    position: bool = False  # say the position and the estimate
    callback_hint: bool = False  # mention the callback key
    too_long: bool = False  # the max wait passed: offer the callback as a choice
    hold_limit: bool = False  # the hold limit passed: end the wait with a next step


def plan(
    state: WaitState, *, announce_interval: int, position_repeat: int, max_wait: int, max_hold: int
) -> Plan:
    """Decide the messages: calm, never more often than ``announce_interval`` seconds."""
    if state.waited_s >= max_hold:
        return Plan(hold_limit=True)
    if state.last_message_s is None:
        return Plan(position=True, callback_hint=True)
    if state.last_message_s < announce_interval:
        return Plan()
    if state.waited_s >= max_wait and (
        state.last_too_long_s is None or state.last_too_long_s >= max_wait
    ):
        return Plan(too_long=True)
    changed = state.last_ahead is None or state.ahead < state.last_ahead
    stale = state.last_position_s is None or state.last_position_s >= position_repeat
    if changed or stale:
        return Plan(position=True, callback_hint=stale)
    return Plan()
