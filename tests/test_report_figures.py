"""The new counts from a generated history, counted by real RQ workers against a real Redis:
the menu's drop-off per step and the calls while closed, the funding rows per organisation
(by name, 'naam onbekend' and 'niet gevraagd'), periods that add up, each volunteer's activity,
and a volunteer with several skills counted once in the capacity."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from helpline.people import People
from helpline.reports import periods
from helpline.reports.activity import VolunteerActivity
from helpline.reports.funding import FundingReport
from helpline.reports.menu import MenuReport
from helpline.reports.tables import Reports
from helpline.texts import Refusal
from tests.history import ZONE, History
from tests.test_reports import in_a_worker


@pytest.fixture
def h(app):
    return app.extensions["helpline"]


HOUR = 3_600_000


def wednesdays(history: History) -> list[int]:
    """10:00 on the Wednesday of last week and of the week before (whole days in the past,
    each in one month and one quarter)."""
    today = datetime.fromtimestamp(history.now / 1000, ZONE).date()
    out = []
    for weeks in (1, 2):
        day = today - timedelta(days=today.weekday() - 2 + 7 * weeks)
        out.append(history.ago((today - day).days, hour=10))
    return out


def generated(r) -> History:
    history = History(r)
    first, second = wednesdays(history)
    # the menu: callers who hang up at each step, and while we are closed
    for _ in range(3):
        history.menu_call(first, "welcome")
    for _ in range(2):
        history.menu_call(first, "welcome topic topic")  # heard the topic menu twice
    history.menu_call(first, "welcome topic referral")
    history.menu_call(second, "closed", open_=False)
    history.menu_call(second, "closed closed_goodbye", open_=False)
    # in line: referred by ING (asked while waiting), by a bank they did not name, by an
    # insurer, and not asked or skipped
    for n in range(3):
        history.call(first + n * 60_000, "bank", late_referral="bank", referral_org="ing",
                     subtopic="login", volunteer="ann", talk_s=300, wrap_s=60,
                     path="welcome topic referral")  # fmt: skip
    # (every referred call on the later Wednesday, so one quarter holds them all, whatever
    # the date the tests run)
    for n in range(2):
        history.call(first + HOUR + n * 60_000, "bank", late_referral="bank", referral_org="",
                     subtopic="payment", volunteer="bob", talk_s=120, wrap_s=60)  # fmt: skip
    history.call(first + 2 * HOUR, "general", late_referral="insurer",
                 referral_org="zilveren_kruis", volunteer="ann", widened=True, talk_s=600,
                 wrap_s=120)  # fmt: skip
    history.call(first, "digid", volunteer="bob", talk_s=60, wrap_s=30)
    history.call(first, "digid", late_referral="", abandoned=True)  # skipped the question
    history.offer_missed(first, "bob")
    history.offer_missed(first, "bob", reason="declined")
    history.duty(first, "bank", 120, volunteer="ann")
    history.duty(first, "digid", 90, volunteer="bob")
    return history


def test_menu_drop_off_closed_calls_funding_rows_and_activity(h, r, redis_url):
    history = generated(r)
    written = history.write()
    assert in_a_worker(h, redis_url, "workers.reports.process_events") == [written]
    first, second = wednesdays(history)
    reports = Reports(r, h.settings, h.store.clock)
    day = datetime.fromtimestamp(first / 1000, ZONE).date()
    quarter = periods.named(periods.of_kind("quarter", day).name)
    span = periods.Period("range", day - timedelta(days=7), day)

    menu = MenuReport(h, span, "nl").as_dict()
    steps = {s["step"]: (s["entered"], s["left_here"]) for s in menu["steps"]}
    # 6 hung up in the open menu; the 8 in line passed welcome and topic, 3 of them referral
    assert steps["welcome"] == (6 + 8, 3)
    assert steps["topic"] == (3 + 8, 2)
    assert steps["referral"] == (1 + 3, 1)
    assert steps["closed"] == (2, 1) and steps["closed_goodbye"] == (1, 1)
    assert menu["closed_hours_calls"] == 2
    assert menu["funnel"] == {
        "called": 8 + 8,  # everyone, including those who never reached the line
        "in_menu": 14,
        "in_line": 8,
        "answered": 7,
        "ended_in_menu": 8,
    }
    labels = [s["label"] for s in menu["steps"]]
    assert "Welkom en taalkeuze" in labels and not any("_" in label for label in labels)
    grid = MenuReport(h, span, "nl").closed_grid()
    closed_day = datetime.fromtimestamp(second / 1000, ZONE)
    assert grid[closed_day.weekday()][closed_day.hour] == 2 and sum(map(sum, grid)) == 2

    funding = FundingReport(h, quarter, "nl")
    rows = {(row["level"], row["kind"], row["organisation"]): row for row in funding.rows()}
    ing = rows[("organisation", "bank", "ing")]
    assert ing["name"] == "ING"
    assert (ing["callers"], ing["answered"], ing["volunteer_minutes"]) == (3, 3, 18)
    assert ing["top_subtopics"] == ["Uw bank: inloggen (3)"]
    unknown = rows[("organisation", "bank", "unknown")]
    assert unknown["name"] == "Bank, naam onbekend" and unknown["callers"] == 2
    assert rows[("organisation", "insurer", "zilveren_kruis")]["name"] == "Zilveren Kruis"
    assert rows[("kind", "bank", None)]["callers"] == 5
    not_asked = rows[("not_asked", "", None)]
    assert not_asked["name"] == "Niet gevraagd of overgeslagen"
    assert not_asked["callers"] == 16 - 6 and not_asked["answered"] == 1
    summary = funding.summary()
    assert summary["answered_question"] == 6 and summary["answered_share"] == round(6 / 16, 3)
    assert funding.csv().splitlines()[0].split(",") == list(funding.rows()[0])

    # a month, a quarter and a year add up to their weeks
    week_totals = {}
    for t in (first, second):
        moment = datetime.fromtimestamp(t / 1000, ZONE)
        week = periods.of_kind("week", moment.date())
        week_totals[moment.date()] = reports.period(week)["all"]["calls"]
    for kind in ("month", "quarter", "year"):
        for day_ in week_totals:
            period = periods.of_kind(kind, day_)
            expected = sum(n for d, n in week_totals.items() if period.first <= d <= period.last)
            assert reports.period(period)["all"]["calls"] == expected, kind
    years = {periods.of_kind("year", d).name: periods.of_kind("year", d) for d in week_totals}
    assert sum(reports.period(y)["all"]["calls"] for y in years.values()) == 16

    activity = {row["volunteer"]: row for row in VolunteerActivity(h, span, "nl").rows()}
    assert activity["ann"] == {
        "volunteer": "ann", "name": "ann", "hours_available": 2.0, "calls_taken": 4,
        "talk_minutes": 25, "wrapup_minutes": 5, "offers_missed": 0, "offers_declined": 0,
        "outside_topics": 1,
    }  # fmt: skip
    assert activity["bob"]["calls_taken"] == 3 and activity["bob"]["hours_available"] == 1.5
    assert (activity["bob"]["offers_missed"], activity["bob"]["offers_declined"]) == (1, 1)
    mine = VolunteerActivity(h, span, "nl", only="bob").rows()
    assert [row["volunteer"] for row in mine] == ["bob"]


def test_a_volunteer_with_three_skills_counts_once_split_by_the_calls_they_could_take(
    h, r, redis_url
):
    history = History(r)
    for days in range(1, 8):  # last week: 3 DigiD callers for every bank caller, none general
        for _ in range(3):
            history.call(history.ago(days, hour=11), "digid")
        history.call(history.ago(days, hour=11), "bank")
    history.write()
    in_a_worker(h, redis_url, "workers.reports.process_events")
    People(h).add("tess", "correct horse battery", role="volunteer", name="Tess",
                  phone="+31612345678", skills=["digid", "bank", "general"])  # fmt: skip
    h.router.set_state("tess", "available")
    in_a_worker(h, redis_url, "workers.reports.sample_duty")
    reports = Reports(r, h.settings, h.store.clock)
    today = reports.days(reports.today(), reports.today())
    shares = {
        s: today.get(f"skill:{s}", {}).get("duty_share", 0) for s in ("digid", "bank", "general")
    }
    assert sum(shares.values()) == 1000  # one volunteer, one minute: counted once
    assert shares == {"digid": 750, "bank": 250, "general": 0}
    assert today["volunteer:tess"]["duty_minutes"] == 1


def test_a_period_out_of_range_is_refused_in_words(h):
    reports = Reports(h.redis, h.settings, h.store.clock)
    today = reports.today()
    for args, msgid in (
        ({"period": "1999-Q1"}, "period_before_start"),
        ({"period": f"{today.year + 2}"}, "period_too_far_ahead"),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "period_backwards"),
        ({"period": "2026-Q5"}, "period_unreadable"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "period_too_long"),
    ):
        with pytest.raises(Refusal) as refused:
            periods.parse(args, today, today - timedelta(days=30))
        assert refused.value.msgid == msgid
    assert periods.parse({"period": "2026-Q3"}, today, date(2026, 1, 5)).label("nl") == (
        "het 3e kwartaal van 2026"
    )


def test_the_wall_boards_alert_counts_only_available_volunteers_who_speak_the_language(h, app):
    from helpline.api.coordinator import live_stats

    People(h).add("vera", "correct horse battery", role="volunteer", name="Vera",
                  phone="+31612345670", skills=["digid"], languages=["nl"])  # fmt: skip
    h.router.set_state("vera", "available")

    def alert() -> bool:
        with app.test_request_context("/api/stats/live"):
            topics = {t["topic"]: t for t in live_stats(h)["topics"]}
        return topics["digid"]["alert"]

    h.store.enqueue("CAenglish", "+31201234567", "digid", "en", None)
    assert alert()  # a Dutch-speaking volunteer cannot take an English caller
    h.store.enqueue("CAdutch", "+31201234568", "digid", "nl", None)
    assert alert()  # the English caller still has nobody
    h.store.end("CAenglish", "completed", number="+31201234567")
    assert not alert()
    h.router.set_state("vera", "paused")
    assert alert()  # on a break is not available
