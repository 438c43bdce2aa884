"""The volunteer's desk during the call, in real headless Chromium against the real app, Redis,
an RQ worker and the Twilio simulator: the caller's card in every state (checked with axe-core
and pictured for the README), the note kept while talking, what a repeat caller tried before,
local help with its opening hours, the wrap-up that waits for the volunteer, offers that never
take a keystroke, and the volunteer's own account."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from twilio_sim.people import Caller, press, silence

from helpline import keys, wrapup
from helpline.places import Places
from helpline.routing.router import Router
from tests.browser import screenshot
from tests.conftest import keys_holding
from tests.test_dashboard import (
    PASSWORD,
    assert_accessible,
    go_available,
    signed_in,
    state,
    volunteer,
)

NUMBER = "+31201234567"
NOTE = "Sms-code kwam niet; DigiD app opnieuw gekoppeld"


def quiet_router(world) -> Router:
    """The router without follow-up jobs: nothing rings while a test sets up the past."""
    h = world.helpline
    return Router(h.redis, h.settings, h.flow, h.store.clock, None)


def earlier_call(world, vid, number=NUMBER, note=None) -> str:
    """A conversation that took place before the test (wrapped up with ``note`` if given)."""
    h, router = world.helpline, quiet_router(world)
    sid = "CAearlier" + number[-4:]
    h.store.enqueue(sid, number, "digid", "nl", None)
    router.set_state(vid, "available")
    member = keys.call_member(sid)
    assert router.accept(vid, member) == "accepted"
    router.attach_leg(vid, member, "CAlegearlier")
    router.connected(vid, member)
    router.call_done(vid, member)
    if note is not None:
        wrap = wrapup.WrapUp("partly", "digid", "sms_code", "", "", False, note)
        assert wrapup.save(h, vid, member, wrap) == "saved"
    else:
        h.redis.hset(keys.volunteer(vid), "wrapup_until", 0)
        router.end_wrapup(vid, only_if_due=True)
    router.set_state(vid, "offline")
    return member


def caller(number=NUMBER) -> Caller:
    """DigiD (key 3), sent by the municipality or library (key 3)."""
    return Caller(number, answers=[silence(), press("3"), press("3", in_queue=True)])


def picture(page, name):
    assert_accessible(page)
    screenshot(page.locator("#card"), f"card-{name}.png")


def countdown_seconds(page) -> int:
    text = page.locator("#wrapup-countdown").inner_text()
    minutes, seconds = re.search(r"(\d+):(\d\d)", text).groups()
    return int(minutes) * 60 + int(seconds)


@pytest.mark.screenshots  # README pictures (./scripts/screenshots)
def test_the_callers_card_from_offer_to_wrap_up(make_world, chromium, redis_url):
    world = make_world()
    h = world.helpline
    phone = volunteer(world, "anna", "+31611111111", answer_after=20, answers=[press("1")])
    earlier_call(world, "anna", note="Nieuwe activeringsbrief aangevraagd")
    place = Places(h.redis).add(
        {
            "name": "Bibliotheek Utrecht",
            "kind": "bibliotheek",
            "postcode": "3511 AB",
            "town": "Utrecht",
            "address": "Oudegracht 1",
            "phone": "030 123 4567",
            "hours": "ma-vr 10:00-17:00",
        }  # fmt: skip
    )
    page = signed_in(chromium, world, "anna")
    expect(page.locator("#sound")).to_be_checked()  # on unless the volunteer turns it off
    go_available(page)

    leg = world.sim.place_call(caller())
    card = page.locator("#card")
    expect(card).to_be_visible(timeout=60_000)
    expect(page.locator("#card-title")).to_have_text("Er is een beller over DigiD")
    expect(page.locator("#call-state")).to_have_text("Beller wacht")
    expect(page.locator("#card-language")).to_have_text("Nederlands")
    # asked in the first wait round, so it may come a little after the offer
    expect(page.locator("#card-referral")).to_have_text("gemeente of bibliotheek", timeout=60_000)
    expect(page.locator("#card-repeat")).to_have_text("Deze persoon belde eerder")
    expect(page.locator("#card-waited")).to_have_text(re.compile(r"\d+ (seconde|minu)"))
    expect(page).to_have_title("Beller wacht – DigiHulplijn")
    expect(page.get_by_role("button", name="Beschikbaar")).to_be_focused()  # focus stays
    picture(page, "offered")

    page.keyboard.press("Enter")
    expect(page.locator("#call-state")).to_have_text("Uw telefoon gaat over")
    expect(page).to_have_title("Gesprekken aannemen – DigiHulplijn")
    picture(page, "ringing")

    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
    expect(page.locator("#card-timer")).to_have_text(re.compile(r"Gesprek duurt \d+:\d\d"))
    expect(page.locator("#card-topic")).to_have_text("DigiD")
    expect(page.locator("#card-referral")).to_have_text("gemeente of bibliotheek")
    expect(page.locator("#earlier-list")).to_contain_text("Nieuwe activeringsbrief aangevraagd")
    expect(page.locator("#earlier-list")).to_contain_text("DigiD – sms-code")

    note = page.get_by_label("Notitie", exact=True)
    note.fill("Belt terug op 06-12345678")
    status = page.locator("#call-note-status")
    expect(status).to_contain_text("telefoonnummer")  # refused, beside the field
    expect(note).to_have_attribute("aria-invalid", "true")
    expect(note).to_have_value("Belt terug op 06-12345678")  # the draft stays here
    assert keys_holding(redis_url, "06-12345678") == []  # and never reached the server's store
    note.fill(NOTE)
    expect(status).to_have_text("Bewaard.")
    page.reload()
    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=10_000)
    expect(page.get_by_label("Notitie", exact=True)).to_have_value(NOTE)

    page.get_by_label("Postcode of plaats").fill("3511 AB")
    with page.expect_request("**/api/local-help") as sent:
        page.get_by_role("button", name="Zoek").click()
    assert sent.value.post_data_json == {"kind": "", "area": "3511", "town": ""}
    results = page.locator("#help-results")
    expect(results).to_contain_text("Openingstijden: ma-vr 10:00-17:00")
    expect(results).to_contain_text("030 123 4567")
    page.get_by_role("button", name="Doorverwezen").click()
    expect(results.get_by_role("button", name="Doorverwezen ✓")).to_have_attribute(
        "aria-pressed", "true"
    )
    picture(page, "talking")

    page.get_by_role("button", name="Even in de wacht").click()
    expect(page.locator("#call-state")).to_have_text("In de wacht")
    expect(page.get_by_role("button", name="Terug naar de beller")).to_be_focused()
    picture(page, "on-hold")
    page.get_by_role("button", name="Terug naar de beller").click()
    expect(page.locator("#call-state")).to_have_text("Verbonden")

    world.sim.hang_up(leg)
    expect(page.locator("#call-state")).to_have_text("Opgehangen", timeout=30_000)
    expect(page.locator("#wrapup")).to_be_visible()
    expect(page.get_by_label("Korte notitie (mag leeg)")).to_have_value(NOTE)
    expect(page.get_by_label("Informatiepunt of bibliotheek")).to_be_checked()
    expect(page.locator("#place-list input[type=radio]")).to_be_checked()
    expect(page.locator("#wrapup-countdown")).to_contain_text("om af te ronden")
    expect(page.locator("#wrapup-explain")).to_contain_text("geen nieuwe beller")
    picture(page, "wrapup")

    before = countdown_seconds(page)
    page.get_by_role("button", name="Meer tijd").click()
    expect(page.locator("#wrapup-time-message")).to_have_text("U heeft 2 minuten meer.")
    assert countdown_seconds(page) >= before + 8  # two minutes of the test's fast clock

    page.get_by_label("Deels opgelost").check()
    page.get_by_role("button", name="Klaar", exact=True).click()
    expect(page.locator("#wrapup")).to_be_hidden()
    expect(page.locator("#status-name")).to_have_text("Beschikbaar")
    expect(card).to_be_hidden()
    record = h.redis.hgetall(keys.handled(f"c:{leg.sid}"))
    assert record["w_note"] == NOTE
    assert (record["w_local_help"], record["w_place"]) == ("place", place.id)
    volunteer_leg = next(c for c in world.sim.calls.values() if c.to == phone.number)
    assert volunteer_leg.said() == "DigiHulplijn. Beller over DigiD. Aannemen? Druk 1."
    page.context.close()


def test_while_the_wrap_up_holds_input_no_caller_is_offered_until_klaar(make_world, chromium):
    world = make_world(HELPLINE_WRAPUP_SECONDS=30)
    redis = world.helpline.redis
    volunteer(world, "anna", "+31611111111", answers=[press("1")])
    page = signed_in(chromium, world, "anna")
    go_available(page)
    first = world.sim.place_call(caller())
    expect(page.locator("#card")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Aannemen").click()
    expect(page.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
    world.sim.hang_up(first)
    expect(page.locator("#wrapup")).to_be_visible(timeout=30_000)
    page.get_by_label("Korte notitie (mag leeg)").fill("Uitleg gegeven over de app")
    member = f"c:{first.sid}"
    assert world.sim.wait_for(lambda: redis.hget(keys.volunteer("anna"), "hold_for") == member)

    second = world.sim.place_call(caller("+31207654321"))
    assert world.sim.wait_for(lambda: redis.zcard(keys.waiting("digid", "nl")) == 1, timeout=60)
    expect(page.locator("#wrapup-countdown")).to_have_text(
        "De tijd is om, maar u bent nog aan het invullen.", timeout=20_000
    )
    expect(page.locator("#wrapup-explain")).to_contain_text("geen nieuwe beller tot u op Klaar")
    page.wait_for_timeout(2000)  # well past the wrap-up time (30 s of the test's clock)
    assert state(world, "anna") == "wrapup"
    assert redis.zrange(keys.waiting("digid", "nl"), 0, -1) == [f"c:{second.sid}"]
    expect(page.locator("#offer-actions")).to_be_hidden()

    page.get_by_label("Opgelost", exact=True).check()
    page.get_by_role("button", name="Klaar", exact=True).click()
    expect(page.locator("#call-state")).to_have_text("Beller wacht", timeout=3_000)
    assert redis.hget(keys.volunteer("anna"), "offer") == f"c:{second.sid}"
    world.sim.hang_up(second)
    page.context.close()


def test_an_offer_never_takes_focus_or_keystrokes_from_a_field(make_world, chromium):
    world = make_world()
    volunteer(world, "anna", "+31611111111")
    earlier_call(world, "anna", number="+31209999999")  # not wrapped up: "Nu afronden"
    page = signed_in(chromium, world, "anna")
    go_available(page)
    page.get_by_role("button", name="Nu afronden").click()
    note = page.get_by_label("Korte notitie (mag leeg)")
    note.click()
    page.keyboard.type("Uitleg")
    page.evaluate(
        """() => {
            window.shown = [];
            window.Notification = class {
                constructor(title, options) { window.shown.push([title, options.body]); }
                static get permission() { return "granted"; }
            };
            Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
        }"""
    )
    leg = world.sim.place_call(caller())
    expect(page.locator("#card")).to_be_visible(timeout=60_000)
    expect(page.locator("#announce")).to_contain_text("Er is een beller over DigiD")
    expect(note).to_be_focused()
    page.keyboard.type(" en")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    page.keyboard.type("meer")
    expect(note).to_have_value("Uitleg en \nmeer")
    expect(note).to_be_focused()
    page.wait_for_timeout(500)
    assert state(world, "anna") == "offered"  # neither Space nor Enter accepted it
    expect(page).to_have_title("Beller wacht – DigiHulplijn")
    assert page.evaluate("() => window.shown") == [
        ["Beller wacht", "Er is een beller over DigiD. Toets Enter om aan te nemen."]
    ]
    world.sim.hang_up(leg)
    page.context.close()


def test_my_account_shows_my_calls_and_changes_my_password(make_world, chromium):
    world = make_world()
    volunteer(world, "anna", "+31611111111")
    earlier_call(world, "anna", note="Uitleg gegeven")
    page = signed_in(chromium, world, "anna")
    elsewhere = signed_in(chromium, world, "anna")
    page.get_by_role("link", name="Mijn account").click()
    expect(page.get_by_role("heading", name="Mijn account", level=1)).to_be_visible()
    expect(page.locator("#account-week")).to_contain_text("1 gesprek")
    expect(page.locator("#account-month")).to_contain_text("1 gesprek")
    assert_accessible(page)

    new = "een nieuw wachtwoord voor anna"
    page.get_by_label("Huidig wachtwoord").fill("niet het wachtwoord")
    page.get_by_label("Wachtwoord (minstens 10 tekens)").fill(new)
    page.get_by_label("Nieuw wachtwoord nog een keer").fill(new)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator("#password-errors")).to_have_text("Uw huidige wachtwoord klopt niet.")
    expect(page.get_by_label("Huidig wachtwoord")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.get_by_label("Huidig wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator("#message")).to_contain_text("Uw wachtwoord is gewijzigd.")
    page.reload()
    expect(page.get_by_role("heading", name="Mijn account", level=1)).to_be_visible()
    try:
        elsewhere.reload()
    except PlaywrightError:  # the page was already on its way to the sign-in page by itself
        pass
    expect(elsewhere).to_have_url(re.compile(r"/login"))  # the other session ended
    for open_page in (page, elsewhere):
        open_page.context.close()
