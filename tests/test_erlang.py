"""Erlang C against the textbook example: 100 calls in half an hour, 180 s handling time, a
target of 80% answered within 20 s (10 Erlangs)."""

from __future__ import annotations

import math

import pytest

from helpline.reports.erlang import agents_needed, average_wait, erlang_c, service_level


@pytest.mark.parametrize(
    ("agents", "waits", "within_20s", "mean_wait"),
    [
        (11, 0.6821, 0.3896, 122.8),
        (12, 0.4494, 0.6402, 40.4),
        (13, 0.2853, 0.7956, 17.1),
        (14, 0.1741, 0.8884, 7.8),
    ],
)
def test_erlang_c_matches_the_textbook_values(agents, waits, within_20s, mean_wait):
    assert erlang_c(agents, 10.0) == pytest.approx(waits, abs=5e-4)
    assert service_level(agents, 10.0, 180, 20) == pytest.approx(within_20s, abs=5e-4)
    assert average_wait(agents, 10.0, 180) == pytest.approx(mean_wait, abs=0.05)


def test_the_staffing_estimate_is_the_fewest_volunteers_meeting_the_service_level():
    assert agents_needed(200, 180, 0.80, 20) == 14


def test_overload_and_empty_hours_are_handled():
    assert erlang_c(5, 5.0) == 1.0 and service_level(5, 6.0, 180, 20) == 0.0
    assert math.isinf(average_wait(3, 4.0, 180))
    assert agents_needed(0, 180, 0.8, 20) == 0
    assert agents_needed(1, 300, 0.8, 120) == 1
