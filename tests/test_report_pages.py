"""The report pages in real headless Chromium, each checked with axe-core: the menu's funnel on
the report, the funding page for a quarter and its printable page for one organisation
(screenshot in docs/), volunteers' activity, and the wall board's menu drop-off and
closed-hours calls, which update live."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from playwright.sync_api import expect
from rq import Queue
from twilio_sim.people import Caller, hang_up

from helpline import keys
from helpline.opening import OpeningHours
from helpline.reports import periods
from helpline.reports.aggregate import Aggregator
from tests.browser import screenshot
from tests.history import ZONE
from tests.test_dashboard import assert_accessible, signed_in, volunteer
from tests.test_report_figures import generated, wednesdays


def world_with_history(make_world):
    world = make_world()
    h = world.helpline
    history = generated(h.redis)
    history.write()
    Aggregator(h.redis, h.settings, h.store.clock).process()
    volunteer(world, "cora", "+31699999999", role="coordinator")
    volunteer(world, "ann", "+31611111111", skills=("bank", "general"))
    volunteer(world, "bob", "+31622222222", skills=("digid",))
    day = datetime.fromtimestamp(wednesdays(history)[0] / 1000, ZONE).date()
    return world, day


def test_the_report_shows_the_funnel_and_where_callers_hang_up_in_the_menu(make_world, chromium):
    world, day = world_with_history(make_world)
    page = signed_in(chromium, world, "cora")
    page.goto(
        f"{world.app_server.url}/coordinator/report?start={day.isoformat()}&end={day.isoformat()}"
    )
    funnel = page.locator("#funnel-title").locator("..")
    expect(funnel.locator("svg.chart")).to_be_visible()
    expect(funnel).to_contain_text("Van bellen tot geholpen")
    steps = page.locator("#menu-steps")
    expect(steps.get_by_role("row", name="Welkom en taalkeuze")).to_contain_text("3")
    expect(steps).to_contain_text("Keuze van het onderwerp")
    expect(page.locator("#data-topics thead")).to_contain_text("Wachttijd, de helft binnen")
    assert_accessible(page)
    # a period before the first event is refused in words, not with a server error
    response = page.goto(f"{world.app_server.url}/coordinator/report?period=2001-Q1")
    assert response.status == 400
    expect(page.get_by_role("alert")).to_contain_text("geen gegevens")
    page.context.close()


@pytest.mark.screenshots  # README pictures (./scripts/screenshots)
def test_the_funding_page_for_a_quarter_and_the_printable_page_for_one_bank(make_world, chromium):
    world, day = world_with_history(make_world)
    quarter = periods.of_kind("quarter", day)
    page = signed_in(chromium, world, "cora")
    page.goto(f"{world.app_server.url}/coordinator/funding?period={quarter.name}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("kwartaal")
    organisations = page.locator("#funding-organisation-table")
    expect(organisations.get_by_role("row", name="ING")).to_contain_text("3")
    expect(organisations).to_contain_text("Bank, naam onbekend")
    expect(page.locator("#funding-kind-table")).to_contain_text("Niet gevraagd of overgeslagen")
    assert_accessible(page)
    screenshot(page, "coordinator-funding.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download als CSV (Verwijzers en financiering)").click()
    header = open(download.value.path(), encoding="utf-8-sig").readline().strip()
    assert header.split(",")[:5] == ["level", "kind", "organisation", "name", "callers"]

    page.get_by_role("link", name="Pagina om te printen (ING)").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Wat de DigiHulplijn in het")
    expect(heading).to_contain_text("deed voor klanten van ING")
    assert_accessible(page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    screenshot(page, "funding-print-one-organisation.png", full_page=True)
    pdf_height = page.evaluate("() => document.documentElement.scrollHeight")
    assert pdf_height <= 1123 + 40  # one page
    page.context.close()


@pytest.mark.screenshots  # README pictures (./scripts/screenshots)
def test_volunteers_activity_for_coordinators_and_each_volunteer_their_own(make_world, chromium):
    world, day = world_with_history(make_world)
    month = periods.of_kind("month", day)
    page = signed_in(chromium, world, "cora")
    page.goto(f"{world.app_server.url}/coordinator/activity?period={month.name}")
    table = page.locator("#activity")
    expect(table.get_by_role("row", name="Ann")).to_contain_text("2.0")
    expect(table.locator("tfoot")).to_contain_text("Het hele team")
    assert_accessible(page)
    screenshot(page, "coordinator-activity.png", full_page=True)
    page.context.close()

    own = signed_in(chromium, world, "bob")
    own.goto(f"{world.app_server.url}/activity?period={month.name}")
    expect(own.get_by_text("Dank u wel voor uw inzet!")).to_be_visible()
    rows = own.locator("#activity tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bob")
    assert_accessible(own)
    own.context.close()


def test_the_wall_board_shows_todays_menu_drop_off_and_closed_calls_live(make_world, chromium):
    world = make_world()
    h = world.helpline
    volunteer(world, "cora", "+31699999999", role="coordinator", skills=("bank",))
    page = signed_in(chromium, world, "cora")
    page.goto(f"{world.app_server.url}/coordinator")
    expect(page.locator("#menu-ended")).to_have_text("0")
    expect(page.locator("#closed-calls")).to_have_text("0")
    queue = Queue("default", connection=h.rq_redis)

    def hangs_up_in_the_menu(number: str) -> None:
        leg = world.sim.place_call(Caller(number, answers=[hang_up()]))
        assert world.sim.wait_for(lambda: leg.status == "completed", timeout=30)
        assert world.sim.wait_for(
            lambda: any(e.get("type") == "ended_in_menu" and e.get("call") == leg.sid
                        for _, e in h.redis.xrange(keys.EVENTS)), timeout=30)  # fmt: skip
        queue.enqueue("workers.reports.process_events")

    hangs_up_in_the_menu("+31201111111")
    expect(page.locator("#menu-ended")).to_have_text("1", timeout=30_000)
    expect(page.locator("#menu-steps")).to_contain_text(
        "Welkom en taalkeuze: 1 beller hing hier op"
    )
    h.hours.close({"nl": "Even dicht.", "en": "Closed for a moment."}, None)
    time.sleep(OpeningHours.SCHEDULE_TTL + 1)  # the app's processes see the closure
    hangs_up_in_the_menu("+31202222222")
    expect(page.locator("#closed-calls")).to_have_text("1", timeout=30_000)
    expect(page.locator("#service-goal")).to_contain_text("Ons doel")
    assert_accessible(page)
    page.context.close()
