"""The README tells the truth about settings: every setting the code, the gunicorn settings,
`scripts/run` and the compose file read is in one of its tables, and every setting in its
tables is read somewhere; its examples run `helpline` from the virtual environment."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from helpline.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
PYTHON_READ = re.compile(
    r"""os\.(?:environ\.get\(|environ\[|getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)
SHELL_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]*):[-?]")
DOCUMENTED = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|", re.MULTILINE)


def read_by_the_code() -> dict[str, str]:
    """Each environment variable read, and one place that reads it."""
    found = {s.name: "helpline/config.py" for s in SETTINGS}
    for folder in ("helpline", "workers"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for name in PYTHON_READ.findall(path.read_text()):
                found.setdefault(name, str(path.relative_to(ROOT)))
    for script in sorted((ROOT / "scripts").iterdir()):
        for name in SHELL_READ.findall(script.read_text()):
            found.setdefault(name, str(script.relative_to(ROOT)))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for service in compose["services"].values():
        for name in service.get("environment") or {}:
            found.setdefault(name, "docker-compose.yml")
    return found


def test_every_setting_read_is_in_the_readme():
    documented = set(DOCUMENTED.findall(README))
    missing = {name: where for name, where in read_by_the_code().items() if name not in documented}
    assert missing == {}


def test_every_setting_in_the_readme_is_read_somewhere():
    read = read_by_the_code()
    assert sorted(set(DOCUMENTED.findall(README)) - set(read)) == []


def test_the_checks_see_what_they_should():
    read = read_by_the_code()
    assert read["HELPLINE_BIND"] == "helpline/gunicorn_conf.py"
    assert read["HELPLINE_REDIS_PORT"] == "scripts/run"
    assert read["PROMETHEUS_MULTIPROC_DIR"] == "helpline/ops.py"


def test_examples_run_helpline_from_the_virtual_environment():
    commands = [
        line.strip()
        for block in re.findall(r"```sh\n(.*?)```", README, re.DOTALL)
        for line in block.splitlines()
        if "helpline " in line and not line.strip().startswith("--")
    ]
    assert commands
    assert [c for c in commands if not re.search(r"\.venv/bin/helpline|\./scripts/", c)] == []


def test_the_readme_names_the_demos_options():
    from helpline.cli import main

    demo = main.commands["demo"]
    options = {opt for param in demo.params for opt in param.opts if opt.startswith("--")}
    for option in options:
        assert f"| `{option}` |" in README, option
