"""`helpline demo` from the installed package: a call through the browser phone in headless
Chromium, then Ctrl-C stops everything and leaves no process behind; without the simulator
installed, one line says how to install it."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from helpline.demo import DEMO_PASSWORD, SIMULATOR_MISSING
from helpline.localredis import free_port
from tests import processes
from tests.browser import launch, screenshot

ROOT = Path(__file__).resolve().parent.parent


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def side_by_side(browser, left, right, name: str) -> None:
    """One picture of two pages next to each other (for the README)."""
    images = [base64.b64encode(p.screenshot()).decode() for p in (left, right)]
    sheet = browser.new_page(viewport={"width": 1820, "height": 1100})
    sheet.set_content(
        "<body style='margin:0;display:flex;gap:20px;background:#555'>"
        + "".join(f"<img alt='' src='data:image/png;base64,{i}'>" for i in images)
        + "</body>"
    )
    screenshot(sheet, name)
    sheet.close()


@pytest.mark.screenshots
def test_demo_places_a_call_in_the_browser_phone_and_stops_cleanly(tmp_path):
    port, phone_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    demo = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "helpline"),
            "demo",
            "--port",
            str(port),
            "--phone-port",
            str(phone_port),
            "--data",
            str(tmp_path / "demo"),
            "--speed",
            "5",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = []
        deadline = time.time() + 60
        while time.time() < deadline:
            line = demo.stdout.readline()
            output.append(line)
            if "Press Ctrl-C" in line or not line:
                break
        assert "Browser phone" in "".join(output), "".join(output)
        children = set(processes.children(demo.pid))
        assert len(children) >= 3  # redis-server, worker, scheduler

        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(locale="nl-NL", viewport={"width": 900, "height": 1100})
            page.goto(f"http://127.0.0.1:{phone_port}/")
            page.get_by_role("button", name="Bel de hulplijn").click()
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("Welkom bij de DigiHulplijn.", timeout=20_000)
            expect(transcript).to_contain_text("Waar gaat uw vraag over?", timeout=20_000)
            page.get_by_role("button", name="Toets 3").click()
            expect(page.locator("#position")).to_contain_text(
                "Uw plek in de rij: 1", timeout=30_000
            )
            screenshot(page, "browser-phone.png", full_page=True)

            # The demo volunteer signs in, goes available and takes the waiting caller.
            desk = browser.new_page(locale="nl-NL", viewport={"width": 900, "height": 1100})
            desk.goto(f"http://127.0.0.1:{port}/login")
            desk.get_by_label("Gebruikersnaam").fill("vrijwilliger")
            desk.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
            desk.get_by_role("button", name="Inloggen").click()
            desk.get_by_role("button", name="Beschikbaar").click()
            expect(desk.locator("#offer")).to_be_visible(timeout=10_000)
            side_by_side(browser, page, desk, "demo-phone-and-dashboard.png")
            desk.get_by_role("button", name="Aannemen").click()
            expect(transcript).to_contain_text(
                "U wordt nu verbonden met een vrijwilliger.", timeout=30_000
            )
            expect(desk.locator("#call-state")).to_have_text(
                "U bent verbonden met de beller.", timeout=30_000
            )
            browser.close()
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=60)
    assert demo.returncode == 0
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(pid) for pid in children):
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == []


def test_without_the_simulator_the_demo_says_in_one_line_how_to_install_it(tmp_path):
    # python -S reads no .pth file, so neither editable install is seen: the app comes from
    # the source tree, its dependencies from site-packages, and the simulator from nowhere,
    # as after `pip install .` alone.
    path = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]])
    result = subprocess.run(
        [sys.executable, "-S", "-m", "helpline.cli", "demo", "--data", str(tmp_path / "demo")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert (result.stdout, result.stderr) == ("", f"Error: {SIMULATOR_MISSING}\n")
    assert "pip install -e ./simulator" in SIMULATOR_MISSING
    assert not (tmp_path / "demo").exists()  # refused before starting anything
