"""The API's error messages in the dashboard's language (the ``hl_lang`` cookie; Dutch first).

Messages are raised in one language (Dutch for the dashboard, English where the command line
shares the code); each pattern below gives the Dutch and the English wording, so a message
reads right whichever language the person chose.
"""

from __future__ import annotations

import re

from flask import request

# (pattern of the message as raised, Dutch, English); {0}, {1} are the pattern's groups.
TABLE: list[tuple[str, str, str]] = [
    (r"A password needs at least 10 characters\.", "Een wachtwoord heeft minstens 10 tekens.",
     "A password needs at least 10 characters."),
    (r"A username has 2 to 40 .*", "Een gebruikersnaam heeft 2 tot 40 kleine letters, cijfers, "
     "punten, streepjes of liggende streepjes.",
     "A username has 2 to 40 lower-case letters, digits, . _ or -."),
    (r"The account (.+) already exists\.", "Het account {0} bestaat al.",
     "The account {0} already exists."),
    (r"The role must be one of: (.+)\.", "Kies een rol: {0}.", "The role must be one of: {0}."),
    (r"Unknown skills or languages: (.+)\.", "Onbekende onderwerpen of talen: {0}.",
     "Unknown skills or languages: {0}."),
    (r"Use the international format .*", "Schrijf het telefoonnummer internationaal, zoals "
     "+31612345678.", "Write the phone number in the international format: +31612345678."),
    (r"disabled must be true or false\.", "Uitgezet is ja of nee (true of false).",
     "disabled must be true or false."),
    (r"Skills and languages are lists\.", "Onderwerpen en talen zijn lijsten.",
     "Skills and languages are lists."),
    (r"Alleen voor coördinatoren\.", "Alleen voor coördinatoren.", "Only for coordinators."),
    (r"De gebruikersnaam of het wachtwoord klopt niet\.",
     "De gebruikersnaam of het wachtwoord klopt niet.", "The username or password is wrong."),
    (r"Te vaak een verkeerd wachtwoord\..*",
     "Te vaak een verkeerd wachtwoord. Probeer het over een tijdje opnieuw.",
     "Too many wrong passwords. Please try again in a while."),
    (r"U bent niet \(meer\) ingelogd\.", "U bent niet (meer) ingelogd.",
     "You are not signed in (any more)."),
    (r"De beveiligingscode ontbreekt .*",
     "De beveiligingscode ontbreekt of klopt niet. Laad de pagina opnieuw.",
     "The security code is missing or wrong. Please reload the page."),
    (r"Deze persoon bestaat niet\.", "Deze persoon bestaat niet.", "This person does not exist."),
    (r"Deze plek bestaat niet\.", "Deze plek bestaat niet.", "This place does not exist."),
    (r"Deze pagina bestaat niet\.", "Deze pagina bestaat niet.", "This page does not exist."),
    (r"Dit kan hier niet\.", "Dit kan hier niet.", "This is not possible here."),
    (r"Dit gesprek is al afgerond\.", "Dit gesprek is al afgerond.",
     "This call has already been wrapped up."),
    (r"Dit gesprek is niet \(meer\) te vinden\.", "Dit gesprek is niet (meer) te vinden.",
     "This call cannot be found (any more)."),
    (r"Dit aanbod is niet \(meer\) voor u\.", "Dit aanbod is niet (meer) voor u.",
     "This offer is not (or no longer) yours."),
    (r"Dit aanbod is verlopen\.", "Dit aanbod is verlopen.", "This offer has expired."),
    (r"De beller is er niet meer\.", "De beller is er niet meer.", "The caller is gone."),
    (r"Kies beschikbaar, pauze of offline\.", "Kies beschikbaar, pauze of offline.",
     "Choose available, break or offline."),
    (r"U bent in gesprek\. Dat kan nu niet\.", "U bent in gesprek. Dat kan nu niet.",
     "You are on a call. That is not possible now."),
    (r"Voor dit account is geen vrijwilligersprofiel\.",
     "Voor dit account is geen vrijwilligersprofiel.",
     "This account has no volunteer profile."),
    (r"U kunt uw eigen account niet .*",
     "U kunt uw eigen account niet uitzetten of uw eigen rol wijzigen.",
     "You cannot disable your own account or change your own role."),
    (r"Kies hoe het gesprek afliep\.", "Kies hoe het gesprek afliep.",
     "Choose how the call ended."),
    (r"Kies het onderwerp\.", "Kies het onderwerp.", "Choose the topic."),
    (r"Kies een onderdeel uit de lijst\.", "Kies een onderdeel uit de lijst.",
     "Choose a part from the list."),
    (r"Kies een soort hulp uit de lijst\.", "Kies een soort hulp uit de lijst.",
     "Choose a kind of help from the list."),
    (r"Zoek een plek op postcode en kies er een\.", "Zoek een plek op postcode en kies er een.",
     "Search for a place by postcode and choose one."),
    (r"De notitie is te lang .*", "De notitie is te lang (hoogstens 500 tekens).",
     "The note is too long (500 characters at most)."),
    (r"De notitie is geen tekst\.", "De notitie is geen tekst.", "The note is not text."),
    (r"Vul een naam in\.", "Vul een naam in.", "Fill in a name."),
    (r"Kies een soort: (.+)\.", "Kies een soort: {0}.", "Choose a kind: {0}."),
    (r"Vul een postcode in, zoals 1234 AB\.", "Vul een postcode in, zoals 1234 AB.",
     "Fill in a postcode, such as 1234 AB."),
    (r"Een website begint met https://\.", "Een website begint met https://.",
     "A website starts with https://."),
    (r"De eerste regel moet de kolommen noemen: (.+)",
     "De eerste regel moet de kolommen noemen: {0}", "The first line must name the columns: {0}"),
    (r"Regel (\d+): (.+)", "Regel {0}: {1}", "Line {0}: {1}"),
    (r"Te veel regels: hoogstens (\d+)\.", "Te veel regels: hoogstens {0}.",
     "Too many lines: {0} at most."),
    (r"Het bestand heeft geen regels met plaatsen\.",
     "Het bestand heeft geen regels met plaatsen.", "The file has no lines with places."),
    (r"Het bestand is te groot\.", "Het bestand is te groot.", "The file is too large."),
    (r"Dit is geen leesbaar CSV-bestand \((.*)\)\.", "Dit is geen leesbaar CSV-bestand ({0}).",
     "This is not a readable CSV file ({0})."),
    (r"Even geen verbinding met de server\..*",
     "Even geen verbinding met de server. Probeer het zo opnieuw.",
     "No connection to the server for a moment. Please try again shortly."),
    (r"limit is een getal van 1 tot 100\.", "limit is een getal van 1 tot 100.",
     "limit is a number from 1 to 100."),
    (r"Er staan te veel live-verbindingen open .*",
     "Er staan te veel live-verbindingen open voor dit account. Sluit een ander venster of "
     "tabblad.", "Too many live connections are open for this account. Close another window "
     "or tab."),
]  # fmt: skip
COMPILED = [(re.compile(f"^{pattern}$", re.DOTALL), nl, en) for pattern, nl, en in TABLE]

PERSONAL = {
    "nl": {
        "email": "een e-mailadres",
        "iban": "een rekeningnummer (IBAN)",
        "card": "een pasnummer",
        "bsn": "een BSN",
        "phone": "een telefoonnummer",
    },
    "en": {
        "email": "an e-mail address",
        "iban": "a bank account number (IBAN)",
        "card": "a card number",
        "bsn": "a BSN",
        "phone": "a phone number",
    },
}


def personal_details(found: list[str], lang: str) -> str:
    names = ", ".join(PERSONAL[lang][k] for k in found if k in PERSONAL[lang])
    if lang == "en":
        return (
            f"The note seems to contain {names}. Never write down passwords, codes or personal "
            "details."
        )
    return (
        f"De notitie lijkt {names} te bevatten. Schrijf nooit wachtwoorden, codes of "
        "persoonlijke gegevens op."
    )


def localize(message: str, lang: str) -> str:
    """The message in ``lang`` ('nl' or 'en'); unknown messages are returned as they are."""
    for pattern, nl, en in COMPILED:
        match = pattern.match(message)
        if match:
            groups = [localize(g, lang) if g else g for g in match.groups()]
            return (en if lang == "en" else nl).format(*groups)
    return message


def request_language() -> str:
    """The dashboard's language choice (the ``hl_lang`` cookie); Dutch when none."""
    chosen = request.cookies.get("hl_lang")
    return chosen if chosen in ("nl", "en") else "nl"
