"""The local-help directory: Informatiepunten Digitale Overheid, libraries, courses and other
places a volunteer can refer a caller to, found by postcode. Coordinators keep it up to date
by hand or import it from CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import secrets
from dataclasses import asdict, dataclass

import redis

from helpline import keys
from helpline.scripts import Scripts
from helpline.texts import Refusal

KINDS = ("informatiepunt", "bibliotheek", "cursus", "helpdesk", "anders")
FIELDS = ("name", "kind", "postcode", "town", "address", "phone", "website", "hours")
POSTCODE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})?\s*$")
MAX_IMPORT = 5000


class PlaceError(Refusal):
    """A bad directory entry: a message id and its values, fit to show."""


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str
    postcode: str
    town: str = ""
    address: str = ""
    phone: str = ""
    website: str = ""
    hours: str = ""

    @property
    def area(self) -> int:
        return int(self.postcode[:4])


def postcode_area(text: str) -> int | None:
    match = POSTCODE.match(text or "")
    return int(match.group(1)) if match else None


def _clean(data: dict, place_id: str | None = None) -> Place:
    values = {f: str(data.get(f) or "").strip()[:200] for f in FIELDS}
    if not values["name"]:
        raise PlaceError("place_name_missing")
    if values["kind"] not in KINDS:
        raise PlaceError("place_kind_unknown", kinds=", ".join(KINDS))
    match = POSTCODE.match(values["postcode"])
    if not match:
        raise PlaceError("postcode_invalid")
    values["postcode"] = f"{match.group(1)} {(match.group(2) or '').upper()}".strip()
    website = values["website"]
    if website and not re.match(r"^https?://[^\s]+$", website):
        raise PlaceError("website_invalid")
    return Place(id=place_id or secrets.token_hex(6), **values)


class Places:
    def __init__(self, client: redis.Redis):
        self.redis = client
        self.scripts = Scripts.of(client)

    def _put(self, places: list[Place], *, replace: bool = False) -> None:
        self.scripts.places_put(
            [keys.PLACES, keys.PLACES_BY_POSTCODE],
            places=[[place.id, json.dumps(asdict(place)), place.area] for place in places],
            replace=replace,
        )

    def add(self, data: dict) -> Place:
        place = _clean(data)
        self._put([place])
        return place

    def update(self, place_id: str, data: dict) -> Place:
        if not self.redis.hexists(keys.PLACES, place_id):
            raise KeyError(place_id)
        place = _clean(data, place_id)
        self._put([place])
        return place

    def delete(self, place_id: str) -> bool:
        return bool(self.scripts.places_delete([keys.PLACES, keys.PLACES_BY_POSTCODE], id=place_id))

    def get(self, place_id: str) -> Place | None:
        raw = self.redis.hget(keys.PLACES, place_id)
        return Place(**json.loads(raw)) if raw else None

    def all(self) -> list[Place]:
        places = [Place(**json.loads(v)) for v in self.redis.hgetall(keys.PLACES).values()]
        return sorted(places, key=lambda p: (p.postcode, p.name))

    def near(self, postcode: str, limit: int = 5) -> list[Place]:
        """The places whose postcode area is nearest (Dutch postcodes are numbered by region, so
        nearby numbers are nearby places)."""
        area = postcode_area(postcode)
        if area is None:
            raise PlaceError("postcode_invalid")
        found: list[tuple[int, str]] = []
        for width in (0, 9, 49, 199, 9999):
            ids = self.redis.zrangebyscore(
                keys.PLACES_BY_POSTCODE, area - width, area + width, withscores=True
            )
            found = [(abs(int(score) - area), pid) for pid, score in ids]
            if len(found) >= limit:
                break
        found.sort()
        raws = self.redis.hmget(keys.PLACES, [pid for _, pid in found[:limit]]) if found else []
        return [Place(**json.loads(raw)) for raw in raws if raw]

    def find(self, *, area: str = "", town: str = "", kind: str = "", most: int = 5) -> list[Place]:
        """Local help by the four digits of a postcode (nearest first) or by town (its name or
        the start of it), of one kind or any."""
        wanted = " ".join(town.split()).casefold()
        if wanted:
            found = [p for p in self.all() if p.town.casefold().startswith(wanted)]
        elif re.fullmatch(r"\d{4}", area or ""):
            found = self.near(area, limit=most * 10 if kind else most)
        else:
            raise PlaceError("area_invalid")
        return [p for p in found if not kind or p.kind == kind][:most]

    def import_csv(self, text: str, *, replace: bool = False) -> int:
        """Import rows with the columns of FIELDS (a header row first). All rows are checked
        before anything is stored: one bad row stores nothing and names the row."""
        try:
            return self._import(text, replace)
        except csv.Error as exc:
            raise PlaceError("csv_unreadable", detail=str(exc)) from None

    def _import(self, text: str, replace: bool) -> int:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        if not reader.fieldnames or not {"name", "kind", "postcode"} <= set(reader.fieldnames):
            raise PlaceError("csv_columns", columns="name, kind, postcode, ...")
        places = []
        for number, row in enumerate(reader, start=2):
            if len(places) >= MAX_IMPORT:
                raise PlaceError("csv_too_long", most=MAX_IMPORT)
            try:
                places.append(_clean(row))
            except PlaceError as exc:
                raise PlaceError("csv_line", line=number, problem=exc) from None
        if not places:
            raise PlaceError("csv_empty")
        self._put(places, replace=replace)
        return len(places)
