"""What the reports call things: topics, sub-topics, skills, menu steps, referrers and their
organisations in words, from the flow file (``ivr_flows/``) where it names them, else from a
small table here, else the id made readable ('municipality_library' -> 'Municipality library').
No code or snake_case id is ever shown on a page."""

from __future__ import annotations

from helpline import texts
from helpline.texts import N_

# Referral kinds and organisations the flow may not name yet (it gains an ``organisations``
# list with a label per language and a kind per organisation).
KINDS = {
    "bank": N_("referral_bank"),
    "insurer": N_("referral_insurer"),
    "municipality_library": N_("referral_municipality_library"),
    "tv_advert": N_("referral_tv_advert"),
    "acquaintance": N_("referral_acquaintance"),
    "other": N_("referral_other"),
}
ORGANISATIONS = {
    "ing": "ING",
    "rabobank": "Rabobank",
    "abn_amro": "ABN AMRO",
    "sns": "SNS",
    "asn": "ASN Bank",
    "triodos": "Triodos Bank",
    "knab": "Knab",
    "bunq": "bunq",
    "zilveren_kruis": "Zilveren Kruis",
    "cz": "CZ",
    "vgz": "VGZ",
    "menzis": "Menzis",
    "dsw": "DSW",
    "ohra": "OHRA",
    "achmea": "Achmea",
}
STEPS = {
    "welcome": N_("step_welcome"),
    "topic": N_("step_topic"),
    "topic_short": N_("step_topic"),
    "referral": N_("step_referral"),
    "closed": N_("step_closed"),
    "closed_goodbye": N_("step_closed_goodbye"),
}
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English"}


def readable(ident: str) -> str:
    """An id made readable: 'sms_code' -> 'Sms code'."""
    words = ident.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:] if words else "?"


def _named(names, lang: str) -> str | None:
    if isinstance(names, dict):
        return names.get(lang) or names.get("nl") or next(iter(names.values()), None)
    return names if isinstance(names, str) and names else None


class Labels:
    def __init__(self, flow, lang: str = "nl"):
        self.flow = flow
        self.lang = lang if lang in texts.LANGUAGES else "nl"

    def topic(self, topic_id: str) -> str:
        topic = self.flow.topics.get(topic_id)
        name = _named(topic.name, self.lang) if topic else None
        return _capital(name) if name else readable(topic_id)

    def subtopic(self, key: str) -> str:
        """'digid/sms_code' -> 'DigiD: sms-code'."""
        topic_id, _, sub = key.partition("/")
        topic = self.flow.topics.get(topic_id)
        name = _named(topic.subtopics.get(sub), self.lang) if topic else None
        return f"{self.topic(topic_id)}: {name or readable(sub).lower()}"

    def subtopic_only(self, key: str) -> str:
        """'digid/sms_code' -> 'sms-code' (the topic said elsewhere in the sentence)."""
        topic_id, _, sub = key.partition("/")
        topic = self.flow.topics.get(topic_id)
        name = _named(topic.subtopics.get(sub), self.lang) if topic else None
        return name or readable(sub).lower()

    def skill(self, skill: str) -> str:
        for topic in self.flow.topics.values():
            if topic.skill == skill:
                return self.topic(topic.id)
        return readable(skill)

    def language(self, code: str) -> str:
        return LANGUAGE_NAMES.get(code, code.upper())

    def step(self, step_id: str) -> str:
        step = self.flow.steps.get(step_id)
        name = _named(getattr(step, "label", None), self.lang) if step else None
        if name:
            return name
        if step_id in STEPS:
            return texts.gettext(self.lang, STEPS[step_id])
        return readable(step_id)

    def referral(self, kind: str) -> str:
        """A kind of referrer ('' is: not asked or skipped)."""
        if not kind:
            return texts.gettext(self.lang, "referral_not_asked")
        if kind in KINDS:
            return texts.gettext(self.lang, KINDS[kind])
        return readable(kind)

    def organisation(self, kind: str, org: str) -> str:
        """An organisation by name; 'Bank, naam onbekend' when the caller did not say."""
        if not org or org == "unknown":
            return texts.gettext(self.lang, "referral_name_unknown", kind=self.referral(kind))
        for entry in self._organisations():
            if entry.get("id") == org:
                name = _named(entry.get("label") or entry.get("name"), self.lang)
                if name:
                    return name
        return ORGANISATIONS.get(org) or readable(org)

    def _organisations(self) -> list[dict]:
        found = getattr(self.flow, "organisations", None) or []
        if isinstance(found, dict):
            found = [
                {"id": k, **(v if isinstance(v, dict) else {"label": v})} for k, v in found.items()
            ]
        return [
            e
            if isinstance(e, dict)
            else {"id": getattr(e, "id", ""), "label": getattr(e, "label", None)}
            for e in found
        ]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
