"""Shifts and the staffing plan: volunteers plan shifts, and the plan of a week puts them
against the need the capacity finding computes (Erlang C over the last four weeks), with the
gaps in words and as CSV and iCalendar exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import icalendar
import pytest
from rq import Queue

from helpline import keys
from helpline.people import People
from helpline.reports.findings import describe
from helpline.shifts import Shift, ShiftError, check, hours_covered, week_of
from helpline.staffing import Gap, Needs, missing, plan
from tests.history import ZONE, History
from tests.processes import start

PASSWORD = "correct horse battery"


@pytest.fixture
def h(app):
    return app.extensions["helpline"]


@pytest.mark.parametrize(
    "start, end, covered",
    [
        ("09:00", "12:00", [(9, 1.0), (10, 1.0), (11, 1.0)]),
        ("09:30", "11:00", [(9, 0.5), (10, 1.0)]),
        ("10:15", "10:45", [(10, 0.5)]),
        ("22:00", "23:59", [(22, 1.0), (23, 59 / 60)]),
    ],
)
def test_a_shift_counts_for_the_part_of_each_hour_it_covers(start, end, covered):
    assert hours_covered(Shift("s", "anna", start, end, weekday=1)) == covered


@pytest.mark.parametrize(
    "data, msgid",
    [
        ({"start": "9:00", "end": "12:00", "weekday": 1}, "shift_time_invalid"),
        ({"start": "12:00", "end": "09:00", "weekday": 1}, "shift_end_before_start"),
        ({"start": "09:00", "end": "12:00"}, "shift_when_missing"),
        (
            {"start": "09:00", "end": "12:00", "weekday": 1, "date": "2026-12-01"},
            "shift_when_missing",
        ),
        ({"start": "09:00", "end": "12:00", "date": "2026-13-01"}, "shift_date_invalid"),
    ],
)
def test_a_shift_without_a_clear_time_or_day_is_refused_with_its_reason(data, msgid):
    with pytest.raises(ShiftError) as refused:
        check(data, "anna")
    assert refused.value.msgid == msgid


@pytest.mark.parametrize("needed, planned, short", [(3, 1, 2), (2, 1.5, 1), (2, 2, 0), (1, 3, 0)])
def test_a_planned_part_of_an_hour_still_leaves_a_whole_volunteer_missing(needed, planned, short):
    assert missing(needed, planned) == short


def test_consecutive_hours_short_by_the_same_number_are_one_gap():
    from helpline.staffing import HourNeed

    need = Needs(
        first=None,
        last=None,
        weeks=4,
        handle_seconds={},
        hours=[
            HourNeed("digid", 1, hour, 40, 10.0, 1.0, needed)
            for hour, needed in ((10, 3), (11, 3), (12, 2), (13, 0))
        ],
    )
    planned = {(1, 10, "digid"): 1.0, (1, 11, "digid"): 1.0, (1, 12, "digid"): 1.0}
    result = plan(need, planned, ["digid", "bank"])
    assert result["gaps"] == [Gap("digid", 1, 10, 12, 2), Gap("digid", 1, 12, 13, 1)]
    assert [r["gap"] for r in result["rows"]] == [2, 2, 1, 0]


# -- a history, shifts and the plan ------------------------------------------------------------


def busy_history(r) -> tuple[History, int]:
    """Four weeks of yesterday's weekday: 30 DigiD calls at 10:00 and 8 at 11:00, with one
    volunteer on duty."""
    history = History(r)
    for week in range(4):
        for hour, calls in ((10, 30), (11, 8)):
            busy = history.ago(7 * week + 1, hour=hour)
            for n in range(calls):
                history.call(busy + n * 1000, "digid", wait_s=20)
            history.duty(busy, "digid", 60)
    history.write()
    weekday = datetime.fromtimestamp(history.ago(1, hour=10) / 1000, ZONE).weekday()
    return history, weekday


def in_a_worker(h, redis_url, *jobs: str) -> None:
    queue = Queue("default", connection=h.rq_redis)
    for job in jobs:
        queue.enqueue(job)
    assert start(["worker", "--burst"], redis_url).wait(timeout=120) == 0


def signed_in(app, username):
    client = app.test_client()
    response = client.post("/api/login", json={"username": username, "password": PASSWORD})
    return client, {"X-CSRF-Token": response.json["csrf_token"]}


@pytest.fixture
def team(h):
    people = People(h)
    people.add("cora", PASSWORD, role="coordinator", name="Cora", phone="+31610000000",
               skills=["bank"])  # fmt: skip
    people.add("anna", PASSWORD, role="volunteer", name="Anna", phone="+31611111111",
               skills=["digid"])  # fmt: skip
    people.add("bob", PASSWORD, role="volunteer", name="Bob", phone="+31622222222",
               skills=["digid", "bank"])  # fmt: skip


def test_the_staffing_plan_needs_what_the_capacity_finding_needs_and_its_gaps_follow_the_shifts(
    app, h, r, redis_url, team
):
    _, weekday = busy_history(r)
    anna, anna_headers = signed_in(app, "anna")
    bob, bob_headers = signed_in(app, "bob")
    weekly = {"weekday": weekday, "start": "10:00", "end": "12:00"}
    assert anna.post("/api/shifts", json=weekly, headers=anna_headers).status_code == 200
    saved = bob.post("/api/shifts", json={**weekly, "end": "11:00"}, headers=bob_headers)
    assert saved.status_code == 200 and saved.json["volunteer"] == "bob"
    in_a_worker(
        h, redis_url, "workers.reports.process_events", "workers.reports.detect_bottlenecks"
    )

    finding = next(
        f
        for f in json.loads(r.get(keys.FINDINGS))["findings"]
        if f["kind"] == "capacity" and f["subject"] == "digid"
    )
    cora, _ = signed_in(app, "cora")
    staffing = cora.get("/api/staffing").json
    rows = {(x["weekday"], x["hour"]): x for x in staffing["rows"] if x["skill"] == "digid"}
    causes = finding["figures"]["causes"]
    for day_of_week, hour, _calls, _on_duty, needed in finding["figures"]["hours"]:
        assert rows[(day_of_week, hour)]["needed"] == needed
        assert causes[f"{day_of_week}-{hour}"][1] == rows[(day_of_week, hour)]["planned"]
    at_ten, at_eleven = rows[(weekday, 10)], rows[(weekday, 11)]
    assert (at_ten["planned"], at_eleven["planned"]) == (2, 1)
    assert at_ten["gap"] == at_ten["needed"] - 2 > 0
    assert at_eleven["gap"] == max(0, at_eleven["needed"] - 1)
    digid_gaps = [g for g in staffing["gaps"] if g["skill"] == "digid"]
    assert digid_gaps[0]["start"] == 10 and digid_gaps[0]["missing"] == at_ten["gap"]
    day = ("Maandag", "Dinsdag", "Woensdag", "Donderdag", "Vrijdag", "Zaterdag", "Zondag")[weekday]
    assert digid_gaps[0]["sentence"] == (
        f"{day} 10–11 uur: {at_ten['gap']} vrijwilligers voor DigiD te weinig"
    )
    # bob counts once: his time goes to DigiD, where the callers are, not to his bank skill
    assert [g for g in staffing["gaps"] if g["skill"] == "bank"] == []
    assert all(x["planned"] == 0 for x in staffing["rows"] if x["skill"] == "bank")
    assert causes[f"{weekday}-10"][0] == "planned"  # the plan itself was short, not a no-show
    words = describe(finding, h.flow, "nl")["evidence_text"]
    assert "In het rooster stonden toen 2 vrijwilligers: het rooster had hier te weinig." in words


def test_a_volunteer_plans_and_removes_only_their_own_shifts(app, team):
    anna, anna_headers = signed_in(app, "anna")
    bob, bob_headers = signed_in(app, "bob")
    once = {"date": "2026-12-24", "start": "09:00", "end": "13:00"}
    shift = anna.post("/api/shifts", json=once, headers=anna_headers).json
    assert [s["id"] for s in anna.get("/api/shifts").json["shifts"]] == [shift["id"]]
    assert bob.get("/api/shifts").json["shifts"] == []
    assert bob.delete(f"/api/shifts/{shift['id']}", headers=bob_headers).status_code == 404
    changed = bob.post("/api/shifts", json={**once, "id": shift["id"]}, headers=bob_headers)
    assert changed.status_code == 404
    late = anna.post("/api/shifts", json={**once, "end": "08:00"}, headers=anna_headers)
    assert late.status_code == 400
    assert late.json["error"] == "De eindtijd moet na de begintijd liggen."
    assert anna.delete(f"/api/shifts/{shift['id']}", headers=anna_headers).status_code == 200
    assert anna.get("/api/shifts").json["shifts"] == []


def test_only_a_coordinator_reads_the_staffing_plan(app, team):
    anna, _ = signed_in(app, "anna")
    assert anna.get("/api/staffing").status_code == 403
    assert anna.get("/coordinator/staffing.ics").status_code == 403


def test_the_week_exports_as_icalendar_with_every_shift_and_every_gap_and_as_csv(
    app, h, r, redis_url, team
):
    _, weekday = busy_history(r)
    anna, anna_headers = signed_in(app, "anna")
    anna.post(
        "/api/shifts",
        json={"weekday": weekday, "start": "10:00", "end": "12:00"},
        headers=anna_headers,
    )
    in_a_worker(h, redis_url, "workers.reports.process_events")
    cora, _ = signed_in(app, "cora")
    week = week_of(h.shifts.today())

    exported = cora.get(f"/coordinator/staffing.ics?week={week}")

    assert exported.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(exported.data)
    events = calendar.walk("VEVENT")
    shifts = [e for e in events if str(e["uid"]).startswith("shift-")]
    gaps = [e for e in events if str(e["uid"]).startswith("gap-")]
    [shift] = shifts
    assert str(shift["summary"]) == "Anna (digid)"
    begins, ends = shift.decoded("dtstart"), shift.decoded("dtend")
    assert (begins.weekday(), begins.hour, ends - begins) == (weekday, 10, timedelta(hours=2))
    plan_gaps = cora.get(f"/api/staffing?week={week}").json["gaps"]
    assert sorted(str(g["summary"]) for g in gaps) == sorted(g["sentence"] for g in plan_gaps)
    assert any("vrijwilliger" in str(g["summary"]) and "DigiD" in str(g["summary"]) for g in gaps)

    table = cora.get(f"/coordinator/staffing.csv?week={week}").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(table.lstrip("\ufeff"))))
    ten = next(
        x
        for x in rows
        if (x["skill"], x["weekday"], x["hour"]) == ("digid", str(weekday + 1), "10")
    )
    assert float(ten["planned"]) == 1.0 and int(ten["gap"]) == int(ten["needed"]) - 1


def test_the_shift_going_on_now_is_named_with_the_day_it_is_on(app, h, team):
    now = h.shifts.now()
    h.shifts.save(Shift("now1", "anna", "00:00", "23:59", date=now.date().isoformat()))
    h.shifts.save(Shift("other", "anna", "00:00", "23:59", weekday=(now.weekday() + 1) % 7))
    anna, _ = signed_in(app, "anna")
    current = anna.get("/api/shifts").json["current"]
    assert current["id"] == "now1" and current["occurrence"] == f"now1@{now.date().isoformat()}"


def test_a_weekly_shift_counts_once_a_weekday_over_days_that_are_not_whole_weeks(h, team):
    monday = h.shifts.today() - timedelta(days=h.shifts.today().weekday() + 14)
    h.shifts.save(Shift("mon", "anna", "10:00", "11:00", weekday=0))
    h.shifts.save(Shift("once", "anna", "10:00", "11:00", date=(monday + timedelta(1)).isoformat()))
    ten_days = h.shifts.planned(monday, monday + timedelta(days=9), lambda v: {"digid": 1.0})
    assert ten_days[(0, 10, "digid")] == 1.0  # two Mondays, one volunteer each
    assert ten_days[(1, 10, "digid")] == 0.5  # one of the two Tuesdays
    assert (2, 10, "digid") not in ten_days
