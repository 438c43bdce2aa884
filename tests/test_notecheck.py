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


@pytest.mark.parametrize(
    ("note", "kind"),
    [
        # the bypasses the security review found
        ("06,12345678", "phone"),
        ("06_12345678", "phone"),
        ("06\u201312345678", "phone"),
        ("bsn 111,222,333", "bsn"),
        ("4111,1111,1111,1111", "card"),
        ("anna[at]example.nl", "email"),
        # and their relatives
        ("06\u201412345678", "phone"),
        ("06\u221212345678", "phone"),
        ("06\u00a012345678", "phone"),
        ("06\u200b12345678", "phone"),
        ("06 , 12 34 56 78", "phone"),
        ("0 6 1 2 3 4 5 6 7 8", "phone"),
        ("+31(0)6-1234 5678", "phone"),
        ("\uff10\uff16\uff0d\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "phone"),
        ("bsn 111_222_333", "bsn"),
        ("bsn 111.222.333", "bsn"),
        ("4111_1111_1111_1111", "card"),
        ("NL91-ABNA-0417-1643-00", "iban"),
        ("anna(at)example.nl", "email"),
        ("anna [at] example [dot] nl", "email"),
        ("anna at example dot nl", "email"),
        ("anna at example.nl", "email"),
        ("anna@example", "email"),
        ("anna @ example.nl", "email"),
        ("anna\uff20example.nl", "email"),
    ],
)
def test_personal_details_written_to_slip_past_are_refused(note, kind):
    assert kind in problems(note)


@pytest.mark.parametrize(
    "note",
    [
        "Afspraak op 12-03-2026 om 14:30 bij het Informatiepunt",
        "Terugbellen 3/4 rond 10.30 uur",
        "Datum 2026-11-30, tijd 09:15",
        "Kosten \u20ac 1.234,56 voor de cursus, daarna \u20ac 12,50 per maand",
        "Bedrag 250,00 euro teruggeboekt",
        "Postcode 1234 AB, bibliotheek om de hoek",
        "Postcodes 3511 en 3512 gebeld",
        "Windows 11 versie 23H2, build 22631.2861",
        "Belde at 10.30 about the app",
        "called at 14:30, will call back at 15:00",
        "DigiD app versie 6.2.1 op iOS 17",
        "3 keer geprobeerd, 2 keer mislukt",
    ],
)
def test_dates_times_amounts_and_postcodes_are_accepted(note):
    assert problems(note) == []
