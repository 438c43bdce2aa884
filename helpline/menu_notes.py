"""The menu steps a caller heard, written to Redis in batches off the webhook's path.

The reports count where callers give up in the menu (issue 16), so every menu step presented
is noted against the call. Writing each note as it happens cost a Redis round trip on every
menu webhook, the hottest path of the line (issue 12's benchmark: throughput fell from about
80% to under 60% of a bare Flask endpoint). Here a webhook only appends to a list in memory;
a background thread writes what gathered, one script (``lua/menu_notes.lua``) for many
calls, a few milliseconds later. The notes are best effort (the caller hears the menu
whether or not they are written).

Order: the two scripts that read a call's path (joining the line, the call's end) call
``flush()`` first, which writes this process's waiting notes and waits for a write in
progress. A note made in another web process is written within ``interval`` seconds, long
before a caller can have heard the step's prompt and answered it.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from functools import cached_property

import redis

from helpline import keys
from helpline.scripts import Scripts

log = logging.getLogger(__name__)

MENU_PATH_TTL = 3600  # a call is not in the menu for an hour
BATCH = 500


class MenuNotes:
    def __init__(self, client: redis.Redis, interval: float = 0.05):
        self.redis = client
        self.interval = interval
        self._pending: list[tuple[str, str, bool]] = []
        self._lock = threading.Lock()  # guards _pending and _pid
        self._writing = threading.Lock()  # held while a batch is on its way to Redis
        self._wake = threading.Event()
        self._pid: int | None = None  # the process whose thread writes (a fork needs its own)
        self._closed = False

    @cached_property
    def scripts(self) -> Scripts:
        return Scripts.of(self.redis)

    def add(self, sid: str, step: str, *, first: bool = False) -> None:
        """Note that the call ``sid`` was presented ``step`` (written shortly after);
        ``first``: the call's first step (its path starts afresh, one command instead of
        two)."""
        if not sid or not step or self._closed:
            return
        with self._lock:
            if self._pid != os.getpid():  # first note in this process: start its writer
                self._pid = os.getpid()
                self._pending = []  # a parent's notes are its own to write
                threading.Thread(target=self._run, name="menu-notes", daemon=True).start()
                atexit.register(self.flush)
            self._pending.append((sid, step, first))
        self._wake.set()

    def flush(self) -> None:
        """Write every note made so far in this process; return once they are in Redis (or
        Redis could not take them)."""
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                for start in range(0, len(batch), BATCH):  # a few hundred a script at most
                    part = batch[start : start + BATCH]
                    self.scripts.menu_notes(
                        [keys.menu_path(sid) for sid, _, _ in part],
                        steps=[step for _, step, _ in part],
                        first=[first for _, _, first in part],
                        ttl=MENU_PATH_TTL,
                    )
            except Exception as exc:  # noqa: BLE001 (only for the reports: the menu and the
                # script that called flush() work without them, whatever went wrong)
                log.warning("menu steps not noted (%d): %s", len(batch), type(exc).__name__)

    def close(self) -> None:
        """Write what is waiting and stop the writer (an app's end; a test's end, before the
        next test empties Redis)."""
        self._closed = True
        self.flush()
        self._wake.set()

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait()
            self._wake.clear()
            time.sleep(self.interval)  # let more notes gather
            self.flush()  # never raises
