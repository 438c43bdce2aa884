"""Growing the team, in real headless Chromium against the real app, Redis, an RQ worker and
the Twilio simulator: the shift-start question, planning shifts, the staffing grid with its
gaps, and the "send the address by text message" tick-box in the wrap-up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from rq import Queue
from twilio_sim.people import Caller, PhoneOwner, press, silence

from helpline import keys
from helpline.people import People
from helpline.shifts import Shift
from tests.browser import screenshot, serious_accessibility_problems
from tests.test_shifts import busy_history

PASSWORD = "correct horse battery"


def person(world, username, phone, skills=("digid",), role="volunteer", **behaviour):
    People(world.helpline).add(
        username, PASSWORD, role=role, name=username.title(), phone=phone, skills=list(skills)
    )
    return world.sim.add_phone(PhoneOwner(phone, **behaviour))


def signed_in(chromium, world, username, path="/calls"):
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1100, "height": 1300})
    page = context.new_page()
    page.goto(f"{world.app_server.url}/login?next={path}")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{world.app_server.url}{path}")
    return page


def state(world, username):
    return world.helpline.redis.hget(keys.volunteer(username), "state")


def shift_now(world, shift_id, username):
    """A one-off shift of today that has begun and goes on a while."""
    now = world.helpline.shifts.now()
    start = max(now - timedelta(hours=1), now.replace(hour=0, minute=0))
    end = min(now + timedelta(hours=3), now.replace(hour=23, minute=59))
    world.helpline.shifts.save(
        Shift(
            shift_id,
            username,
            start.strftime("%H:%M"),
            end.strftime("%H:%M"),
            date=now.date().isoformat(),
        )  # fmt: skip
    )


def test_the_shift_start_question_is_asked_and_never_makes_the_volunteer_available_by_itself(
    make_world, chromium
):
    world = make_world()
    person(world, "anna", "+31611111111")
    shift_now(world, "today", "anna")
    page = signed_in(chromium, world, "anna")

    question = page.locator("#shift-start")
    expect(question).to_be_visible(timeout=10_000)
    expect(question.get_by_role("heading")).to_have_text("Uw dienst begint. Beschikbaar?")
    expect(question.get_by_role("heading")).to_be_focused()
    assert serious_accessibility_problems(page) == []
    page.wait_for_timeout(2000)
    assert state(world, "anna") == "offline"  # asking is all it does
    expect(page.locator("#status-name")).not_to_have_text("Beschikbaar")

    page.get_by_role("button", name="Nu niet").click()
    expect(question).to_be_hidden()
    page.reload()
    page.wait_for_timeout(1500)
    expect(page.locator("#shift-start")).to_have_count(0)  # asked once per shift
    assert state(world, "anna") == "offline"
    page.context.close()

    other = signed_in(chromium, world, "anna")  # another browser: asked there too
    other.get_by_role("button", name="Ja, ik ben beschikbaar").click()
    expect(other.locator("#status-name")).to_have_text("Beschikbaar")
    assert state(world, "anna") == "available"
    expect(other.locator("#shift-start")).to_have_count(0)
    other.context.close()


def test_a_volunteer_plans_a_weekly_shift_and_removes_it(make_world, chromium):
    world = make_world()
    person(world, "anna", "+31611111111", skills=("digid", "bank"))
    page = signed_in(chromium, world, "anna", "/shifts")
    expect(page.get_by_text("U hebt nog geen diensten gepland.")).to_be_visible()
    page.get_by_label("Dag").select_option(label="dinsdag")
    page.get_by_label("Begint om").fill("10:00")
    page.get_by_label("Eindigt om").fill("12:30")
    page.get_by_role("button", name="Dienst opslaan").click()
    row = page.locator("#shifts tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Elke dinsdag")
    expect(row).to_contain_text("12:30")
    [saved] = world.helpline.shifts.of("anna")
    assert (saved.weekday, saved.start, saved.end) == (1, "10:00", "12:30")

    page.get_by_label("Eén keer").check()
    page.get_by_label("Datum").fill("2026-12-24")
    page.get_by_label("Begint om").fill("14:00")
    page.get_by_label("Eindigt om").fill("13:00")
    page.get_by_role("button", name="Dienst opslaan").click()
    expect(page.locator("#shift-error")).to_have_text("De eindtijd moet na de begintijd liggen.")
    assert serious_accessibility_problems(page) == []

    page.get_by_role("button", name="Dienst verwijderen: Elke dinsdag om 10:00").click()
    expect(row).to_have_count(0)
    assert world.helpline.shifts.of("anna") == []
    page.context.close()


@pytest.mark.screenshots  # README pictures (./scripts/screenshots)
def test_the_coordinator_sees_the_gaps_of_the_week_in_colour_and_in_words(make_world, chromium):
    world = make_world()
    h = world.helpline
    person(world, "cora", "+31610000000", skills=("bank",), role="coordinator")
    person(world, "anna", "+31611111111")
    _, weekday = busy_history(h.redis)
    h.shifts.save(Shift("anna-weekly", "anna", "10:00", "12:00", weekday=weekday))
    job = Queue("default", connection=h.rq_redis).enqueue("workers.reports.process_events")
    assert world.sim.wait_for(lambda: job.get_status(refresh=True) == "finished", 60)

    page = signed_in(chromium, world, "cora", "/coordinator/staffing")
    gaps = page.locator("#gaps li")
    expect(gaps.first).to_contain_text("10–11 uur:")
    expect(gaps.first).to_contain_text("vrijwilligers voor DigiD te weinig")
    grid = page.locator('table[data-skill="digid"]')
    short = grid.locator("td.gap").first
    expect(short).to_contain_text("te weinig")
    colour = short.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert colour == "rgb(253, 226, 225)"
    assert serious_accessibility_problems(page) == []
    grid.scroll_into_view_if_needed()
    screenshot(page, "staffing-grid.png", full_page=True)
    page.context.close()


@pytest.mark.screenshots  # README pictures (./scripts/screenshots)
def test_the_volunteer_ticks_send_the_address_and_a_landline_is_refused_in_words(
    make_world, chromium
):
    world = make_world()
    h = world.helpline
    person(world, "anna", "+31611111111", answer_after=2, answers=[press("1")], hangup_after=90)
    h.places.add(
        {"name": "Informatiepunt Bibliotheek Zwolle", "kind": "informatiepunt",
         "postcode": "8011 AB", "town": "Zwolle", "address": "Marktstraat 12",
         "phone": "038 123 45 67", "hours": "ma-vr 10-17 uur"}
    )  # fmt: skip
    page = signed_in(chromium, world, "anna")
    page.get_by_role("button", name="Beschikbaar").click()
    leg = world.sim.place_call(Caller("+31201234567", answers=[silence(), press("3"), silence()]))
    expect(page.locator("#card")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Aannemen").click()
    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
    world.sim.hang_up(leg)
    expect(page.locator("#wrapup")).to_be_visible(timeout=30_000)
    page.get_by_label("Doorverwezen", exact=False).first.check()
    page.locator('input[name="local_help"][value="place"]').check()
    page.locator("#wrapup").get_by_label("Postcode").fill("8011")
    page.locator("#wrapup").get_by_role("button", name="Zoek").click()
    page.get_by_label("Informatiepunt Bibliotheek Zwolle", exact=False).check()
    box = page.locator("#wrapup").get_by_label("Stuur het adres per sms")
    expect(box).to_be_visible()
    box.check()
    page.get_by_role("button", name="Opslaan en klaar").click()

    status = page.locator("#sms-status")
    expect(status).to_have_text(
        "De beller belde met een vast nummer. Een sms kan alleen naar een mobiel nummer. "
        "Haal het vinkje weg en geef het adres mondeling."
    )
    expect(box).not_to_be_checked()
    expect(box).to_be_focused()
    assert state(world, "anna") == "wrapup"  # nothing saved behind the volunteer's back
    assert world.sim.messages.sent == []
    assert serious_accessibility_problems(page) == []
    screenshot(page.locator("#place-finder"), "sms-tickbox.png")

    page.get_by_role("button", name="Opslaan en klaar").click()  # without the text
    expect(page.locator("#wrapup")).to_be_hidden()
    assert h.redis.hget(keys.handled(f"c:{leg.sid}"), "w_place")
    page.context.close()


@pytest.mark.screenshots  # README pictures (./scripts/screenshots)
def test_the_mentor_listens_from_the_wall_board_and_the_volunteer_sees_it(make_world, chromium):
    world = make_world()
    person(world, "anna", "+31611111111", answers=[press("1")], hangup_after=600)
    person(world, "cora", "+31610000000", skills=("bank",), role="coordinator", answer_after=1)
    anna = signed_in(chromium, world, "anna")
    anna.get_by_role("button", name="Beschikbaar").click()
    world.answer_offers("anna")
    leg = world.sim.place_call(Caller("+31687650001", answers=[silence(), press("3"), silence()]))
    expect(anna.locator("#call-state")).to_have_text("Verbonden", timeout=60_000)

    cora = signed_in(chromium, world, "cora", "/coordinator")
    row = cora.locator("#live-calls tbody tr", has_text="Anna")
    expect(row).to_be_visible(timeout=10_000)
    row.get_by_role("button", name="Luisteren").click()
    expect(cora.locator("#mentor-message")).to_have_text(
        "U luistert mee bij Anna. Niemand hoort u."
    )
    expect(row).to_contain_text("cora luistert mee")
    expect(row.get_by_role("button", name="Luisteren")).to_have_attribute("aria-pressed", "true")
    expect(anna.locator("#mentor-present")).to_have_text(
        "Er luistert een mentor mee. De beller hoort dat niet.", timeout=10_000
    )
    expect(anna.locator("#mentor-controls")).to_be_hidden()  # anna is no mentor
    assert serious_accessibility_problems(cora) == []
    assert serious_accessibility_problems(anna) == []
    screenshot(cora.locator("#mentor-controls"), "mentor-controls.png")

    row.get_by_role("button", name="Stoppen").click()
    expect(cora.locator("#mentor-message")).to_have_text("U bent gestopt met meeluisteren.")
    expect(anna.locator("#mentor-present")).to_be_hidden(timeout=10_000)
    expect(cora.locator("#mentor-log li").first).to_contain_text("cora bij anna")
    world.sim.hang_up(leg)
    for page in (anna, cora):
        page.context.close()


def test_ticked_on_the_card_during_the_call_the_address_goes_by_text_after_the_wrap_up(
    make_world, chromium
):
    world = make_world()
    h = world.helpline
    person(world, "anna", "+31611111111", answer_after=2, answers=[press("1")], hangup_after=900)
    place = h.places.add(
        {"name": "Bibliotheek Zwolle", "kind": "bibliotheek", "postcode": "8011 AB",
         "town": "Zwolle", "address": "Marktstraat 12", "phone": "038 123 45 67"}
    )  # fmt: skip
    page = signed_in(chromium, world, "anna")
    page.get_by_role("button", name="Beschikbaar").click()
    leg = world.sim.place_call(Caller("+31687650002", answers=[silence(), press("3"), silence()]))
    expect(page.locator("#card")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Aannemen").click()
    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
    page.locator("#card").get_by_label("Stuur het adres per sms").check()
    assert serious_accessibility_problems(page) == []
    world.sim.hang_up(leg)

    expect(page.locator("#wrapup")).to_be_visible(timeout=30_000)
    page.get_by_label("Doorverwezen", exact=False).first.check()
    page.locator('input[name="local_help"][value="place"]').check()
    expect(page.locator("#wrapup").get_by_label("Stuur het adres per sms")).to_be_checked()
    page.locator("#wrapup").get_by_label("Postcode").fill("8011")
    page.locator("#wrapup").get_by_role("button", name="Zoek").click()
    page.get_by_label("Bibliotheek Zwolle", exact=False).check()
    page.get_by_role("button", name="Opslaan en klaar").click()

    expect(page.locator("#wrapup")).to_be_hidden(timeout=10_000)
    assert world.sim.wait_for(lambda: len(world.sim.messages.to("+31687650002")) == 1, 30)
    [text] = world.sim.messages.to("+31687650002")
    assert "Bibliotheek Zwolle" in text.body and "Marktstraat 12, 8011 AB Zwolle" in text.body
    record = h.redis.hgetall(keys.handled(f"c:{leg.sid}"))
    assert record["w_place"] == place.id
    page.context.close()


def test_a_coordinator_marks_a_volunteer_as_mentor_on_the_people_page(make_world, chromium):
    world = make_world()
    person(world, "cora", "+31610000000", skills=("bank",), role="coordinator")
    person(world, "mila", "+31633333333")
    page = signed_in(chromium, world, "cora", "/coordinator/people")
    page.get_by_label("Mila is mentor").check()
    expect(page.locator("#mentors-message")).to_have_text("Mila is nu mentor.")
    assert world.helpline.monitoring.is_mentor("mila")
    assert serious_accessibility_problems(page) == []
    page.reload()
    expect(page.get_by_label("Mila is mentor")).to_be_checked()
    page.get_by_label("Mila is mentor").uncheck()
    expect(page.locator("#mentors-message")).to_have_text("Mila is geen mentor meer.")
    assert not world.helpline.monitoring.is_mentor("mila")
    page.context.close()
