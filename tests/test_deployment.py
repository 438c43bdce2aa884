"""docker-compose.yml is valid Compose, and every command it runs exists and starts; the
production package and image leave the Twilio simulator out."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from fnmatch import fnmatch
from pathlib import Path

import jsonschema
import pytest
import redis
import yaml

from helpline.cli import main
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


SCHEMA = json.loads((ROOT / "tests/spec/compose-spec.json").read_text())


def test_compose_file_is_valid_against_the_compose_spec():
    jsonschema.Draft7Validator(SCHEMA).validate(COMPOSE)


def test_the_schema_check_would_catch_a_broken_compose_file():
    broken = {**COMPOSE, "services": {"web": {"command": ["x"], "restart": 5, "bogus": True}}}
    assert list(jsonschema.Draft7Validator(SCHEMA).iter_errors(broken))


def test_compose_runs_redis_webhooks_dashboard_worker_and_scheduler():
    default = {name for name, svc in COMPOSE["services"].items() if not svc.get("profiles")}
    assert default == {"redis", "web", "dashboard", "worker", "scheduler"}


def test_the_ha_profile_adds_a_replica_and_three_sentinels_the_apps_can_use():
    services = COMPOSE["services"]
    ha = {name for name, svc in services.items() if "ha" in svc.get("profiles", ())}
    assert ha == {"redis-replica", "sentinel-1", "sentinel-2", "sentinel-3"}
    assert ["--replicaof", "redis", "6379"] == services["redis-replica"]["command"][1:4]
    primary = services["redis"]["command"]
    assert primary[primary.index("--min-replicas-to-write") + 1] == (
        "${REDIS_MIN_REPLICAS_TO_WRITE:-0}"
    )
    for name in ("sentinel-1", "sentinel-2", "sentinel-3"):
        script = services[name]["command"][-1]
        assert "sentinel monitor helpline redis 6379 2" in script  # a quorum of two of three
        assert script.rstrip().endswith("--sentinel")
    assert len({tuple(services[n]["volumes"]) for n in ha}) == len(ha)  # each its own state
    environment = COMPOSE["x-environment"]
    assert environment["REDIS_SENTINEL_MASTER"] == "helpline"
    assert "REDIS_SENTINELS" in environment


def test_compose_publishes_the_apps_on_localhost_unless_told_otherwise():
    for name in ("web", "dashboard"):
        for port in COMPOSE["services"][name]["ports"]:
            assert port.startswith("${HELPLINE_PUBLISH_ADDRESS:-127.0.0.1}:"), port


def project_commands():
    return {name: svc["command"] for name, svc in COMPOSE["services"].items() if "build" in svc}


@pytest.mark.parametrize("service", ["web", "worker", "scheduler"])
def test_every_project_command_exists(service):
    command = project_commands()[service]
    executable = Path(sys.executable).parent / command[0]
    assert executable.exists() or shutil.which(command[0]), command[0]
    if command[0] == "helpline":
        ctx = main.make_context("helpline", ["--help"], resilient_parsing=True)
        assert command[1] in main.list_commands(ctx)


def test_web_command_serves_the_app_under_gunicorn(redis_url):
    command = project_commands()["web"]
    port = free_port()
    env = {
        "PATH": str(Path(sys.executable).parent),
        "REDIS_URL": redis_url,
        "HELPLINE_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / command[0]), *command[1:]],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    assert json.load(response) == {"status": "ok"}
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(
                process.stderr.read1().decode() if process.poll() is not None else "no answer"
            )
        # the webhooks' service is the voice app: no pages, no API, no event stream to hold it
        for path in ("/api/stream", "/api/me", "/login"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}")
            assert refused.value.code == 404
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_scripts_run_and_the_image_start_the_apps_compose_starts():
    apps = {name: project_commands()[name][-1] for name in ("web", "dashboard")}
    assert apps == {
        "web": "helpline:create_voice_app()",
        "dashboard": "helpline:create_dashboard_app()",
    }
    run = (ROOT / "scripts/run").read_text()
    assert re.findall(r"'(helpline:create_\w+\(\))'", run) == [apps["web"], apps["dashboard"]]
    image = (ROOT / "Dockerfile").read_text().splitlines()[-1]
    assert json.loads(image.removeprefix("CMD "))[-1] == apps["web"]


def with_defaults(argument: str) -> str:
    """A compose value with its variables at their defaults (``${NAME:-default}``)."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", argument)


def test_redis_command_starts_with_aof_and_noeviction(tmp_path):
    command = [with_defaults(argument) for argument in COMPOSE["services"]["redis"]["command"]]
    assert command[0] == "redis-server"
    port = free_port()
    process = subprocess.Popen(
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            *command[1:],
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port, decode_responses=True)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        assert client.config_get("appendonly")["appendonly"] == "yes"
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_readme_settings_table_is_the_settings_object():
    """Regenerate with: python -c 'from helpline.config import markdown_table as t; print(t())'"""
    from helpline.config import markdown_table

    readme = (ROOT / "README.md").read_text()
    start = readme.index("| setting | default |")
    table = readme[start : readme.index("\n\n", start)]
    assert table.splitlines() == markdown_table().splitlines()


def test_every_setting_has_one_default_and_is_read_as_an_attribute():
    """No string-keyed reads of a setting outside the settings module (a second default hides
    there: `config.get("HELPLINE_WRAPUP_SECONDS", 60)` once contradicted the real 120)."""
    from helpline.config import SETTINGS

    names = "|".join(s.name for s in SETTINGS)
    pattern = re.compile(rf"""config(\[|\.get\()["']({names})["']""")
    found = [
        f"{path.relative_to(ROOT)}: {m.group(0)}"
        for folder in ("helpline", "workers")
        for path in (ROOT / folder).rglob("*.py")
        for m in pattern.finditer(path.read_text())
    ]
    assert found == []


def test_ci_runs_the_readme_test_command():
    assert "./scripts/test" in (ROOT / "README.md").read_text()
    assert "./scripts/test" in (ROOT / ".ci/run").read_text()


def test_a_test_run_leaves_the_git_tree_as_it_found_it():
    """./scripts/test compares `git status --porcelain` (and the diff) before and after and
    fails on a difference; browser tests write pictures only through tests.browser.screenshot,
    into build/screenshots/ (ignored), and ./scripts/screenshots refreshes docs/ on purpose."""
    from tests import browser

    script = (ROOT / "scripts/test").read_text()
    assert "git status --porcelain" in script and 'if [ "$before" != "$after" ]' in script
    assert browser.SCREENSHOTS.relative_to(ROOT).parts[0] in (ROOT / ".gitignore").read_text()
    direct = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "tests").rglob("*.py")
        if path.name not in ("browser.py", "test_deployment.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ".screenshot(path=" in line or "DOCS /" in line
    ]
    assert direct == []
    assert "--update-docs" in (ROOT / "scripts/screenshots").read_text()


def start_dashboard_service(redis_url: str) -> tuple[subprocess.Popen, int]:
    """The compose file's dashboard command under gunicorn: one process, the service's threads."""
    service = COMPOSE["services"]["dashboard"]
    port = free_port()
    env = {
        "PATH": str(Path(sys.executable).parent),
        "REDIS_URL": redis_url,
        "HELPLINE_BIND": f"127.0.0.1:{port}",
        "HELPLINE_WORKER_CLASS": "gthread",
        "HELPLINE_THREADS": service["environment"]["HELPLINE_THREADS"],
        "WEB_CONCURRENCY": "1",
    }
    command = service["command"]
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / command[0]), *command[1:]],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


def open_request(port: int, method: str, path: str, **kwargs):
    """(connection, response), the connection left open (an event stream keeps it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, **kwargs)
    return conn, conn.getresponse()


def sign_in_when_up(port: int, username: str) -> str:
    """Sign in as soon as the service answers; the session cookie."""
    for _ in range(100):
        try:
            _, login = open_request(
                port,
                "POST",
                "/api/login",
                body=json.dumps({"username": username, "password": "correct horse battery"}),
                headers={"Content-Type": "application/json"},
            )
            break
        except OSError:
            time.sleep(0.1)
    else:
        pytest.fail("the dashboard service did not start")
    assert login.status == 200
    return login.getheader("Set-Cookie").split(";")[0]


def test_the_dashboard_service_keeps_live_streams_open_and_still_answers(redis_url, r):
    """Each open dashboard holds an event stream; the dashboard service runs threads, so one
    worker process serves many streams and the other requests beside them."""
    from helpline.accounts import Accounts

    service = COMPOSE["services"]["dashboard"]
    assert service["environment"]["HELPLINE_WORKER_CLASS"] == "gthread"
    Accounts(r).create("anna", "correct horse battery", role="volunteer")
    process, port = start_dashboard_service(redis_url)
    try:
        cookie = sign_in_when_up(port, "anna")
        streams = []
        for _ in range(5):
            stream, response = open_request(port, "GET", "/api/stream", headers={"Cookie": cookie})
            assert response.getheader("Content-Type").startswith("text/event-stream")
            first = response.readline() + response.readline()
            assert first.startswith(b"retry:")
            streams.append((stream, response))
        _, me = open_request(port, "GET", "/api/me", headers={"Cookie": cookie})
        assert me.status == 200 and json.loads(me.read())["username"] == "anna"
        for stream, _ in streams:
            stream.close()
    finally:
        process.terminate()
        process.wait(timeout=30)


# -- the simulator stays out of production ---------------------------------------------------


def simulator_parts(names) -> list[str]:
    """The names among ``names`` that belong to the Twilio simulator."""
    return [
        n
        for n in names
        if "twilio_sim" in n or "simulator" in n or n.endswith("twilio_api_v2010.json")
    ]


def build_wheel(source: Path, tmp_path: Path) -> zipfile.ZipFile:
    """The wheel ``pip install source`` would install, built from a copy of the folder as a
    fresh clone has it (a working tree's old build/ folder could slip stale files in)."""
    copy = tmp_path / "source"
    junk = shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "node_modules", "instance"
    )
    shutil.copytree(source, copy, ignore=junk)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", str(copy)]
    subprocess.run([*command, "-w", str(tmp_path / "wheels")], check=True, timeout=300)
    (wheel,) = (tmp_path / "wheels").glob("*.whl")
    return zipfile.ZipFile(wheel)


def test_pip_install_of_the_project_leaves_the_simulator_out(tmp_path):
    wheel = build_wheel(ROOT, tmp_path)
    names = wheel.namelist()
    shipped = {"helpline/demo.py", "helpline/lua/accept.lua", "ivr_flows/digihulplijn.yaml"}
    assert shipped <= set(names)
    assert simulator_parts(names) == []
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [
        line
        for line in wheel.read(metadata).decode().splitlines()
        if line.startswith("Requires-Dist:")
    ]
    assert "Requires-Dist: flask<4,>=3.1" in requires
    assert simulator_parts(requires) == [] and [r for r in requires if "sim" in r] == []


def test_the_simulators_own_distribution_carries_its_spec_and_browser_phone(tmp_path):
    names = set(build_wheel(ROOT / "simulator", tmp_path).namelist())
    assert {
        "twilio_sim/simulator.py",
        "twilio_sim/rest/spec/twilio_api_v2010.json",
        "twilio_sim/phone/templates/phone.html",
        "twilio_sim/phone/static/phone.js",
        "twilio_sim/phone/static/phone.css",
    } <= names
    assert not any(n.startswith(("helpline/", "tests/")) for n in names)


def image_files(dockerfile: str, dockerignore: str) -> list[str]:
    """The project files a Dockerfile's COPY lines put in the image, after .dockerignore."""
    patterns = [
        line.strip().rstrip("/")
        for line in dockerignore.splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(relative: str) -> bool:
        parts = relative.split("/")
        prefixes = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
        return any(fnmatch(prefix, pattern) for prefix in prefixes for pattern in patterns)

    files = []
    for line in dockerfile.splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY":
            continue
        for source in (w for w in words[1:-1] if not w.startswith("--")):
            path = (ROOT / source).resolve()
            if path.is_file():
                files.append(str(path.relative_to(ROOT)))
            for folder, subfolders, names in os.walk(path):
                here = Path(folder).relative_to(ROOT)
                subfolders[:] = [d for d in subfolders if not ignored(str(here / d))]
                files += [str(here / name) for name in names]
    return [f for f in files if not ignored(f)]


def test_the_production_image_copies_no_simulator():
    dockerfile = (ROOT / "Dockerfile").read_text()
    dockerignore = (ROOT / ".dockerignore").read_text()
    files = image_files(dockerfile, dockerignore)
    assert {"pyproject.toml", "README.md", "helpline/__init__.py", "workers/__init__.py"} <= set(
        files
    )
    assert simulator_parts(files) == []
    # .dockerignore alone keeps it out of a wider COPY, and the check sees it when it is not
    everything = "FROM python:3.11-slim\nCOPY . /app\n"
    assert simulator_parts(image_files(everything, dockerignore)) == []
    assert "simulator/twilio_sim/simulator.py" in image_files(everything, ".venv\n.git\n")


def test_the_dashboard_service_refuses_an_account_more_streams_than_its_cap(redis_url, r):
    """The cap holds in the real service, and a dashboard that goes away frees its slot."""
    from helpline.accounts import Accounts
    from helpline.config import setting

    cap = setting("HELPLINE_STREAMS_PER_ACCOUNT").default
    Accounts(r).create("anna", "correct horse battery", role="volunteer")
    process, port = start_dashboard_service(redis_url)
    try:
        cookie = {"Cookie": sign_in_when_up(port, "anna")}
        streams = [open_request(port, "GET", "/api/stream", headers=cookie) for _ in range(cap)]
        assert [response.status for _, response in streams] == [200] * cap
        _, refused = open_request(port, "GET", "/api/stream", headers=cookie)
        assert refused.status == 429 and "error" in json.loads(refused.read())
        gone, _ = streams.pop()
        gone.close()  # the browser tab closes: the server notices at its next write
        deadline = time.time() + 30
        while True:
            conn, again = open_request(port, "GET", "/api/stream", headers=cookie)
            if again.status == 200 or time.time() > deadline:
                break
            conn.close()
            time.sleep(0.5)
        assert again.status == 200
        streams.append((conn, again))
        for conn, _ in streams:
            conn.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
