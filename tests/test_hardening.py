"""The findings of the security review, each with a test that failed on the code as it was:
API headers and body limit, trusted proxies, no lock-out of others, the password policy,
sessions that end, production refusals, closures and weeks in a sane range, and postcodes
kept out of the access log."""

from __future__ import annotations

import pytest

from helpline import keys
from tests.test_api_security import PASSWORD, people, sign_in  # noqa: F401 (fixture)

# -- API answers and bodies ---------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path", [("GET", "/api/me"), ("GET", "/api/openapi.json"), ("GET", "/api/nothing")]
)
def test_every_api_answer_is_not_stored_and_not_sniffed(client, method, path):
    response = client.open(path, method=method)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_signed_in_api_answer_is_not_stored_either(people):  # noqa: F811
    client, _ = sign_in(people, "anna")
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_ten_megabyte_password_is_refused_before_it_is_hashed(people):  # noqa: F811
    response = people.test_client().post(
        "/api/login", json={"username": "anna", "password": "x" * 10_000_000}
    )
    assert response.status_code == 413
    assert response.is_json and response.json["error"]


def test_the_csv_import_keeps_its_own_larger_limit(people):  # noqa: F811
    client, csrf = sign_in(people, "cora")
    row = "Bibliotheek,bibliotheek,1234,Utrecht," + "Lange Straat " * 6 + "1,,,\n"
    rows = "name,kind,postcode,town,address,phone,website,hours\n" + row * 4000
    assert 256 * 1024 < len(rows) < 2_000_000
    response = client.post(
        "/api/places/import",
        data=rows,
        headers={"X-CSRF-Token": csrf, "Content-Type": "text/csv"},
    )
    assert response.status_code == 200, response.json


# -- proxies and the sign-in limits -------------------------------------------------------


def wrong(client, username="anna", **headers):
    return client.post(
        "/api/login", json={"username": username, "password": "wrong-wrong-wrong"}, **headers
    )


def test_rotating_x_forwarded_for_does_not_escape_the_limit_per_address(people):  # noqa: F811
    """Without HELPLINE_TRUSTED_PROXIES (default 0) the header is not believed."""
    from helpline.accounts import FAILURES_PER_ADDRESS

    client = people.test_client()
    answers = [
        wrong(client, f"nobody{n}", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(FAILURES_PER_ADDRESS + 1)
    ]
    assert answers[:-1] == [401] * FAILURES_PER_ADDRESS
    assert answers[-1] == 429


@pytest.mark.parametrize("app_config", [{"HELPLINE_TRUSTED_PROXIES": "1"}])
def test_behind_one_trusted_proxy_its_header_names_the_client(people, app_config):  # noqa: F811
    from helpline.accounts import FAILURES_PER_ADDRESS

    client = people.test_client()
    for n in range(FAILURES_PER_ADDRESS + 1):
        response = wrong(
            client, f"nobody{n}", headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
        )
    assert response.status_code == 429  # the proxy's client, not the proxy, hit the limit
    other = wrong(client, "nobody", headers={"X-Forwarded-For": "198.51.100.8"})
    assert other.status_code == 401


def test_ipv6_addresses_count_per_64():
    from helpline.accounts import address_group

    assert address_group("2001:db8:1:2:aaaa::1") == address_group("2001:db8:1:2:ffff::9")
    assert address_group("2001:db8:1:2::1") != address_group("2001:db8:1:3::1")
    assert address_group("::ffff:192.0.2.1") == "192.0.2.1"
    assert address_group("192.0.2.1") != address_group("192.0.2.2")


def test_wrong_passwords_slow_the_account_down_but_never_lock_it(people, r):  # noqa: F811
    """Five wrong passwords used to lock the account for 15 minutes, from any address."""
    from helpline.accounts import FREE_FAILURES, delay

    assert [delay(n) for n in range(1, FREE_FAILURES + 1)] == [0] * FREE_FAILURES
    assert delay(FREE_FAILURES + 1) < delay(FREE_FAILURES + 2) < delay(FREE_FAILURES + 3)
    assert delay(100) <= 60
    for n in range(FREE_FAILURES + 2):
        wrong(people.test_client(), environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
    held = people.test_client().post("/api/login", json={"username": "anna", "password": PASSWORD})
    assert held.status_code == 429 and 0 < int(held.headers["Retry-After"]) <= 60
    # once the delay has passed, the right password works
    r.hset(keys.login_delay("anna"), "next_ms", 0)
    client = people.test_client()
    assert (
        client.post("/api/login", json={"username": "anna", "password": PASSWORD}).status_code
        == 200
    )
    assert not r.exists(keys.login_delay("anna"))


def test_a_browser_that_signed_in_before_is_not_held_by_other_addresses(people, r):  # noqa: F811
    mine, csrf = sign_in(people, "anna")  # gets the device mark
    assert mine.post("/api/logout", headers={"X-CSRF-Token": csrf}).status_code == 200
    for n in range(12):
        wrong(people.test_client(), environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    stranger = people.test_client()
    held = stranger.post("/api/login", json={"username": "anna", "password": PASSWORD})
    assert held.status_code == 429
    again = mine.post("/api/login", json={"username": "anna", "password": PASSWORD})
    assert again.status_code == 200


# -- passwords and sessions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "password, problem",
    [
        ("1234567890", "password_too_short"),
        ("kort", "password_too_short"),
        ("123456789012", "password_too_common"),
        ("password1234", "password_too_common"),
        ("wachtwoord123", "password_too_common"),
        ("qwertyuiopas", "password_too_common"),
        ("aaaaaaaaaaaaaaaa", "password_too_common"),
        ("digihulplijn2026", "password_too_common"),
        ("x" * 201, "password_too_long"),
        ("0" * 73, "password_too_common"),  # longer than zxcvbn takes: judged, not a crash
        ("0" * 72 + " fietsen in de regen", "password_too_common"),  # the start is judged
        ("Fietsen in de regen 7, " * 8, None),  # a long passphrase (184 characters)
        ("correct horse battery", None),
        ("Fietsen in de regen 7", None),
    ],
)
def test_the_password_rule(password, problem):
    from helpline.passwords import password_problem

    assert password_problem(password) == problem


def test_a_weak_password_is_refused_for_a_coordinator_too(people, r):  # noqa: F811
    from helpline.accounts import AccountError, Accounts

    for weak in ("1234567890", "123456789012", "coordinator1"):
        with pytest.raises(AccountError):
            Accounts(r).set_password("cora", weak)
    client, csrf = sign_in(people, "cora")
    response = client.post(
        "/api/people",
        json={"username": "dirk", "password": "123456789012", "role": "coordinator"},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 400
    assert not r.exists(keys.user("dirk"))


def test_a_password_a_coordinator_set_must_be_changed_at_the_next_sign_in(people, r):  # noqa: F811
    from helpline.accounts import Accounts

    cora, csrf = sign_in(people, "cora")
    temporary = cora.post("/api/people/anna/password", headers={"X-CSRF-Token": csrf}).json
    anna = people.test_client()
    login = anna.post("/api/login", json={"username": "anna", "password": temporary["password"]})
    assert login.status_code == 200
    assert login.json["user"]["must_change_password"] is True
    assert anna.get("/api/me").status_code == 200
    refused = anna.get("/api/offer")
    assert refused.status_code == 403 and "nieuw wachtwoord" in refused.json["error"]
    Accounts(r).set_password("anna", "my own new passphrase")  # what changePassword does
    again, _ = sign_in_with(people, "anna", "my own new passphrase")
    assert again.get("/api/offer").status_code == 200
    assert again.get("/api/me").json["must_change_password"] is False


def test_a_temporary_password_expires(people, r):  # noqa: F811
    from helpline.accounts import TEMPORARY_DAYS, Accounts

    Accounts(r).set_password("anna", "temporary-x7q-2kd", must_change=True)
    r.hset(keys.user("anna"), "password_set", 0)
    response = people.test_client().post(
        "/api/login", json={"username": "anna", "password": "temporary-x7q-2kd"}
    )
    assert response.status_code == 401 and TEMPORARY_DAYS == 7


def sign_in_with(app, username, password):
    client = app.test_client()
    response = client.post("/api/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.json
    return client, response.json["csrf_token"]


def test_a_session_ends_after_the_idle_time(people, r):  # noqa: F811
    client, _ = sign_in(people, "anna")
    assert client.get("/api/me").status_code == 200
    (token,) = r.smembers(keys.user_sessions("anna"))
    assert 0 < r.ttl(keys.session(token)) <= 60 * 60 + 5  # HELPLINE_SESSION_IDLE_MINUTES
    r.hincrby(keys.session(token), "seen", -(60 * 60 + 1))
    assert client.get("/api/me").status_code == 401


@pytest.mark.parametrize("app_config", [{"HELPLINE_SESSION_IDLE_MINUTES": "5"}])
def test_the_idle_time_is_a_setting(people, r, app_config):  # noqa: F811
    client, _ = sign_in(people, "anna")
    (token,) = r.smembers(keys.user_sessions("anna"))
    assert r.ttl(keys.session(token)) <= 5 * 60 + 5
    r.hincrby(keys.session(token), "seen", -(5 * 60 + 1))
    assert client.get("/api/me").status_code == 401


def test_a_session_still_ends_after_twelve_hours_of_use(people, r):  # noqa: F811
    client, _ = sign_in(people, "anna")
    (token,) = r.smembers(keys.user_sessions("anna"))
    r.hincrby(keys.session(token), "opened", -(12 * 3600 + 1))
    assert client.get("/api/me").status_code == 401


def test_sign_out_everywhere_ends_every_session_of_the_account(people, r):  # noqa: F811
    one, csrf = sign_in(people, "anna")
    two, _ = sign_in(people, "anna")
    bert, _ = sign_in(people, "bert")
    assert one.post("/api/logout-everywhere", headers={"X-CSRF-Token": csrf}).status_code == 200
    assert one.get("/api/me").status_code == 401
    assert two.get("/api/me").status_code == 401
    assert bert.get("/api/me").status_code == 200


# -- production refuses what is unsafe -----------------------------------------------------


def production(**changes) -> dict:
    from helpline import config

    env = {s.name: "s" * 32 for s in config.SETTINGS if s.required_in_production}
    env.update(
        HELPLINE_ENV="production",
        PUBLIC_URL="https://hulplijn.example.nl",
        HELPLINE_METRICS_TOKEN="m" * 32,
    )
    env.update(changes)
    return env


@pytest.mark.parametrize("name", ["SECRET_KEY", "HELPLINE_PSEUDONYM_KEY", "TWILIO_AUTH_TOKEN"])
def test_production_refuses_a_short_secret(name):
    from helpline import config

    with pytest.raises(config.ConfigError, match=name):
        config.load(production(**{name: "k"}))
    with pytest.raises(config.ConfigError, match=name):
        config.load(production(**{name: "k" * 31}))
    assert config.load(production(**{name: "k" * 32}))


def test_production_refuses_an_http_public_url():
    from helpline import config

    with pytest.raises(config.ConfigError, match="PUBLIC_URL"):
        config.load(production(PUBLIC_URL="http://hulplijn.example.nl"))


def test_production_refuses_open_metrics_unless_served_on_an_internal_address():
    from helpline import config

    with pytest.raises(config.ConfigError, match="HELPLINE_METRICS_TOKEN"):
        config.load(production(HELPLINE_METRICS_TOKEN=""))
    assert config.load(production(HELPLINE_METRICS_TOKEN="", HELPLINE_METRICS_BIND="10.0.0.5:9100"))


def test_production_with_sentinels_needs_no_redis_url():
    from helpline import config

    env = production(REDIS_SENTINELS="10.0.0.1:26379,10.0.0.2:26379")
    env.pop("REDIS_URL")
    assert config.load(env).redis_sentinels
    with pytest.raises(config.ConfigError, match="REDIS_SENTINELS"):
        config.load(production(REDIS_SENTINELS="sentinel-without-port"))


# -- bad input: a clear 4xx, never a 500 or a broken phone line -----------------------------


@pytest.mark.parametrize(
    "until", ["9999-12-31T23:59:00+00:00", "2100-01-01T00:00:00+01:00", "2000-01-01T00:00:00+01:00"]
)
def test_a_closure_outside_a_sane_range_is_refused(people, r, until):  # noqa: F811
    client, csrf = sign_in(people, "cora")
    response = client.post(
        "/api/hours/closure",
        json={"reason_nl": "Storing", "until": until},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 400, response.json
    assert "jaar" in response.json["error"]
    assert not r.hexists(keys.HOURS, "closure")


def test_a_stored_closure_until_the_year_9999_cannot_break_the_phone_menu(people, r):  # noqa: F811
    """Stored before the check existed (or by hand): read, it is an open-ended closure."""
    import json

    from tests.conftest import Phone

    r.hset(
        keys.HOURS,
        "closure",
        json.dumps(
            {"reason": {"nl": "Storing", "en": "Outage"}, "until": "9999-12-31T23:59:00+00:00"}
        ),
    )
    answer = Phone(people.test_client()).call()
    assert answer.status == 200
    assert "Storing" in answer.spoken()
    client, _ = sign_in(people, "cora")
    assert client.get("/coordinator/hours").status_code == 200
    assert client.get("/api/hours").status_code == 200


@pytest.mark.parametrize("stored", [{"weekly": "elke dag"}, {"holidays": "XX"}, {"closure": "{"}])
def test_no_stored_value_breaks_the_phone_menu(people, r, stored):  # noqa: F811
    from tests.conftest import Phone

    r.hset(keys.HOURS, mapping=stored)
    answer = Phone(people.test_client()).call()
    assert answer.status == 200 and answer.spoken()


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2200-W10"])
def test_a_week_far_away_is_refused_in_words_not_an_error(people, week):  # noqa: F811
    client, _ = sign_in(people, "cora")
    page = client.get("/coordinator/report", query_string={"week": week})
    assert page.status_code == 400
    assert "periode" in page.get_data(as_text=True).lower()
    csv = client.get("/coordinator/report/topics.csv", query_string={"week": week})
    assert csv.status_code == 400


# -- gunicorn: postcodes out of the access log, /metrics on its internal address -----------


def test_the_access_log_holds_no_postcode_and_metrics_answer_only_inside(redis_url, tmp_path):
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request
    from pathlib import Path

    from tests.conftest import free_port

    port, inside = free_port(), free_port()
    log = tmp_path / "access.log"
    env = {
        "PATH": str(Path(sys.executable).parent),
        "REDIS_URL": redis_url,
        "HELPLINE_ENV": "test",
        "HELPLINE_BIND": f"127.0.0.1:{port}",
        "HELPLINE_METRICS_BIND": f"127.0.0.1:{inside}",
        "HELPLINE_ACCESS_LOG": str(log),
        "WEB_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config",
         "python:helpline.gunicorn_conf", "helpline:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def status(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        assert status(f"http://127.0.0.1:{port}/api/places?postcode=1234AB") == 401
        assert status(f"http://127.0.0.1:{port}/metrics") == 404
        assert status(f"http://127.0.0.1:{inside}/metrics") == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    written = log.read_text()
    assert "GET /api/places HTTP/1.1" in written
    assert "1234" not in written and "postcode" not in written
