"""The wrap-up note check: personal details are refused, ordinary notes pass."""

from __future__ import annotations

import pytest

from helpline.notecheck import problems


@pytest.mark.parametrize(
    "note",
    [
        "",
        "DigiD app opnieuw geactiveerd, versie 6.2.1",
        "Brief met activeringscode kwam niet aan; na 3 dagen opnieuw aangevraagd.",
        "Belde om 14:30, wacht op de bank. Windows 11 update hielp.",
        "Sms-code kwam binnen na 5 minuten",
        "Bank app ING: inloggen lukte na herinstallatie",
        "Postcode 1234 gebruikt voor de bibliotheek",
        "Afspraak op 12-03-2026 bij het Informatiepunt",
    ],
)
def test_ordinary_notes_pass(note):
    assert problems(note) == []


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        ("NL91ABNA0417164300", "iban"),
        ("rekening nl91 abna 0417 1643 00 geblokkeerd", "iban"),
        ("BE68 5390 0754 7034", "iban"),
        ("4111 1111 1111 1111", "card"),
        ("pas 5500-0000-0000-0004 kwijt", "card"),
        ("bsn 111222333", "bsn"),
        ("06-12345678", "phone"),
        ("bel 0612345678 terug", "phone"),
        ("+31 6 1234 5678", "phone"),
        ("020 123 4567", "phone"),
        ("0031612345678", "phone"),
        ("mail: piet@voorbeeld.nl", "email"),
        ("tel 0612345678 06 87654321", "phone"),
        ("bel 06-12345678 / 020-1234567", "phone"),
        ("bsn 111222333 0612345678", "bsn"),
        ("bsn 111222333 0612345678", "phone"),
        ("AB12 en DE89 3704 0044 0532 0130 00", "iban"),
        ("\uff10\uff16\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "phone"),
    ],
)
def test_personal_details_are_refused_by_kind(note, kind):
    assert kind in problems(note)


def test_an_iban_with_wrong_check_digits_is_not_taken_for_one():
    assert "iban" not in problems("NL00ABNA0417164300")


def test_a_note_longer_than_500_characters_is_refused():
    assert problems("a" * 501) == ["too_long"]
