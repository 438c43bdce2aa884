"""The volunteer's dashboard in real headless Chromium, against the real app, Redis, RQ workers
and the Twilio simulator: offers arrive live, are taken with the keyboard, the phone rings,
the call is bridged, the wrap-up is checked, and a dropped connection recovers."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from twilio_sim.people import Caller, PhoneOwner, press, silence

from helpline import keys
from helpline.people import People
from tests.browser import screenshot, serious_accessibility_problems

PASSWORD = "correct horse battery"


def volunteer(world, username, phone, skills=("digid",), role="volunteer", **behaviour):
    People(world.helpline).add(
        username, PASSWORD, role=role, name=username.title(), phone=phone, skills=list(skills)
    )
    return world.sim.add_phone(PhoneOwner(phone, **behaviour))


def signed_in(chromium, world, username):
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1100, "height": 1300})
    page = context.new_page()
    page.goto(f"{world.app_server.url}/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{world.app_server.url}/calls")
    return page


def go_available(page):
    page.get_by_role("button", name="Beschikbaar").click()
    expect(page.locator("#status-name")).to_have_text("Beschikbaar")


def digid_caller(number="+31201234567") -> Caller:
    return Caller(number, answers=[silence(), press("3"), silence()])


def state(world, username):
    return world.helpline.redis.hget(keys.volunteer(username), "state")


def assert_accessible(page):
    assert serious_accessibility_problems(page) == []


@pytest.mark.screenshots
def test_a_volunteer_takes_a_call_from_offer_to_wrap_up_with_the_keyboard(make_world, chromium):
    world = make_world()
    phone = volunteer(
        world, "anna", "+31611111111", answer_after=2, answers=[press("1")], hangup_after=90
    )
    page = signed_in(chromium, world, "anna")
    assert_accessible(page)
    go_available(page)

    leg = world.sim.place_call(digid_caller())
    assert world.sim.wait_for(lambda: state(world, "anna") == "offered", timeout=60)
    offered_at = time.monotonic()
    offer = page.locator("#card")
    expect(offer).to_be_visible(timeout=1000)  # live: within a second of joining the line
    assert time.monotonic() - offered_at < 1.0
    expect(page.locator("#card-topic")).to_have_text("DigiD")
    expect(page.locator("#announce")).to_contain_text("Er is een beller over DigiD")
    expect(page.get_by_role("button", name="Beschikbaar")).to_be_focused()  # focus stays
    assert_accessible(page)
    screenshot(page, "dashboard-offer.png")

    page.keyboard.press("Enter")
    expect(page.locator("#call-state")).to_have_text("Uw telefoon gaat over")
    expect(page.locator("#card-hint")).to_have_text("Neem op en druk op 1.")
    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
    volunteer_leg = next(c for c in world.sim.calls.values() if c.to == phone.number)
    assert "DigiHulplijn. Beller over DigiD. Aannemen? Druk 1." in volunteer_leg.said()
    assert world.sim.wait_for(lambda: leg.queue_results() == ["redirected"], timeout=20)

    world.sim.hang_up(leg)
    wrapup = page.locator("#wrapup")
    expect(wrapup).to_be_visible(timeout=30_000)
    expect(page.locator("#call-state")).to_have_text("Opgehangen")
    page.get_by_label("Opgelost", exact=True).check()
    expect(page.get_by_label("Waar ging het echt over?")).to_have_value("digid")
    page.get_by_label("Welk onderdeel?").select_option(label="app activeren")
    page.get_by_label("Dit probleem komt vaker voor").check()
    page.get_by_label("Korte notitie (mag leeg)").fill("Belt terug op 06-12345678")
    page.get_by_role("button", name="Opslaan en klaar").click()
    errors = page.locator("#wrapup-errors")
    expect(errors).to_contain_text("telefoonnummer")
    expect(errors).to_be_focused()
    assert state(world, "anna") == "wrapup"
    assert_accessible(page)
    screenshot(page, "dashboard-wrapup.png", full_page=True)

    page.get_by_label("Korte notitie (mag leeg)").fill("App opnieuw geactiveerd")
    page.get_by_role("button", name="Opslaan en klaar").click()
    expect(wrapup).to_be_hidden()
    expect(page.locator("#status-name")).to_have_text("Beschikbaar")
    expect(page.locator("#recent tbody")).to_contain_text("Opgelost")
    expect(page.locator("#today")).to_contain_text("1 gesprek, 1 opgelost")
    record = world.helpline.redis.hgetall(keys.handled(f"c:{leg.sid}"))
    assert record["w_subtopic"] == "app_activate" and record["w_recurring"] == "1"
    assert record["w_note"] == "App opnieuw geactiveerd"
    page.context.close()


def test_a_declined_offer_passes_to_the_next_volunteer(make_world, chromium):
    world = make_world()
    volunteer(world, "anna", "+31611111111")
    volunteer(world, "bert", "+31622222222", answers=[press("1")], hangup_after=60)
    anna = signed_in(chromium, world, "anna")
    go_available(anna)  # anna waits longest, so she is asked first
    world.sim.clock.sleep(5)
    bert = signed_in(chromium, world, "bert")
    go_available(bert)

    leg = world.sim.place_call(digid_caller())
    expect(anna.locator("#card")).to_be_visible(timeout=60_000)
    expect(bert.locator("#card")).to_be_hidden()
    anna.keyboard.press("Escape")
    expect(anna.locator("#card")).to_be_hidden()
    expect(bert.locator("#card")).to_be_visible(timeout=5_000)
    bert.get_by_role("button", name="Aannemen").click()
    expect(bert.locator("#call-state")).to_have_text("Uw telefoon gaat over")
    assert state(world, "anna") == "available"
    world.sim.hang_up(leg)
    for page in (anna, bert):
        page.context.close()


def test_an_offer_made_while_the_connection_was_down_shows_after_reconnect(make_world, chromium):
    world = make_world()
    volunteer(world, "anna", "+31611111111")
    page = signed_in(chromium, world, "anna")
    go_available(page)
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_be_visible()

    leg = world.sim.place_call(digid_caller())
    assert world.sim.wait_for(lambda: state(world, "anna") == "offered", timeout=60)
    page.wait_for_timeout(500)
    expect(page.locator("#card")).to_be_hidden()
    page.context.set_offline(False)
    expect(page.locator("#connection")).to_be_hidden(timeout=10_000)
    expect(page.locator("#card")).to_be_visible(timeout=10_000)
    expect(page.locator("#card-topic")).to_have_text("DigiD")
    page.get_by_role("button", name="Aannemen").click()
    expect(page.locator("#call-state")).to_have_text("Uw telefoon gaat over")
    world.sim.hang_up(leg)
    page.context.close()


def test_an_offer_that_expired_while_the_connection_was_down_is_never_shown(make_world, chromium):
    world = make_world(HELPLINE_OFFER_TIMEOUT=20, HELPLINE_SKIP_SECONDS=3000)
    volunteer(world, "anna", "+31611111111")
    page = signed_in(chromium, world, "anna")
    go_available(page)
    page.context.set_offline(True)
    expect(page.locator("#connection")).to_be_visible()

    leg = world.sim.place_call(digid_caller())
    assert world.sim.wait_for(lambda: state(world, "anna") == "offered", timeout=60)
    assert world.sim.wait_for(lambda: state(world, "anna") == "available", timeout=60)
    page.context.set_offline(False)
    expect(page.locator("#connection")).to_be_hidden(timeout=10_000)
    expect(page.locator("#notice")).to_contain_text("niet op tijd aan")
    page.wait_for_timeout(1000)
    expect(page.locator("#card")).to_be_hidden()
    world.sim.hang_up(leg)
    page.context.close()


@pytest.mark.screenshots
def test_coordinator_pages_manage_people_and_local_help_and_pass_axe(
    make_world, chromium, tmp_path
):
    world = make_world()
    volunteer(world, "cora", "+31699999999", role="coordinator", skills=("digid", "bank"))
    page = signed_in(chromium, world, "cora")
    base = world.app_server.url

    page.goto(f"{base}/coordinator")
    expect(page.locator("#waiting-total")).to_have_text("0")
    assert_accessible(page)

    page.goto(f"{base}/coordinator/people")
    expect(page.locator("#people tbody")).to_contain_text("Cora (inlognaam: cora)")
    expect(page.locator("#people tbody")).to_contain_text("DigiD, Uw bank")  # names, not ids
    page.get_by_label("Gebruikersnaam").fill("dirk")
    page.get_by_label("Naam", exact=True).fill("Dirk")
    page.get_by_label("Telefoonnummer (+316…)").fill("+31633333333")
    page.get_by_label("uw bank").check()
    page.get_by_label("Wachtwoord (minstens 10 tekens)").fill(PASSWORD)
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#message")).to_have_text("Dirk is toegevoegd.")
    expect(page.locator("#people tbody")).to_contain_text("Dirk (inlognaam: dirk)")
    page.get_by_role("button", name="Uitzetten: Dirk").click()
    expect(page.locator("#people tbody")).to_contain_text("Uitgezet")
    assert world.helpline.redis.hget(keys.user("dirk"), "disabled") == "1"
    assert_accessible(page)
    screenshot(page, "coordinator-people.png", full_page=True)

    page.goto(f"{base}/coordinator/places")
    expect(page.locator("#places-empty")).to_be_visible()
    page.get_by_label("Naam").fill("Bibliotheek Utrecht")
    page.get_by_label("Postcode").fill("3511 AB")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator("#places tbody")).to_contain_text("Bibliotheek Utrecht")
    csv = tmp_path / "plekken.csv"
    csv.write_text("name,kind,postcode,town\nBibliotheek Zwolle,bibliotheek,8011 AB,Zwolle\n")
    page.get_by_label("CSV-bestand").set_input_files(str(csv))
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator("#message")).to_have_text("1 plek geïmporteerd.")
    expect(page.locator("#places tbody")).to_contain_text("Zwolle")
    assert_accessible(page)

    page.goto(f"{base}/coordinator/people?lang=en")
    expect(page.get_by_role("heading", name="People", level=1)).to_be_visible()
    assert_accessible(page)
    page.context.close()
