"""The browser phone: call the simulated helpline from a web page, several callers at once.

Each open page is a *tab* with an id of its own, and follows its calls through one event
stream (``/api/tabs/<id>/events``) while any of them runs. A tab's calls live as long as the
tab does: the page hangs them up when it goes away (``pagehide`` sends a beacon to
``/api/tabs/<id>/close``), and when a tab vanishes without a word (a crash, a lost network)
its stream breaks, and its calls are hung up here once it has not come back for
``tab_timeout`` seconds. So no ghost caller stays in the line. A page opened later lists the
calls still running and can take one over or hang it up."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, Response, abort, jsonify, render_template, request, stream_with_context

from twilio_sim.legs import Leg
from twilio_sim.people import Answer, InteractiveCaller
from twilio_sim.simulator import Simulator

TAB_TIMEOUT = 5.0  # wall seconds without a stream after which a tab's calls are hung up
STREAM_STEP = 0.2  # seconds between two looks at a tab's calls (what a caller waits for echo)
KEEPALIVE = 1.0  # a write this often notices a page that went away
SHOWN = {
    "say",
    "play",
    "pause",
    "gather",
    "input",
    "pressed",
    "spoke",
    "barge-in",
    "enqueued",
    "queue-result",
    "status",
    "app-error",
    "hangup",
    "dial",
    "bridged",
    "conference-join",
    "conference-leave",
}
FIELDS = (
    "t",
    "kind",
    "text",
    "language",
    "digits",
    "speech",
    "heard",
    "echo",
    "result",
    "url",
    "status",
    "queue",
    "seconds",
    "code",
    "prompt",
    "after",
)


@dataclass
class Tab:
    """One open browser phone page."""

    id: str
    seen: float = field(default_factory=time.monotonic)
    calls: list[str] = field(default_factory=list)
    streams: int = 0  # open event streams (a page reconnecting may briefly hold two)


def talking(leg: Leg) -> bool:
    """Whether the caller is connected to someone: bridged, or in a started conference."""
    bridge = leg.bridge
    if bridge is not None and not bridge.ended.is_set():
        return True
    conference = leg.conference
    return bool(
        conference is not None
        and conference.status == "in-progress"
        and len(conference.participants) >= 2
    )


class Tabs:
    """The open pages and their calls; hangs up the calls of a page that went away."""

    def __init__(self, sim: Simulator, timeout: float):
        self.sim = sim
        self.timeout = timeout
        self.lock = threading.Lock()
        self.tabs: dict[str, Tab] = {}
        self.owner: dict[str, str] = {}  # call sid -> tab id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True, name="phone-tabs")
        self.thread.start()

    def streaming(self, tab_id: str, change: int) -> None:
        """A stream of the tab opened (+1) or closed (-1)."""
        with self.lock:
            tab = self.tabs.setdefault(tab_id, Tab(tab_id))
            tab.streams += change
            tab.seen = time.monotonic()

    def calls_of(self, tab_id: str) -> list[str] | None:
        """The tab's calls (None once the tab is closed), noting that it is still there."""
        with self.lock:
            tab = self.tabs.get(tab_id)
            if tab is None:
                return None
            tab.seen = time.monotonic()
            return list(tab.calls)

    def own(self, tab_id: str, leg: Leg) -> None:
        """The call belongs to this tab (a new call, or one taken over from another)."""
        with self.lock:
            previous = self.owner.get(leg.sid)
            if previous in self.tabs and leg.sid in self.tabs[previous].calls:
                self.tabs[previous].calls.remove(leg.sid)
            tab = self.tabs.setdefault(tab_id, Tab(tab_id))
            tab.seen = time.monotonic()
            tab.calls.append(leg.sid)
            self.owner[leg.sid] = tab_id

    def alive(self, tab_id: str | None) -> bool:
        with self.lock:
            tab = self.tabs.get(tab_id or "")
            return tab is not None and (tab.streams > 0 or self._recent(tab, time.monotonic()))

    def _recent(self, tab: Tab, now: float) -> bool:
        return now - tab.seen < self.timeout

    def close(self, tab_id: str, reason: str) -> int:
        """Hang up every running call of the tab; how many."""
        with self.lock:
            tab = self.tabs.pop(tab_id, None)
            sids = list(tab.calls) if tab else []
            for call_sid in sids:
                self.owner.pop(call_sid, None)
        ended = 0
        for call_sid in sids:
            leg = self.sim.calls.get(call_sid)
            if leg is not None and not leg.done.is_set():
                leg.record("phone-closed", reason=reason)
                self.sim.hang_up(leg)
                ended += 1
        return ended

    def _watch(self) -> None:
        while not self.stop.wait(1.0):
            now = time.monotonic()
            with self.lock:
                gone = [
                    t.id for t in self.tabs.values() if not t.streams and not self._recent(t, now)
                ]
            for tab_id in gone:
                self.close(tab_id, "page gone")


def create_phone_app(sim: Simulator, *, tab_timeout: float = TAB_TIMEOUT) -> Flask:
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config["JSON_SORT_KEYS"] = False
    numbers = (f"+3120{n:07d}" for n in itertools.count(1234567))
    calls: dict[str, Leg] = {}
    tabs = Tabs(sim, tab_timeout)
    app.extensions["phone_tabs"] = tabs

    def leg_or_404(call_sid: str) -> Leg:
        leg = calls.get(call_sid)
        if leg is None:
            abort(404)
        return leg

    def body() -> dict:
        return request.get_json(silent=True, force=True) or {}

    def tab_id() -> str:
        value = str(body().get("tab") or request.args.get("tab") or "")[:64]
        if not value:
            abort(400)
        return value

    def summary(leg: Leg) -> dict:
        return {
            "sid": leg.sid,
            "from": leg.from_,
            "status": leg.status,
            "ended": leg.done.is_set(),
            "talking": talking(leg),
        }

    @app.get("/")
    def page():
        return render_template("phone.html", helpline_number=sim.number)

    @app.get("/api/calls")
    def running():
        """The calls still running, with whether a page still looks after each."""
        found = []
        for leg in sorted(calls.values(), key=lambda leg: leg.created):
            if leg.done.is_set():
                continue
            found.append({**summary(leg), "tab_open": tabs.alive(tabs.owner.get(leg.sid))})
        return jsonify({"calls": found})

    @app.post("/api/calls")
    def place():
        tab = tab_id()
        number = body().get("from") or next(numbers)
        leg = sim.place_call(InteractiveCaller(number))
        calls[leg.sid] = leg
        tabs.own(tab, leg)
        return jsonify({"sid": leg.sid, "from": number}), 201

    def snapshot(leg: Leg, since: int) -> dict:
        """The call now, with the transcript entries the page shows from index ``since``."""
        transcript = leg.transcript[since:]
        entries = [
            {"i": since + index, **{k: v for k, v in e.items() if k in FIELDS}}
            for index, e in enumerate(transcript)
            if e["kind"] in SHOWN
        ]
        with sim.lock:
            queue = leg.queue
            position = queue.members.index(leg) + 1 if queue and leg in queue.members else None
        return {
            **summary(leg),
            "next": since + len(transcript),
            "queue": queue.name if queue else None,
            "position": position,
            "entries": entries,
        }

    @app.get("/api/calls/<call_sid>")
    def state(call_sid):
        since = max(0, request.args.get("since", 0, type=int))
        return jsonify(snapshot(leg_or_404(call_sid), since))

    @app.get("/api/tabs/<tab>/events")
    def events(tab):
        """The tab's calls as they change (Server-Sent Events); while it is open the tab is
        there, and a page that goes away breaks it at the next write."""
        tab_id = tab[:64]
        for call_sid in request.args.get("calls", "").split(",")[:20]:
            leg = calls.get(call_sid)  # the page's calls: back with it after a long break
            if leg is not None and call_sid not in (tabs.calls_of(tab_id) or ()):
                tabs.own(tab_id, leg)

        def stream():
            tabs.streaming(tab_id, +1)
            sent: dict[str, tuple] = {}  # call sid -> what the page was last told
            quiet_since = time.monotonic()
            try:
                yield "retry: 1000\n\n"
                while True:
                    sids = tabs.calls_of(tab_id)
                    if sids is None:
                        return  # the page closed the tab
                    for call_sid in sids:
                        leg = calls.get(call_sid)
                        if leg is None:
                            continue
                        before = sent.get(call_sid, (0,))
                        state = snapshot(leg, before[0])
                        now = (state["next"], state["status"], state["ended"], state["talking"],
                               state["position"])  # fmt: skip
                        if now != before:
                            sent[call_sid] = now
                            quiet_since = time.monotonic()
                            yield f"data: {json.dumps(state)}\n\n"
                    if time.monotonic() - quiet_since >= KEEPALIVE:
                        quiet_since = time.monotonic()
                        yield ": still there\n\n"
                    time.sleep(STREAM_STEP)
            finally:
                tabs.streaming(tab_id, -1)

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return Response(
            stream_with_context(stream()), mimetype="text/event-stream", headers=headers
        )

    def live(call_sid: str, answer: Answer):
        leg = leg_or_404(call_sid)
        echo = str(body().get("echo") or "")[:40]
        heard = leg.hear(answer, echo=echo)
        return jsonify({"ok": True, "heard": heard})

    @app.post("/api/calls/<call_sid>/keys")
    def keys(call_sid):
        digits = "".join(c for c in str(body().get("digits", "")) if c in "0123456789*#")[:20]
        if not digits:
            return jsonify({"error": "Geen toetsen ontvangen."}), 400
        return live(call_sid, Answer(digits=digits, live=True))

    @app.post("/api/calls/<call_sid>/speech")
    def speech(call_sid):
        words = str(body().get("words", "")).strip()[:200]
        if not words:
            return jsonify({"error": "Typ eerst wat u wilt zeggen."}), 400
        return live(call_sid, Answer(speech=words, live=True))

    @app.post("/api/calls/<call_sid>/hangup")
    def hangup(call_sid):
        sim.hang_up(leg_or_404(call_sid))
        return jsonify({"ok": True})

    @app.post("/api/calls/<call_sid>/adopt")
    def adopt(call_sid):
        """Take over a running call (from a page that was closed or reloaded)."""
        leg = leg_or_404(call_sid)
        tabs.own(tab_id(), leg)
        return jsonify(summary(leg))

    @app.post("/api/tabs/<tab>/close")
    def close(tab):
        """The page goes away (``pagehide``, by ``navigator.sendBeacon``): hang up its calls."""
        return jsonify({"ended": tabs.close(tab[:64], "page closed")})

    return app
