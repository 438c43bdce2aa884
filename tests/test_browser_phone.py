"""The browser phone in real headless Chromium, against the real app, Redis, an RQ worker and
the Twilio simulator: a key stops the menu at once and is echoed at once; closing the page
hangs its calls up (no ghost caller in the line or on the wall board); the caller's page says
when they talk to a volunteer, and a reloaded page lists the calls still running."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
from playwright.sync_api import expect
from twilio_sim.phone import create_phone_app
from twilio_sim.server import Served

from tests.test_dashboard import signed_in, volunteer


@pytest.fixture
def phone_of():
    """The browser phone served for a world's simulator (closed at the end)."""
    served = []

    def serve(world, **options) -> Served:
        server = Served(create_phone_app(world.sim, **options)).start()
        served.append(server)
        return server

    yield serve
    for server in served:
        server.stop()


def topic_menu(flow):
    """The menu that offers DigiD by a key: its Dutch lines, and the DigiD line and key."""
    for step in flow.steps.values():
        keys = [o.key for o in step.options if o.route.set.get("topic") == "digid"]
        lines = [line.text for line in flow.prompts.get(step.prompt, {}).get("nl", ())]
        said = [text for text in lines if "DigiD" in text]
        if keys and said:
            return lines, said[0], keys[0]
    raise AssertionError("no menu offers DigiD by a key")


def the_leg(world, number: str):
    return next(leg for leg in list(world.sim.calls.values()) if leg.from_ == number)


def dial(page, phone) -> str:
    """Call the helpline from the page; the caller's number."""
    page.goto(phone.url + "/")

    def placed_a_call(response) -> bool:  # not the page's look at the calls still running
        return response.url.endswith("/api/calls") and response.request.method == "POST"

    with page.expect_response(placed_a_call) as placed:
        page.get_by_role("button", name="Bel de hulplijn").click()
    return placed.value.json()["from"]


def test_a_key_in_the_middle_of_the_topic_menu_is_echoed_at_once_and_ends_the_menu(
    make_world, chromium, phone_of
):
    world = make_world(speed=2)  # slow enough to press while the menu is being read out
    phone = phone_of(world)
    lines, digid_line, key = topic_menu(world.helpline.flow)
    page = chromium.new_page(locale="nl-NL")
    number = dial(page, phone)
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(digid_line, timeout=60_000)
    page.get_by_role("button", name=f"Toets {key}", exact=True).click()
    expect(transcript.locator("li.you")).to_have_text(f"U: toets {key}", timeout=1000)

    leg = the_leg(world, number)
    assert world.sim.wait_for(lambda: leg.entries("barge-in"), timeout=10)
    (pressed,) = leg.entries("pressed")
    assert pressed["heard"] is True
    (barge,) = leg.entries("barge-in")
    assert barge["by"] == "dtmf" and barge["prompt"] in lines
    assert barge["t"] - pressed["t"] < 2  # at once (a second of wall time at this speed)
    index = leg.transcript.index(pressed)

    def said_after_the_key() -> list[str]:
        return [e["text"] for e in leg.transcript[index + 1 :] if e["kind"] == "say"]

    assert world.sim.wait_for(said_after_the_key, timeout=30)
    after = said_after_the_key()
    assert not set(after) & set(lines)  # not one more line of the menu
    expect(transcript).to_contain_text(after[0], timeout=10_000)  # the next step is shown

    page.get_by_label("Zeg iets (typ het hier):").fill("hallo")
    page.get_by_role("button", name="Zeg het").click()
    expect(transcript.locator("li.you").nth(1)).to_contain_text("U: hallo", timeout=1000)
    page.close()


def test_closing_the_page_ends_its_call_and_the_wall_board_no_longer_shows_it(
    make_world, chromium, phone_of
):
    world = make_world()
    phone = phone_of(world)
    volunteer(world, "cora", "+31699999999", role="coordinator", skills=("bank",))
    board = signed_in(chromium, world, "cora")
    board.goto(f"{world.app_server.url}/coordinator")
    page = chromium.new_page(locale="nl-NL")
    number = dial(page, phone)
    expect(page.locator("#position")).to_contain_text("Uw plek in de rij: 1", timeout=60_000)
    expect(board.locator("#waiting-total")).to_have_text("1", timeout=30_000)
    leg = the_leg(world, number)

    page.close()
    closed_at = time.monotonic()
    assert leg.done.wait(10), "the call outlived its page"
    expect(board.locator("#waiting-total")).to_have_text(
        "0", timeout=max(1, 10_000 - int(1000 * (time.monotonic() - closed_at)))
    )
    assert time.monotonic() - closed_at < 10
    board.context.close()


def first_event(lines, within: float = 10.0) -> dict:
    """The first event of a stream (it says something every second, so this ends)."""
    deadline = time.monotonic() + within
    for line in lines:
        if line.startswith(b"data:"):
            return json.loads(line[5:])
        assert time.monotonic() < deadline, "no event"
    raise AssertionError("the stream ended without an event")


def test_a_page_that_vanishes_without_a_word_has_its_calls_hung_up(make_world, phone_of):
    """No beacon (a crash, a lost network): the page's event stream breaks and does not come
    back, and after the tab's timeout its calls are hung up."""
    world = make_world()
    phone = phone_of(world, tab_timeout=2)
    placed = requests.post(f"{phone.url}/api/calls", json={"tab": "t1"}, timeout=10).json()
    stream = requests.get(f"{phone.url}/api/tabs/t1/events", stream=True, timeout=10)
    lines = stream.iter_lines()  # kept: dropping the iterator would close the connection
    assert first_event(lines)["sid"] == placed["sid"]
    leg = world.sim.calls[placed["sid"]]
    time.sleep(3)  # more than the timeout: an open stream keeps the call
    assert not leg.done.is_set()
    stream.close()  # the page is gone
    assert leg.done.wait(10)
    assert leg.entries("phone-closed")[0]["reason"] == "page gone"

    # the page comes back after all (a long network break): it learns that its call ended
    url = f"{phone.url}/api/tabs/t1/events?calls={placed['sid']}"
    with requests.get(url, stream=True, timeout=10) as again:
        back = first_event(again.iter_lines())
    assert back["sid"] == placed["sid"] and back["ended"] is True


def test_a_caller_connected_to_a_volunteer_reads_that_they_talk_to_one(
    make_world, chromium, phone_of
):
    world = make_world()
    phone = phone_of(world)
    volunteer(world, "anna", "+31611111111", skills=("general",), answer_after=2,
              press_every_call="1")  # fmt: skip
    world.router.set_state("anna", "available")
    world.answer_offers("anna")
    page = chromium.new_page(locale="nl-NL")
    dial(page, phone)  # says nothing: a volunteer for any topic takes the call
    status = page.locator("#status")
    expect(status).to_have_text("U praat nu met een vrijwilliger.", timeout=90_000)
    expect(page.locator("#transcript")).not_to_contain_text("redirected")
    page.get_by_role("button", name="Ophangen").click()
    expect(status).to_have_text("Het gesprek is beëindigd.", timeout=30_000)
    requests_after_end = []
    page.on("request", lambda request: requests_after_end.append(request.url))
    time.sleep(2)
    assert requests_after_end == []  # nothing polls once the call has ended
    page.close()


def test_a_reloaded_page_lists_the_calls_still_running_and_can_hang_them_up(
    make_world, chromium, phone_of
):
    world = make_world()
    phone = phone_of(world)
    placed = requests.post(f"{phone.url}/api/calls", json={"tab": "old"}, timeout=10).json()
    keep_open = threading.Event()

    def old_page():  # the old page's stream, still open (as if its beacon got lost)
        with requests.get(f"{phone.url}/api/tabs/old/events", stream=True, timeout=30) as s:
            for _ in s.iter_lines():
                if keep_open.is_set():
                    return

    threading.Thread(target=old_page, daemon=True).start()
    page = chromium.new_page(locale="nl-NL")
    page.goto(phone.url + "/")
    running = page.locator("#running")
    expect(running).to_be_visible(timeout=10_000)
    expect(running).to_contain_text(placed["from"])
    running.get_by_role("button", name="Ophangen").click()
    assert world.sim.calls[placed["sid"]].done.wait(10)
    expect(running).to_be_hidden()
    keep_open.set()
    page.close()
