"""Benchmark: signed webhooks through gunicorn, ours beside a bare Flask endpoint.

    python bench/webhooks/run.py [--duration 15] [--write docs/benchmarks.md]

Starts a private redis-server, then for each app (ours, bare) the same gunicorn settings, and
drives it with wrk from pre-signed requests (a Lua script cycles through them), at 50
connections (saturation) and 10 connections (below saturation).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from bench.report import write_section  # noqa: E402
from helpline.localredis import RedisServer, free_port  # noqa: E402

TOKEN = "bench-auth-token"
VENV_BIN = Path(sys.executable).parent


def wait_http(url: str, timeout: float = 20) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start_gunicorn(app_spec: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "--config", "python:helpline.gunicorn_conf", app_spec],
        env={**os.environ, **env, "HELPLINE_BIND": f"127.0.0.1:{port}", "HELPLINE_ACCESS_LOG": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_http(f"http://127.0.0.1:{port}/voice/incoming")
    return process


def signed_requests(
    base: str, path_query: str, params_for, count: int
) -> list[tuple[str, str, str]]:
    """(path, body, signature) triples, each a distinct call."""
    validator = RequestValidator(TOKEN)
    out = []
    for _ in range(count):
        params = params_for("CA" + uuid.uuid4().hex)
        body = urlencode(params)
        out.append((path_query, body, validator.compute_signature(base + path_query, params)))
    return out


def caller(sid: str, **extra) -> dict:
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": "+31201234567",
        "To": "+31850000000",
        "Caller": "+31201234567",
        "Called": "+31850000000",
        "CallStatus": "ringing",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def wrk_script(requests: list[tuple[str, str, str]], path: Path) -> None:
    def lua(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["local reqs = {"]
    for path_query, body, signature in requests:
        lines.append(f"  {{{lua(path_query)}, {lua(body)}, {lua(signature)}}},")
    lines += [
        "}",
        "local i = 0",
        "request = function()",
        "  i = i % #reqs + 1",
        "  local r = reqs[i]",
        "  return wrk.format('POST', r[1],",
        "    {['Content-Type'] = 'application/x-www-form-urlencoded',",
        "    ['X-Twilio-Signature'] = r[3], ['I-Twilio-Idempotency-Token'] = r[3]}, r[2])",
        "end",
    ]
    path.write_text("\n".join(lines))


def run_wrk(port: int, script: Path, connections: int, duration: int) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--write", help="markdown file whose webhook section is replaced")
    parser.add_argument("--workers", type=int, help="gunicorn workers (both apps)")
    parser.add_argument("--threads", type=int, help="threads per worker (both apps)")
    parser.add_argument("--worker-class", help="gunicorn worker class (both apps)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per row; the median counts")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    tmp = tempfile.mkdtemp()
    redis_server = RedisServer(Path(tmp) / "redis").start()
    redis_url = redis_server.url
    ours_port, bare_port = free_port(), free_port()
    server = {
        "WEB_CONCURRENCY": args.workers,
        "HELPLINE_THREADS": args.threads,
        "HELPLINE_WORKER_CLASS": args.worker_class,
    }
    common = {k: str(v) for k, v in server.items() if v}
    common |= {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "REDIS_URL": redis_url,
        "HELPLINE_ENV": "test",
        "HELPLINE_OPENING_HOURS": "always",
        "HELPLINE_HOLIDAYS": "",
    }
    processes = []
    results: dict[tuple[str, str, int], dict] = {}
    samples: dict[tuple[str, str, int], list[dict]] = {}
    try:
        scripts: dict[tuple[str, str], Path] = {}
        ports = {"ours": ours_port, "bare": bare_port}
        for name, spec in (
            ("ours", "helpline:create_voice_app()"),
            ("bare", "bench.webhooks.bare_app:create_app()"),
        ):
            base = f"http://127.0.0.1:{ports[name]}"
            processes.append(start_gunicorn(spec, ports[name], {**common, "PUBLIC_URL": base}))
            routes = {
                "incoming": signed_requests(base, "/voice/incoming", caller, 3000),
                "menu step": signed_requests(
                    base,
                    # key 9 in the welcome: the English topic menu (a topic key now puts the
                    # caller straight in line, a state change, not a menu answer)
                    "/voice/step?lang=nl&step=welcome&try=1",
                    lambda sid: caller(sid, CallStatus="in-progress", Digits="9"),
                    3000,
                ),
            }
            for route, reqs in routes.items():
                script = Path(tmp) / f"{name}-{route.replace(' ', '_')}.lua"
                wrk_script(reqs, script)
                scripts[(name, route)] = script
                run_wrk(ports[name], script, 10, 3)  # warm up
        # Interleave ours and bare, several times, and keep the median: the machine drifts.
        for _ in range(args.repeat):
            for route in ("incoming", "menu step"):
                for connections in (50, 10):
                    for name in ("ours", "bare"):
                        sample = run_wrk(
                            ports[name], scripts[(name, route)], connections, args.duration
                        )
                        samples.setdefault((name, route, connections), []).append(sample)
        for key, runs in samples.items():
            runs.sort(key=lambda run: run["rps"])
            results[key] = runs[len(runs) // 2]
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        redis_server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    rows = []
    for route in ("incoming", "menu step"):
        for connections in (50, 10):
            ours, bare = (
                results[("ours", route, connections)],
                results[("bare", route, connections)],
            )
            rows.append(
                f"| {route} | {connections} | {ours['rps']:.0f} | {bare['rps']:.0f} | "
                f"{ours['rps'] / bare['rps']:.0%} | {ours['p50']:.1f} / {ours['p99']:.1f} | "
                f"{bare['p50']:.1f} / {bare['p99']:.1f} | {ours['non2xx'] + bare['non2xx']} |"
            )
    table = "\n".join(
        [
            "| route | connections | ours req/s | bare req/s | ours / bare | ours p50 / p99 ms "
            "| bare p50 / p99 ms | non-2xx |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )
    print(table)
    if args.write:
        write_section(
            Path(args.write),
            "webhooks",
            f"on this machine ({os.cpu_count()} cores), wrk -t1, {args.duration} s per "
            f"run, the median of {args.repeat} interleaved runs per row, gunicorn with "
            "`helpline.gunicorn_conf` for both apps",
            table,
        )


if __name__ == "__main__":
    main()
