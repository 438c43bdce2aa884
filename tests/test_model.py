"""The typed values of the line: parties, offers and volunteers read from their hashes."""

import pytest

from helpline import keys
from helpline.model import Offer, Party, Volunteer


def test_a_party_knows_when_it_arrived_and_how_long_it_waited():
    score = keys.score(priority=1, arrival_ms=1_000_000)
    party = Party.from_hash("c:CA1", {"topic": "digid", "score": str(score), "repeat": "1"})
    assert party.arrival_ms == 1_000_000
    assert party.waited_ms(1_060_000) == 60_000
    assert party.waited_ms(900_000) == 0
    assert party.repeat and not party.is_callback and party.connected_at is None


def test_an_offer_expires_at_its_moment():
    offer = Offer.from_hash({"offer": "c:CA1", "offer_expires": "5000", "offer_widened": "1"})
    assert offer.widened and offer.member == "c:CA1"
    assert not offer.expired(4999) and offer.expired(5000)
    assert Offer.from_hash({"state": "available"}) is None


def test_a_volunteer_without_an_offer_has_none():
    volunteer = Volunteer.from_hash({"id": "anna", "skills": "digid,bank", "state": "available"})
    assert volunteer.skills == ("digid", "bank") and volunteer.languages == ()
    assert volunteer.offer is None and volunteer.offer_member == ""
    assert volunteer.current_offer(0) is None


@pytest.mark.parametrize(
    "state, now, shown",
    [
        ("offered", 4_999, True),
        ("offered", 5_000, False),  # expired: the expiry job passes it on
        ("connecting", 9_999, True),  # ringing: the offer's clock no longer counts
        ("on_call", 9_999, True),
        ("wrapup", 1_000, False),  # the offer fields are cleared then; stale ones do not count
    ],
)
def test_a_volunteer_holds_an_offer_only_while_offered_ringing_or_talking(state, now, shown):
    data = {"id": "anna", "state": state, "offer": "c:CA1", "offer_expires": "5000"}
    offer = Volunteer.from_hash(data).current_offer(now)
    assert (offer is not None) == shown
