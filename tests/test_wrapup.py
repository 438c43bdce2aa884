"""The wrap-up form never traps a volunteer: every problem of a submit is reported at once, and
a referral to a place that is not in the directory is possible, and counted as such."""

from __future__ import annotations

from playwright.sync_api import expect
from twilio_sim.people import press

from helpline import keys
from helpline.reports.aggregate import Aggregator
from helpline.reports.tables import Reports
from tests.test_api_security import finished_call, people  # noqa: F401 (a fixture)
from tests.test_dashboard import digid_caller, go_available, signed_in, volunteer


def test_every_problem_of_a_wrap_up_is_reported_at_once(people, r):  # noqa: F811
    anna, csrf, call = finished_call(people, "anna", "CA1")
    body = {
        "outcome": "",
        "topic": "digid",
        "subtopic": "no_such_part",
        "local_help": "place",
        "place": "",
        "note": "Terugbellen op 06-12345678 graag",
    }
    response = anna.post(f"/api/calls/{call}/wrapup", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    problems = response.json["problems"]
    assert [p["field"] for p in problems] == ["outcome", "subtopic", "place", "note"]
    assert all(p["error"] for p in problems)
    assert "telefoonnummer" in problems[-1]["error"] and problems[-1]["found"] == ["phone"]
    assert response.json["field"] == "outcome"  # the first, also on its own
    assert r.hget(keys.handled(call), "wrapped") == "0"


def test_a_referral_to_a_place_not_in_the_list_is_stored_and_counted(people, r):  # noqa: F811
    anna, csrf, call = finished_call(people, "anna", "CA1")
    body = {"outcome": "referred", "topic": "digid", "local_help": "place", "place": "unlisted"}
    response = anna.post(f"/api/calls/{call}/wrapup", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.json
    assert response.json["call"]["wrapup"]["place"] == "unlisted"
    h = people.extensions["helpline"]
    Aggregator(h.redis, h.settings, h.store.clock).process()
    reports = Reports(r, h.settings, h.store.clock)
    week = reports.bucket("week", reports.today().strftime("%G-W%V"))
    assert week["all"]["local_help_place"] == 1
    assert week["all"]["local_help_place_unlisted"] == 1


def test_a_place_that_is_neither_listed_nor_unlisted_is_refused(people):  # noqa: F811
    anna, csrf, call = finished_call(people, "anna", "CA1")
    body = {"outcome": "referred", "topic": "digid", "local_help": "place", "place": "p-123"}
    response = anna.post(f"/api/calls/{call}/wrapup", json=body, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 422
    assert [p["field"] for p in response.json["problems"]] == ["place"]


def test_the_form_lists_every_problem_and_takes_a_place_not_in_the_list(make_world, chromium):
    world = make_world()
    volunteer(world, "anna", "+31611111111", answer_after=2, answers=[press("1")],
              hangup_after=90)  # fmt: skip
    page = signed_in(chromium, world, "anna")
    go_available(page)
    leg = world.sim.place_call(digid_caller())
    page.get_by_role("button", name="Aannemen").click(timeout=60_000)
    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
    world.sim.hang_up(leg)
    expect(page.locator("#wrapup")).to_be_visible(timeout=30_000)
    page.get_by_label("Informatiepunt of bibliotheek").check()
    page.get_by_label("Korte notitie (mag leeg)").fill("Belt terug op 06-12345678")
    page.get_by_role("button", name="Opslaan en klaar").click()
    errors = page.locator("#wrapup-errors li")
    expect(errors).to_have_count(3)  # no outcome, no place, a phone number: all at once
    expect(page.locator("#wrapup-errors")).to_contain_text("telefoonnummer")

    page.get_by_label("Doorverwezen").check()
    page.get_by_label("Plek niet in de lijst").check()
    page.get_by_label("Korte notitie (mag leeg)").fill("Bibliotheek in het dorp")
    page.get_by_role("button", name="Opslaan en klaar").click()
    expect(page.locator("#wrapup")).to_be_hidden()
    record = world.helpline.redis.hgetall(keys.handled(f"c:{leg.sid}"))
    assert (record["w_local_help"], record["w_place"]) == ("place", "unlisted")
    page.context.close()
