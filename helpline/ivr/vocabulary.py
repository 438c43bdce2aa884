"""The flow's data beside its steps: the organisations a caller can name (who sent them), the
words speech recognition listens for outside the menus' own options, and the speech settings
of every <Gather>. Checked here (``check_*`` add to the flow's ``Problems``, each on its line;
never raise) and held as plain data, so the lists can grow in the flow file without code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpline.ivr.lines import Problems

# The kinds of referral that name an organisation (the second question in the wait).
ORGANISATION_KINDS = ("bank", "insurer")
UNKNOWN_ORG = "unknown"  # "ik weet het niet", or a name we did not recognise

# Word lists every flow must have, per language: what they are for.
WORD_LISTS = {
    "number_leads": "words before a spoken key ('nummer drie', 'press three')",
    "repeat": "asking to hear a menu again",
    "person": "wanting a person: key 0 in every menu",
    "callback": "asking to be called back while waiting",
    "keep_waiting": "choosing to keep waiting",
    "yes": "confirming a callback number",
    "no": "giving another callback number",
}
# <Gather> speech settings: each needs a value and a short reason ("why").
SPEECH_MODELS = {
    "default",
    "numbers_and_commands",
    "phone_call",
    "experimental_conversations",
    "experimental_utterances",
}


@dataclass(frozen=True)
class Organisation:
    id: str
    kind: str  # one of ORGANISATION_KINDS
    name: dict[str, str]  # a label per language, for reports
    speech: dict[str, tuple[str, ...]]  # names a caller may say, per language


@dataclass(frozen=True)
class SpeechSettings:
    """The speech attributes of every <Gather> (see the flow file for the reasons)."""

    speech_timeout: str = "auto"
    speech_model: str | None = None
    hints: bool = True
    barge_in: bool = True


@dataclass(frozen=True)
class Vocabulary:
    numbers: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> word -> key
    words: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)  # list -> lang

    def of(self, name: str, lang: str) -> tuple[str, ...]:
        return self.words.get(name, {}).get(lang, ())


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)


def check_labels(problems: Problems, path: tuple, where: str, labels: Any, languages: list,
                 *, optional: bool = True) -> None:  # fmt: skip
    """A label per language (``{nl: ..., en: ...}``); ``optional``: may be absent."""
    if labels is None and optional:
        return
    if not isinstance(labels, dict):
        problems.add(path, f"{where} must give a text per language")
        return
    for lang in languages:
        if not labels.get(lang):
            problems.add((*path, lang), f"{where} has no text in '{lang}'")


def check_referral_staff(problems: Problems, data: dict, languages: list, sources: list) -> None:
    """How volunteers are told who sent a caller: a label per language per referral source."""
    referral_staff = data.get("referral_staff") or {}
    if not isinstance(referral_staff, dict):
        problems.add(
            ("referral_staff",),
            "'referral_staff' must map referral sources to a label per language",
        )
        return
    for source, labels in referral_staff.items():
        here = ("referral_staff", str(source))
        if source not in sources:
            problems.add(here, f"referral_staff: '{source}' is not in referral_sources")
        check_labels(problems, here, f"referral_staff '{source}'", labels, languages,
                     optional=False)  # fmt: skip


def check_organisations(problems: Problems, data: dict, languages: list[str],
                        sources: list[str]) -> None:  # fmt: skip
    organisations = data.get("organisations")
    if organisations is None:
        return
    if not isinstance(organisations, dict):
        problems.add(("organisations",), "'organisations' must map ids to {kind, name, speech}")
        return
    for org_id, org in organisations.items():
        where, here = f"organisation '{org_id}'", ("organisations", str(org_id))
        if org_id == UNKNOWN_ORG:
            problems.add(here, f"{where}: the id '{UNKNOWN_ORG}' is kept for 'ik weet het niet'")
            continue
        if not isinstance(org, dict):
            problems.add(here, f"{where}: must be a mapping with kind, name and speech")
            continue
        kind = org.get("kind")
        if kind not in ORGANISATION_KINDS or kind not in sources:
            problems.add(
                (*here, "kind"),
                f"{where}: kind '{kind}' must be one of {list(ORGANISATION_KINDS)} "
                "and in referral_sources",
            )
        names = org.get("name") if isinstance(org.get("name"), dict) else {}
        speech = org.get("speech") if isinstance(org.get("speech"), dict) else {}
        for lang in languages:
            if not isinstance(names.get(lang), str) or not names.get(lang):
                problems.add((*here, "name", lang), f"{where}: no name in language '{lang}'")
            if not _is_str_list(speech.get(lang)):
                problems.add(
                    (*here, "speech", lang), f"{where}: no spoken names for language '{lang}'"
                )


def check_speech(problems: Problems, data: dict, languages: list[str]) -> None:
    speech = data.get("speech")
    if speech is None:
        problems.add((), "missing top-level key 'speech' (the speech settings and word lists)")
        return
    if not isinstance(speech, dict):
        problems.add(
            ("speech",), "'speech' must be a mapping with settings, numbers and word lists"
        )
        return
    settings = speech.get("settings") if isinstance(speech.get("settings"), dict) else {}
    for name, setting in settings.items():
        where, here = f"speech setting '{name}'", ("speech", "settings", str(name))
        if name not in SpeechSettings.__dataclass_fields__:
            problems.add(
                here, f"{where}: unknown (one of {sorted(SpeechSettings.__dataclass_fields__)})"
            )
            continue
        if not isinstance(setting, dict) or "value" not in setting:
            problems.add(here, f"{where}: must be {{value: ..., why: ...}}")
            continue
        if not isinstance(setting.get("why"), str) or not setting["why"].strip():
            problems.add((*here, "why"), f"{where}: says no reason ('why')")
        value = setting["value"]
        if name == "speech_timeout" and not (
            value == "auto" or (isinstance(value, int) and 1 <= value <= 10)
        ):
            problems.add((*here, "value"), f"{where}: must be 'auto' or whole seconds from 1 to 10")
        elif name == "speech_model" and value not in SPEECH_MODELS:
            problems.add((*here, "value"), f"{where}: '{value}' is not a Twilio speech model")
        elif name in ("hints", "barge_in") and not isinstance(value, bool):
            problems.add((*here, "value"), f"{where}: must be true or false")
    model = (settings.get("speech_model") or {}).get("value")
    timeout = (settings.get("speech_timeout") or {}).get("value", "auto")
    if model and timeout == "auto":
        problems.add(
            ("speech", "settings", "speech_timeout"),
            "speech setting 'speech_timeout': 'auto' cannot be used with a speech_model",
        )
    numbers = speech.get("numbers") if isinstance(speech.get("numbers"), dict) else {}
    for lang in languages:
        words = numbers.get(lang)
        if not isinstance(words, dict) or not words:
            problems.add(
                ("speech", "numbers", lang),
                f"speech numbers: no number words for language '{lang}'",
            )
            continue
        for word, key in words.items():
            if str(key) not in set("0123456789"):
                problems.add(
                    ("speech", "numbers", lang, str(word)),
                    f"speech numbers '{lang}': '{word}' is not a key 0-9",
                )
    for name, what in WORD_LISTS.items():
        lists = speech.get(name) if isinstance(speech.get(name), dict) else {}
        for lang in languages:
            if not _is_str_list(lists.get(lang)):
                problems.add(
                    ("speech", name, lang),
                    f"speech '{name}' ({what}): no words for language '{lang}'",
                )


def build_organisations(data: dict, languages) -> dict[str, Organisation]:
    return {
        org_id: Organisation(
            org_id,
            org["kind"],
            {lang: org["name"][lang] for lang in languages},
            {lang: tuple(org["speech"][lang]) for lang in languages},
        )
        for org_id, org in (data.get("organisations") or {}).items()
    }


def build_speech(data: dict) -> tuple[SpeechSettings, Vocabulary]:
    speech = data.get("speech") or {}
    settings = {name: setting["value"] for name, setting in (speech.get("settings") or {}).items()}
    if "speech_timeout" in settings:
        settings["speech_timeout"] = str(settings["speech_timeout"])
    vocabulary = Vocabulary(
        numbers={
            lang: {str(w): str(k) for w, k in words.items()}
            for lang, words in (speech.get("numbers") or {}).items()
        },
        words={
            name: {lang: tuple(words) for lang, words in (speech.get(name) or {}).items()}
            for name in WORD_LISTS
        },
    )
    return SpeechSettings(**settings), vocabulary
