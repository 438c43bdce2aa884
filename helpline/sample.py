"""The demo's sample data, so that every report, chart and finding has something to show from
the first minute: eight weeks of made-up calls (office hours on weekdays, a little on
Saturdays), a local-help directory of a dozen places, and one old callback request.

The history is ordinary: callers about each topic, waits, talk, wrap-ups, referrals, regions.
Its last week holds one of each problem the bottleneck report looks for (a sub-topic coming up
far more than usual, callers ringing back about their bank, a weekday hour with too few
hands, password callers giving up, long waits for device questions, a callback not made).
Everything is labelled: ``keys.SAMPLE`` says it is there, the pages say so, and every place's
name ends in "(voorbeeld)"."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from datetime import time as dt_time

from helpline import keys
from helpline.places import Places
from helpline.reports.erlang import agents_needed
from helpline.reports.history import ZONE, History

WEEKS = 8
SEED = 13  # the same made-up history every time
HOURLY = {9: 4, 10: 7, 11: 7, 12: 4, 13: 5, 14: 6, 15: 5, 16: 3}  # weekday calls an hour
SATURDAY = {10: 2, 11: 2, 12: 1}
TOPICS = {"device": 27, "password": 20, "digid": 25, "bank": 20, "general": 8}
SUBTOPICS = {
    "device": {"setup": 3, "updates": 3, "apps": 3, "email": 2, "wifi": 2},
    "password": {"forgotten": 5, "reset_mail": 2, "manager": 1, "locked": 2},
    "digid": {"app_activate": 7, "sms_code": 2, "activation_letter": 5, "authorise": 3,
              "login": 3},
    "bank": {"app_install": 3, "login": 4, "payment": 2, "fraud": 1},
    "general": {"government": 3, "health": 2, "other": 2},
}  # fmt: skip
NOTES = {
    "setup": "nieuwe telefoon ingesteld",
    "updates": "update uitgelegd",
    "apps": "app gevonden in de winkel",
    "email": "mail weer binnen",
    "wifi": "wifi opnieuw verbonden",
    "forgotten": "wachtwoord hersteld",
    "reset_mail": "herstelmail in de spam",
    "manager": "wachtwoordkluis uitgelegd",
    "locked": "account ontgrendeld",
    "app_activate": "app geactiveerd",
    "sms_code": "sms-code kwam wel aan",
    "activation_letter": "brief aangevraagd",
    "authorise": "machtigen uitgelegd",
    "login": "weer ingelogd",
    "app_install": "bankapp geinstalleerd",
    "payment": "betaling gelukt",
    "fraud": "verwezen naar de bank",
    "government": "juiste loket gevonden",
    "health": "zorgverzekeraar gebeld",
    "other": "samen opgezocht",
}
REFERRALS = {"": 10, "bank": 20, "insurer": 5, "municipality_library": 20, "tv_advert": 15,
             "acquaintance": 25, "other": 5}  # fmt: skip
# area codes of landlines (mobile numbers say nothing about where someone lives)
REGIONS = {"mobile": 40, "020": 10, "010": 8, "070": 7, "030": 6, "040": 5, "050": 4, "024": 4,
           "026": 4, "043": 3, "058": 3, "038": 3, "073": 3}  # fmt: skip
OUTCOMES = {"solved": 60, "partly": 15, "not_solved": 5, "referred": 20}
LOCAL_HELP = {"place": 5, "course": 3, "organisation": 2}
WRAPUP_SECONDS = 120

PLACES = [
    # name, kind, postcode, town, address, website, hours
    ("Informatiepunt Digitale Overheid, OBA Oosterdok", "informatiepunt", "1011 DL",
     "Amsterdam", "Oosterdokskade 143", "https://www.oba.nl", "ma-zo 10:00-20:00"),
    ("Informatiepunt Digitale Overheid, Bibliotheek Rotterdam", "informatiepunt", "3011 AD",
     "Rotterdam", "Hoogstraat 110", "https://www.bibliotheek.rotterdam.nl",
     "ma-vr 10:00-17:00"),
    ("Informatiepunt Digitale Overheid, Bibliotheek Neude", "informatiepunt", "3512 JE",
     "Utrecht", "Neude 11", "https://www.bibliotheekutrecht.nl", "di-za 10:00-17:00"),
    ("Centrale Bibliotheek Den Haag", "bibliotheek", "2511 BT", "Den Haag", "Spui 68",
     "https://www.bibliotheekdenhaag.nl", "ma-za 10:00-18:00"),
    ("Klik & Tik-inloop, Bibliotheek Eindhoven", "cursus", "5611 AZ", "Eindhoven",
     "Emmasingel 22", "https://www.klikentik.nl", "wo 13:30-15:30"),
    ("Cursus Digisterker, Forum Groningen", "cursus", "9712 KN", "Groningen", "Nieuwe Markt 1",
     "https://www.digisterker.nl", "do 10:00-12:00"),
    ("SeniorWeb Leercentrum Zwolle", "cursus", "8011 CW", "Zwolle", "Diezerstraat 80",
     "https://www.seniorweb.nl", "di en do 14:00-16:00"),
    ("Informatiepunt Digitale Overheid, Rozet Arnhem", "informatiepunt", "6811 EP", "Arnhem",
     "Kortestraat 16", "https://www.rozet.nl", "ma-vr 10:00-17:00"),
    ("Bibliotheek Centre Céramique", "bibliotheek", "6221 KV", "Maastricht",
     "Avenue Céramique 50", "https://www.centreceramique.nl", "di-zo 10:00-17:00"),
    ("Informatiepunt Digitale Overheid, DBieb Leeuwarden", "informatiepunt", "8911 CE",
     "Leeuwarden", "Wirdumerdijk 34", "https://www.dbieb.nl", "ma-vr 13:00-17:00"),
    ("Digitaal Café, buurthuis De Kleine Wereld", "anders", "2011 VE", "Haarlem",
     "Nieuwe Groenmarkt 22", "", "vr 10:00-12:00"),
    ("Helpdesk DigiD", "helpdesk", "2595 AN", "Den Haag", "Wilhelmina van Pruisenweg 52",
     "https://www.digid.nl", "ma-vr 08:00-22:00"),
]  # fmt: skip


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson count (Knuth's method: the means here are small)."""
    limit, count, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


class SampleHistory:
    """Eight weeks of calls up to ``now_ms``, with one of each problem in the last week."""

    def __init__(self, r, now_ms: int, places: list[str], settings):
        self.history = History(r, now_ms)
        self.rng = random.Random(SEED)
        self.places = places
        self.settings = settings
        self.now = now_ms
        self.today = datetime.fromtimestamp(now_ms / 1000, ZONE).date()
        self.callers = 0
        self.this_week = 0

    def moment(self, days_back: int, hour: int, minute: float = 0) -> int:
        day = self.today - timedelta(days=days_back)
        start = datetime.combine(day, dt_time(hour), tzinfo=ZONE)
        return int(start.timestamp() * 1000 + minute * 60_000)

    def call(self, t: int, topic: str, *, recent: bool, **overrides) -> None:
        """One made-up call at ``t``: what happens to it depends on its topic and on whether
        it falls in the last week (where the problems are)."""
        if t >= self.now:
            return
        rng = self.rng
        subtopic = _pick(rng, SUBTOPICS[topic])
        outcome = _pick(rng, OUTCOMES)
        local_help = _pick(rng, LOCAL_HELP) if outcome == "referred" else ""
        wait = rng.uniform(10, 100)
        give_up = 0.04
        if recent and topic == "device":
            wait = rng.uniform(150, 420)  # too few device volunteers this week
        if recent and topic == "password":
            give_up = 0.3
        self.callers += 1
        values = {
            "lang": "en" if rng.random() < 0.05 else "nl",
            "referral": _pick(rng, REFERRALS),
            "region": _pick(rng, REGIONS),
            "caller": f"voorbeeld{self.callers:08d}",
            "wait_s": round(wait),
            "abandoned": rng.random() < give_up,
            "talk_s": round(rng.uniform(180, 720)),
            "outcome": outcome,
            "subtopic": subtopic,
            "note": NOTES[subtopic],
            "local_help": local_help,
            "place": rng.choice(self.places) if local_help == "place" and self.places else "",
            **overrides,
        }
        self.history.call(t, topic, **values)
        self.this_week += self.history.week_of(t) == self.history.week_of(self.now)

    def ordinary(self) -> None:
        for back in range(WEEKS * 7, -1, -1):
            day = self.today - timedelta(days=back)
            hourly = HOURLY if day.weekday() < 5 else SATURDAY if day.weekday() == 5 else {}
            for hour, mean in hourly.items():
                for _ in range(_poisson(self.rng, mean)):
                    t = self.moment(back, hour, self.rng.uniform(0, 59))
                    self.call(t, _pick(self.rng, TOPICS), recent=back < 7)
                if self.moment(back, hour) < self.now:
                    self.duty(self.moment(back, hour, 30), mean)

    def duty(self, t: int, calls_an_hour: float) -> None:
        """Enough volunteers on duty for each skill in this hour (the capacity rule finds
        the one hour that has too few)."""
        handle = 450 + WRAPUP_SECONDS
        total = sum(TOPICS.values())
        for topic, share in TOPICS.items():
            rate = calls_an_hour * share / total
            needed = agents_needed(rate, handle, self.settings.service_level_target,
                                   self.settings.service_level_seconds)  # fmt: skip
            self.history.duty(t, topic, 60 * (needed + 1))

    def problems(self) -> None:
        rng = self.rng
        for n in range(24):  # the sms code does not arrive: far more than usual this week
            t = self.moment(n % 6, 9 + n % 8, rng.uniform(0, 59))
            self.call(t, "digid", recent=True, subtopic="sms_code", recurring=n % 2 == 0,
                      note="SMS-code komt niet aan na update van de telefoon")  # fmt: skip
        for n in range(5):  # the same callers about their bank, twice within two weeks
            caller = f"voorbeeldterug{n:04d}"
            for back in (8, 2):
                self.call(self.moment(back, 10 + n), "bank", recent=back < 7, caller=caller)
        for week in range(4):  # one weekday hour, four weeks running: DigiD, one volunteer
            busy = self.moment(7 * week + 1, 10)
            for n in range(20):
                self.call(busy + n * 170_000, "digid", recent=week == 0, wait_s=40)
            self.history.duty(busy, "digid", 60)
        if self.this_week < 3:  # early in a week: a few calls so this week's pages have some
            for minutes in (20, 45, 70):
                self.call(self.now - minutes * 60_000, _pick(rng, TOPICS), recent=True)


def add_sample(h, *, now_ms: int | None = None) -> dict:
    """Write the sample data into the helpline's Redis (once: ``keys.SAMPLE`` marks it);
    what was added."""
    if h.redis.exists(keys.SAMPLE):
        return json.loads(h.redis.get(keys.SAMPLE))
    now_ms = now_ms or h.store.clock.now_ms()
    places = Places(h.redis)
    ids = []
    for name, kind, postcode, town, address, website, opening in PLACES:
        place = places.add(
            {
                "name": f"{name} (voorbeeld)",
                "kind": kind,
                "postcode": postcode,
                "town": town,
                "address": address,
                "website": website,
                "hours": opening,
            }
        )
        ids.append(place.id)
    sample = SampleHistory(h.redis, now_ms, ids, h.settings)
    sample.ordinary()
    sample.problems()
    events = sample.history.write()
    _late_callback(h, now_ms)
    added = {"weeks": WEEKS, "calls": sample.callers, "events": events, "places": len(ids),
             "made_at": now_ms}  # fmt: skip
    h.redis.set(keys.SAMPLE, json.dumps(added))
    return added


def _late_callback(h, now_ms: int) -> None:
    """A callback asked for two days ago and not made yet (due in a month, so that nobody is
    offered this made-up caller while the demo runs)."""
    member = keys.callback_member("voorbeeld")
    arrival = now_ms - 2 * 86_400_000
    line = keys.waiting("bank", "nl")
    h.redis.hset(
        keys.party(member),
        mapping={
            "id": "voorbeeld", "call": "CAvoorbeeld", "number": "+31201234999", "topic": "bank",
            "lang": "nl", "arrival": arrival, "requested_at": arrival,
            "due_at": now_ms + 30 * 86_400_000, "status": "pending", "state": "waiting",
            "attempts": 0, "caller": "voorbeeldterugbel", "region": "020", "referral": "bank",
            "reason": "asked", "line": line, "score": arrival,
        },
    )  # fmt: skip
    h.redis.zadd(keys.SCHEDULED_CALLBACKS, {member: now_ms + 30 * 86_400_000})
