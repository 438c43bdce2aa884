"""`helpline demo` from the installed package, as a newcomer meets it in a fresh clone: within
half a minute the reports are full (sample history) and the banner is the last thing printed
(and again on `h`); `helpline hours show` in another terminal reaches the demo through the env
file it writes; a call goes through the browser phone in headless Chromium; Ctrl-C stops
everything and leaves no process behind; without the simulator installed, one line says how to
install it."""

from __future__ import annotations

import base64
import os
import queue
import re
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from helpline.demo import DEMO_PASSWORD, SIMULATOR_MISSING
from helpline.ivr import flow as flow_module
from helpline.localredis import free_port
from ivr_flows import DEFAULT_FLOW
from tests import processes
from tests.browser import launch, screenshot
from tests.test_browser_phone import topic_menu

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "helpline"
BANNER_END = "Press h and Enter to see this again; Ctrl-C stops the demo."
FINDING_KINDS = (
    "recurring_problem",
    "repeat_callers",
    "capacity",
    "abandonment",
    "long_waits",
    "late_callbacks",
)
# a number above zero in a chart's description (not part of a week or hour label)
NON_ZERO = re.compile(r"(?<![\w:.-])[1-9]\d*(?:\.\d+)?(?![\w:-])")


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class RunningDemo:
    """`helpline demo` in a process of its own, its output read line by line as it comes."""

    def __init__(self, cwd: Path, *args: str):
        self.port, self.phone_port = free_port(), free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HELPLINE_ENV")}
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [str(BIN), "demo", "--port", str(self.port), "--phone-port", str(self.phone_port),
             *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def until(self, last: str, timeout: float) -> list[str]:
        """The lines up to and with the one that is ``last``."""
        got, deadline = [], time.monotonic() + timeout
        while True:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            assert line is not None, "\n".join(self.output + got)
            got.append(line)
            if line == last:
                self.output += got
                return got

    def rest(self) -> list[str]:
        """What it printed after the last line read (once it has ended)."""
        got = []
        while (line := self.lines.get(timeout=30)) is not None:
            got.append(line)
        return got

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)


@pytest.fixture
def fresh_clone(tmp_path):
    """A folder as a fresh clone has it: no instance/ data from an earlier run."""
    return tmp_path


def coordinator_page(browser, demo):
    page = browser.new_page(locale="nl-NL", viewport={"width": 1100, "height": 1400})
    page.goto(f"http://127.0.0.1:{demo.port}/login")
    page.get_by_label("Gebruikersnaam").fill("coordinator")
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()
    return page


def report_pages(page, base: str) -> list[str]:
    """The report's pages: this week's, the week before, this month, quarter and year, and
    every other report page the menu leads to (the pager's next week has no calls yet)."""
    page.goto(f"{base}/coordinator/report")
    previous = page.locator(".pager a").first.get_attribute("href")  # the week before
    linked = page.locator("nav:not(.pager) a[href^='/coordinator/report']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    kinds = [f"/coordinator/report?period={kind}" for kind in ("month", "quarter", "year")]
    offered = page.locator("a[href^='/coordinator/report?period=']").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    assert set(kinds) <= set(offered), offered  # the page offers each kind of period
    return list(dict.fromkeys([*linked, previous, *kinds]))


def test_a_fresh_demo_shows_full_reports_within_half_a_minute_and_the_banner_last(fresh_clone):
    demo = RunningDemo(fresh_clone)
    children = []
    try:
        banner = demo.until(BANNER_END, timeout=30)
        children = processes.descendants(demo.process.pid)
        assert any("Sample history: 8 weeks" in line for line in banner)
        assert any("REDIS_URL=redis://127.0.0.1:" in line for line in banner)
        assert any("--speed 10" in line for line in banner)
        command = next(line for line in banner if line.strip().endswith("hours show"))
        env_file = Path(command.split("--env-file ", 1)[1].split()[0])
        assert env_file == fresh_clone / "instance" / "demo" / "demo.env"

        # another terminal reaches the demo's Redis through the env file
        clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        other = subprocess.run([str(BIN), "--env-file", str(env_file), "hours", "show"],
                               env=clean, capture_output=True, text=True, timeout=60)  # fmt: skip
        assert other.returncode == 0, other.stderr
        assert "weekly hours: always" in other.stdout and "open now: yes" in other.stdout

        base = f"http://127.0.0.1:{demo.port}"
        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = coordinator_page(browser, demo)
            for path in report_pages(page, base):
                page.goto(base + path)
                charts = page.locator("svg.chart desc").all_text_contents()
                assert charts and all(NON_ZERO.search(d) for d in charts), (path, charts)
                expect(page.locator(".finding").first).to_be_visible()  # findings of the period
            ready = time.monotonic() - demo.started
            for path in ("/coordinator/funding", "/coordinator/activity"):
                page.goto(base + path)  # the funding and activity tables have their rows
                assert page.locator("table tbody tr").count() > 0, path
            page.goto(f"{base}/coordinator/report")
            expect(page.locator(".sample-notice")).to_contain_text("Voorbeeldgegevens")
            for kind in FINDING_KINDS:
                expect(page.locator(f".finding-{kind}").first).to_be_visible()
            browser.close()
        # The reports are full when the banner shows (the sample history is counted first),
        # which is within 30 s; checking every page in Chromium takes its own time besides.
        assert ready < 30 + 15, ready

        demo.process.stdin.write("h\n")
        demo.process.stdin.flush()
        assert demo.until(BANNER_END, timeout=10) == banner  # the banner again, nothing else
        time.sleep(2)  # the workers and the scheduler have had time to say something
    finally:
        code = demo.stop()
    assert demo.rest() == ["Stopping...", "Stopped."]  # nothing after the banner but these
    assert code == 0
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(pid) for pid in children):
        time.sleep(0.1)
    assert [pid for pid in children if alive(pid)] == []
    assert not env_file.exists()  # nothing answers there any more


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
    demo = RunningDemo(tmp_path, "--data", str(tmp_path / "demo"), "--speed", "5", "--empty")
    children = []
    try:
        banner = demo.until(BANNER_END, timeout=60)
        assert any("No sample history (--empty)" in line for line in banner)
        children = processes.descendants(demo.process.pid)
        assert len(children) >= 3  # redis-server, worker, scheduler

        with sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(locale="nl-NL", viewport={"width": 900, "height": 1100})
            page.goto(f"http://127.0.0.1:{demo.phone_port}/")
            page.get_by_role("button", name="Bel de hulplijn").click()
            transcript = page.locator("#transcript")
            _, digid_line, key = topic_menu(flow_module.load(DEFAULT_FLOW))
            expect(transcript).to_contain_text(digid_line, timeout=30_000)
            page.get_by_role("button", name=f"Toets {key}", exact=True).click()
            expect(page.locator("#position")).to_contain_text(
                "Uw plek in de rij: 1", timeout=30_000
            )
            screenshot(page, "browser-phone.png", full_page=True)

            # The demo volunteer signs in, goes available and takes the waiting caller.
            desk = browser.new_page(locale="nl-NL", viewport={"width": 900, "height": 1100})
            desk.goto(f"http://127.0.0.1:{demo.port}/login")
            desk.get_by_label("Gebruikersnaam").fill("vrijwilliger")
            desk.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
            desk.get_by_role("button", name="Inloggen").click()
            desk.get_by_role("button", name="Beschikbaar").click()
            expect(desk.locator("#card")).to_be_visible(timeout=10_000)
            side_by_side(browser, page, desk, "demo-phone-and-dashboard.png")
            desk.get_by_role("button", name="Aannemen").click()
            expect(page.locator("#status")).to_have_text(
                "U praat nu met een vrijwilliger.", timeout=30_000
            )
            expect(desk.locator("#call-state")).to_have_text("Verbonden", timeout=30_000)
            browser.close()
    finally:
        code = demo.stop()
    assert code == 0
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
