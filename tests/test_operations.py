"""Operations: Prometheus metrics, health and readiness, structured logs without personal data,
and retention."""

from __future__ import annotations

import json
import logging
import signal
import time

from helpline import keys
from helpline.logs import ContextFilter, JsonFormatter
from tests.test_workers import start


def webhook_count(body: str) -> float:
    line = 'helpline_webhook_seconds_count{route="/voice/incoming"} '
    found = [row for row in body.splitlines() if row.startswith(line)]
    return float(found[0][len(line) :]) if found else 0.0


def test_metrics_report_waiting_callers_volunteers_and_webhook_latency(app, client, phone):
    h = app.extensions["helpline"]
    h.store.enqueue("CA1", "+31201234567", "digid", "nl", None)
    before = webhook_count(client.get("/metrics").get_data(as_text=True))
    phone.call()
    body = client.get("/metrics").get_data(as_text=True)
    assert 'helpline_waiting_callers{lang="nl",topic="digid"} 1.0' in body
    assert "helpline_longest_wait_seconds" in body
    assert webhook_count(body) == before + 1  # the histogram is per process
    assert "helpline_job_failures" in body and "helpline_events_not_counted" in body
    assert "+3120" not in body


def test_metrics_can_require_a_token(app_config, redis_url):
    from helpline import create_app
    from tests.conftest import make_config

    app = create_app(make_config(redis_url, HELPLINE_METRICS_TOKEN="s3cret"))
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200


def test_readiness_needs_redis_and_a_live_worker(client, redis_url, r):
    assert client.get("/healthz").json == {"status": "ok"}
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["workers"] == 0
    worker = start(["worker"], redis_url)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and client.get("/readyz").status_code != 200:
            time.sleep(0.2)
        response = client.get("/readyz")
        assert response.status_code == 200 and response.json["redis"] == "ok"
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def test_json_logs_carry_the_call_id_and_no_phone_number(app):
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(JsonFormatter().format(record))

    handler = Keep()
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("helpline.test")
    logger.addHandler(handler)
    try:
        with app.test_request_context(
            "/voice/incoming", method="POST", data={"CallSid": "CA42", "From": "+31612345678"}
        ):
            from flask import g

            from helpline.voice import params

            params()
            assert g.twilio_params
            logger.warning("caller waited too long")
    finally:
        logger.removeHandler(handler)
    entry = json.loads(records[0])
    assert entry["call"] == "CA42" and entry["message"] == "caller waited too long"
    assert "+3161" not in records[0]


def test_retention_leaves_no_raw_number_of_a_finished_callback_and_no_old_event(app, r):
    from workers.maintenance import purge

    h = app.extensions["helpline"]
    now = h.store.clock.now_ms()
    old = now - 91 * 86_400_000
    r.xadd(keys.EVENTS, {"type": "queued", "call": "CAold", "t": old}, id=f"{old}-0")
    r.xadd(keys.EVENTS, {"type": "queued", "call": "CAnew", "t": now})
    # a callback that was made (its number should have gone) and one never made for 91 days
    r.hset(keys.callback("done1"), mapping={"number": "+31612345678", "state": "done",
                                             "arrival": now - 3600_000})  # fmt: skip
    r.hset(keys.callback("stale"), mapping={"number": "+31687654321", "state": "waiting",
                                             "arrival": old})  # fmt: skip
    assert purge(h)["events"] == 0  # not yet counted in the reports: kept until it is
    from helpline.reports.aggregate import Aggregator

    Aggregator(h.redis, h.settings, h.store.clock).process()
    result = purge(h)
    assert result["events"] == 1 and result["numbers"] == 0  # numbers went the first time
    assert [f["call"] for _, f in r.xrange(keys.EVENTS)] == ["CAnew"]
    for key in r.scan_iter(match="*"):
        kind = r.type(key)
        dump = {
            "string": lambda k: r.get(k),
            "hash": lambda k: json.dumps(r.hgetall(k)),
            "list": lambda k: json.dumps(r.lrange(k, 0, -1)),
            "set": lambda k: json.dumps(sorted(r.smembers(k))),
            "zset": lambda k: json.dumps(r.zrange(k, 0, -1)),
            "stream": lambda k: json.dumps(r.xrange(k)),
        }[kind](key)
        assert "612345678" not in dump and "687654321" not in dump, key
