"""The coordinator's pages in real headless Chromium: the bottleneck report with its charts and
CSV exports, the live wall board, opening hours and the IVR flow diagram."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from helpline import keys
from helpline.reports.aggregate import Aggregator
from helpline.reports.bottlenecks import detect
from tests.browser import screenshot
from tests.test_dashboard import assert_accessible, digid_caller, signed_in, volunteer
from tests.test_reports import pattern_history


@pytest.mark.screenshots
def test_the_report_shows_findings_charts_and_tables_and_exports_csv(make_world, chromium):
    world = make_world()
    h = world.helpline
    history = pattern_history(h.redis)
    history.write()
    Aggregator(h.redis, h.settings, h.store.clock).process()
    detect(h)
    volunteer(world, "cora", "+31699999999", role="coordinator")
    page = signed_in(chromium, world, "cora")

    week = history.week_of(history.ago(1, hour=10))  # the busy day's week
    page.goto(f"{world.app_server.url}/coordinator/report?week={week}")
    findings = page.locator(".finding")
    expect(findings.first).to_be_visible()
    expect(page.locator("#findings-title")).to_have_text(
        # the week we are in shows the standing findings, an earlier week its own
        re.compile(r"Knelpunten over (de afgelopen 7 dagen|week \d+ van \d{4})")
    )
    expect(page.locator(".finding-recurring_problem").first).to_contain_text(
        "Veel vaker vragen over de sms-code bij DigiD"
    )
    expect(page.locator(".finding-capacity").first).to_contain_text("Te weinig")
    assert page.locator("svg.chart").count() == 4  # funnel, trend, heat map, top sub-topics
    expect(page.locator("#data-topics")).to_contain_text("DigiD")
    assert_accessible(page)
    screenshot(page, "coordinator-report.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download als CSV (Per onderwerp)").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["Onderwerp", "Gebeld", "In de wachtrij", "Geholpen"]
    digid = next(row for row in rows if row[0] == "DigiD")
    assert int(digid[1]) == 42  # 12 recurring + 30 at 10:00 on the busy day
    page.context.close()


@pytest.mark.screenshots
def test_the_wall_board_updates_live_when_a_caller_joins(make_world, chromium):
    world = make_world()
    volunteer(world, "cora", "+31699999999", role="coordinator", skills=("bank",))
    page = signed_in(chromium, world, "cora")
    page.goto(f"{world.app_server.url}/coordinator")
    expect(page.locator("#waiting-total")).to_have_text("0")
    leg = world.sim.place_call(digid_caller())
    expect(page.locator("#waiting-total")).to_have_text("1", timeout=30_000)
    expect(page.locator("#alerts")).to_contain_text("niemand met dit onderwerp")
    assert_accessible(page)
    screenshot(page, "coordinator-wallboard.png", full_page=True)
    world.sim.hang_up(leg)
    expect(page.locator("#waiting-total")).to_have_text("0", timeout=30_000)
    page.context.close()


@pytest.mark.screenshots
def test_opening_hours_and_the_flow_diagram(make_world, chromium):
    world = make_world()
    volunteer(world, "cora", "+31699999999", role="coordinator")
    page = signed_in(chromium, world, "cora")
    page.goto(f"{world.app_server.url}/coordinator/hours")
    expect(page.get_by_text("De hulplijn is open.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Wat bellers horen (Nederlands)").fill("Er is een storing.")
    page.get_by_role("button", name="Sluiten").click()
    expect(page.get_by_text("De hulplijn is gesloten.")).to_be_visible()
    assert "Er is een storing." in world.helpline.redis.hget(keys.HOURS, "closure")
    page.get_by_role("button", name="Weer openen").click()
    expect(page.get_by_text("De hulplijn is open.")).to_be_visible()
    page.get_by_label("Per week").fill("mo-fr 9-17")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#weekly-error")).to_contain_text("Dit klopt niet")

    page.goto(f"{world.app_server.url}/coordinator/flow")
    diagram = page.locator("svg.flow")
    expect(diagram).to_be_visible()
    for step in ("welcome", "topic", "referral", "queue"):
        expect(diagram).to_contain_text(step)
    assert_accessible(page)
    screenshot(page, "coordinator-flow.png", full_page=True)
    page.context.close()
