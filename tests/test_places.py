"""The local-help directory: found by postcode, kept by hand or imported from CSV."""

from __future__ import annotations

import pytest

from helpline.places import PlaceError, Places

CSV = """name,kind,postcode,town,address,phone,website,hours
Informatiepunt Bibliotheek Utrecht,informatiepunt,3511 AB,Utrecht,Oudegracht 1,,https://ex.org,
Bibliotheek Amersfoort,bibliotheek,3811 CD,Amersfoort,Eemplein 2,,,
Tel mee met Taal Zwolle,cursus,8011 EF,Zwolle,,,,
"""


def test_places_are_found_nearest_postcode_first(r):
    places = Places(r)
    assert places.import_csv(CSV) == 3
    found = places.near("3512 XX", limit=2)
    assert [p.town for p in found] == ["Utrecht", "Amersfoort"]
    assert places.near("8000")[0].town == "Zwolle"


def test_an_import_with_a_bad_row_stores_nothing_and_names_the_row(r):
    places = Places(r)
    bad = CSV + "Zonder postcode,bibliotheek,,Ergens,,,,\n"
    with pytest.raises(PlaceError, match="Regel 5"):
        places.import_csv(bad)
    assert places.all() == []


def test_a_full_import_can_replace_the_directory(r):
    places = Places(r)
    places.add({"name": "Oud", "kind": "anders", "postcode": "1000 AA"})
    places.import_csv(CSV, replace=True)
    assert sorted(p.name for p in places.all()) == [
        "Bibliotheek Amersfoort",
        "Informatiepunt Bibliotheek Utrecht",
        "Tel mee met Taal Zwolle",
    ]
    assert all(p.name != "Oud" for p in places.near("1000"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "bibliotheek", "postcode": "1234 AB"}, "naam"),
        ({"name": "X", "kind": "kerk", "postcode": "1234 AB"}, "soort"),
        ({"name": "X", "kind": "anders", "postcode": "12345"}, "postcode"),
        ({"name": "X", "kind": "anders", "postcode": "1234", "website": "javascript:x"}, "https"),
    ],
)
def test_a_bad_place_is_refused_with_a_clear_message(r, data, message):
    with pytest.raises(PlaceError, match=message):
        Places(r).add(data)


def test_a_file_that_is_not_csv_is_refused_clearly(r):
    with pytest.raises(PlaceError):
        Places(r).import_csv("\r0")
