"""Headless Chromium (Debian's) driven by Playwright; no browser download."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Where browser tests leave their pictures: ignored by git, so a test run changes no tracked
# file. `./scripts/screenshots` (pytest -m screenshots --update-docs) copies them into docs/.
SCREENSHOTS = ROOT / "build" / "screenshots"
update_docs = False  # set by the --update-docs option (tests/conftest.py)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        raise RuntimeError("Debian's chromium is needed: apt-get install chromium")
    return path


def launch(playwright):
    """Playwright gives every launch a fresh, empty profile of its own."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


def screenshot(page, name: str, **options) -> Path:
    """A picture of the page for the README: into build/screenshots/, and into docs/ only when
    the run was asked to refresh them (``--update-docs``)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), **options)
    if update_docs:
        shutil.copyfile(path, DOCS / name)
    return path


AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def serious_accessibility_problems(page) -> list[str]:
    """axe-core (the npm package, installed by scripts/test) run on the page as it is now:
    every serious or critical violation of WCAG 2.0/2.1 A and AA, described."""
    if not AXE.exists():
        raise RuntimeError("axe-core is missing: npm ci --prefix tests/axe")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {', '.join(v['nodes'])}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
