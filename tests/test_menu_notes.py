"""The menu steps a caller heard are noted off the webhook's path (helpline.menu_notes): in
memory first, in Redis a moment later, and never at the cost of the call."""

from __future__ import annotations

import time

import redis

from helpline import keys
from helpline.localredis import RedisServer
from helpline.menu_notes import MenuNotes


def eventually(check, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return check()


def test_a_calls_steps_are_its_path_in_the_order_heard_once_flushed(r, redis_url):
    notes = MenuNotes(redis.Redis.from_url(redis_url))
    notes.add("CA1", "welcome", first=True)
    notes.add("CA1", "topic")
    notes.add("CA2", "welcome", first=True)
    notes.flush()
    assert r.get(keys.menu_path("CA1")) == "welcome topic "
    assert r.get(keys.menu_path("CA2")) == "welcome "
    assert 0 < r.ttl(keys.menu_path("CA1")) <= 3600
    notes.close()


def test_a_call_that_begins_again_starts_a_fresh_path(r, redis_url):
    r.set(keys.menu_path("CA1"), "left over from before ")
    notes = MenuNotes(redis.Redis.from_url(redis_url))
    notes.add("CA1", "welcome", first=True)
    notes.close()
    assert r.get(keys.menu_path("CA1")) == "welcome "


def test_the_writer_writes_without_being_asked_within_moments(r, redis_url):
    notes = MenuNotes(redis.Redis.from_url(redis_url), interval=0.01)
    notes.add("CA1", "welcome", first=True)
    assert eventually(lambda: r.get(keys.menu_path("CA1")) == "welcome ")
    notes.close()


def test_after_closing_nothing_more_is_noted(r, redis_url):
    notes = MenuNotes(redis.Redis.from_url(redis_url))
    notes.add("CA1", "welcome", first=True)
    notes.close()  # writes what was waiting
    notes.add("CA1", "topic")
    notes.flush()
    assert r.get(keys.menu_path("CA1")) == "welcome "


def test_a_redis_outage_costs_only_the_notes_made_in_it_and_the_writer_carries_on(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    client = redis.Redis(port=server.port, decode_responses=True, socket_connect_timeout=0.5)
    notes = MenuNotes(client, interval=0.01)
    try:
        server.stop()
        notes.add("CA1", "welcome", first=True)
        notes.flush()  # Redis refuses: the notes are dropped, nothing is raised
        time.sleep(0.1)  # the writer, woken by the note, met the same refusal
        server.start()  # the same port again
        notes.add("CA2", "welcome", first=True)
        assert eventually(lambda: client.get(keys.menu_path("CA2")) == "welcome ")
        assert client.get(keys.menu_path("CA1")) is None
    finally:
        notes.close()
        server.stop()
