"""The API's error messages in the dashboard's language (the ``hl_lang`` cookie; Dutch first).

An error is raised or returned as a message id with its values (a ``Refusal``), never as a
sentence; it becomes words at the edge (``helpline.api.error``), from the catalogues in
``helpline/texts``.
"""

from __future__ import annotations

from flask import jsonify, request

from helpline.texts import DEFAULT_LANGUAGE, LANGUAGES, N_, Refusal

# What a note must not hold (helpline.notecheck's kinds), in words.
PERSONAL = {
    "email": N_("personal_email"),
    "iban": N_("personal_iban"),
    "card": N_("personal_card"),
    "bsn": N_("personal_bsn"),
    "phone": N_("personal_phone"),
}


def personal_details(found: list[str]) -> Refusal:
    """The note holds personal details of these kinds: name each of them."""
    return Refusal("note_personal", found=[Refusal(PERSONAL[k]) for k in found if k in PERSONAL])


def request_language() -> str:
    """The dashboard's language choice (the ``hl_lang`` cookie); Dutch when none."""
    chosen = request.cookies.get("hl_lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def error(status: int, reason: str | Refusal, **extra):
    """A JSON error for people, in the language they chose; ``reason`` is a message id or a
    Refusal (an id with its values)."""
    if not isinstance(reason, Refusal):
        reason = Refusal(reason)
    return jsonify({"error": reason.text(request_language()), **extra}), status
