"""Erlang C: how many volunteers an hour needs so that callers wait no longer than the
service level, from the arrival rate and the handling time."""

from __future__ import annotations

import math


def erlang_c(agents: int, load: float) -> float:
    """The probability that a caller has to wait, with ``agents`` volunteers and an offered
    ``load`` in Erlangs (arrivals per second × handling seconds). 1.0 when overloaded."""
    if agents <= 0 or load >= agents:
        return 1.0
    if load <= 0:
        return 0.0
    # Erlang B by the stable recursion, then C from B.
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b / (1 - (load / agents) * (1 - b))


def service_level(agents: int, load: float, handle_seconds: float, target_seconds: float) -> float:
    """The share of callers answered within ``target_seconds``."""
    if agents <= load:
        return 0.0
    if load <= 0:
        return 1.0
    wait = erlang_c(agents, load)
    return 1 - wait * math.exp(-(agents - load) * target_seconds / handle_seconds)


def average_wait(agents: int, load: float, handle_seconds: float) -> float:
    """The mean wait in seconds over all callers (infinite when overloaded)."""
    if agents <= load:
        return math.inf
    return erlang_c(agents, load) * handle_seconds / (agents - load)


def agents_needed(
    calls_per_hour: float, handle_seconds: float, target_share: float, target_seconds: float
) -> int:
    """The fewest volunteers who answer ``target_share`` of the calls within
    ``target_seconds`` (0 when there are no calls)."""
    if calls_per_hour <= 0 or handle_seconds <= 0:
        return 0
    load = calls_per_hour * handle_seconds / 3600
    agents = max(1, math.floor(load) + 1)
    while service_level(agents, load, handle_seconds, target_seconds) < target_share:
        agents += 1
    return agents
