"""What volunteers and coordinators read: one gettext catalogue per language, by message id.

The catalogues are ``nl.po`` and ``en.po`` next to this file (Dutch, B1, first). The pages'
templates, their scripts (which get the same catalogue as JSON) and the API's errors all take
their words from here, so a sentence is written once per language and a reworded sentence keeps
its translation. Placeholders are ``{name}``; a count chooses the plural form and is ``{n}``.
Phone prompts and the words a caller may say are not here: they are data in ``ivr_flows/``.

The ``.po`` files are read when first needed (Babel's ``read_po``) and handed to the standard
``gettext`` module, so there is no compiled ``.mo`` file that could fall behind.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
HERE = Path(__file__).parent


def N_(msgid: str) -> str:
    """Marks a message id that is chosen by a value and looked up later (gettext_noop)."""
    return msgid


def po_path(lang: str) -> Path:
    return HERE / f"{lang}.po"


@functools.cache
def catalogue(lang: str):
    """The language's catalogue as Babel reads it (message ids, texts, plural forms)."""
    with po_path(lang).open("rb") as fp:
        return read_po(fp, locale=lang)


@functools.cache
def translations(lang: str) -> _gettext.GNUTranslations:
    """The standard gettext translations of the language (``nl`` for an unknown one)."""
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(lang))
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def _value(lang: str, value):
    """A value in ``lang``: a Refusal becomes its text, a list its items joined by commas."""
    if isinstance(value, Refusal):
        return value.text(lang)
    if isinstance(value, list):
        return ", ".join(str(_value(lang, item)) for item in value)
    return value


def _values(lang: str, values: dict) -> dict:
    return {k: _value(lang, v) for k, v in values.items()}


def gettext(lang: str, msgid: str, **values) -> str:
    """The text of ``msgid`` in ``lang`` with its ``{placeholders}`` filled in."""
    template = translations(lang).gettext(msgid)
    return template.format(**_values(lang, values)) if values else template


def ngettext(lang: str, msgid: str, n: int, **values) -> str:
    """The singular or plural text of ``msgid`` for the count ``n`` (which fills ``{n}``)."""
    template = translations(lang).ngettext(msgid, msgid, n)
    return template.format(n=n, **_values(lang, values))


def plural_rule(lang: str) -> str:
    """The catalogue's plural expression, such as ``(n != 1)``."""
    return catalogue(lang).plural_expr


def browser_texts(lang: str) -> dict:
    """The whole catalogue for the page scripts: each id's text, or its forms for a count."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    messages = {}
    for message in catalogue(lang):
        if not message.id:
            continue  # the header
        if message.pluralizable:
            messages[message.id[0]] = list(message.string)
        else:
            messages[message.id] = message.string
    return {"plural": plural_rule(lang), "messages": messages}


class Refusal(ValueError):
    """A request refused for a reason fit to show to people: a message id and its values,
    translated where it is shown (``str()`` gives the Dutch text)."""

    def __init__(self, msgid: str, /, **values):
        super().__init__(msgid)
        self.msgid, self.values = msgid, values

    def text(self, lang: str) -> str:
        return gettext(lang, self.msgid, **self.values)

    def __str__(self) -> str:
        return self.text(DEFAULT_LANGUAGE)
