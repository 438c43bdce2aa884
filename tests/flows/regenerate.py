"""Writes the broken example flows: each is the shipped flow with exactly one defect.

    python tests/flows/regenerate.py

Run it after changing ivr_flows/digihulplijn.yaml; tests/test_flows.py checks that every
example still has exactly the one problem it is named for.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parents[1] / "ivr_flows" / "digihulplijn.yaml"


def _option(flow: dict, step: str, key: str) -> dict:
    return next(o for o in flow["steps"][step]["options"] if o["key"] == key)


def _unknown_goto(flow):
    _option(flow, "topic", "3")["goto"] = "refferal"


def _missing_no_input(flow):
    del flow["steps"]["referral"]["no_input"]


def _missing_wrong_input(flow):
    del flow["steps"]["closed"]["wrong_input"]


def _unknown_skill(flow):
    flow["topics"]["digid"]["skill"] = "digi"


def _unreachable_step(flow):
    flow["steps"]["orphan"] = {"type": "say", "prompt": "goodbye", "hangup": True}


def _missing_translation(flow):
    del flow["prompts"]["topic_short"]["en"]


def _unknown_topic(flow):
    _option(flow, "topic", "1")["set"]["topic"] = "tablet"


def _duplicate_key(flow):
    _option(flow, "topic", "2")["key"] = "1"


def _organisation_of_unknown_kind(flow):
    flow["organisations"]["ing"]["kind"] = "tv_advert"


def _speech_setting_without_reason(flow):
    del flow["speech"]["settings"]["speech_timeout"]["why"]


def _menu_without_a_person(flow):
    flow["steps"]["topic"]["options"] = [
        o for o in flow["steps"]["topic"]["options"] if o["key"] != "0"
    ]


def _missing_person_words(flow):
    del flow["speech"]["person"]["en"]


DEFECTS = {
    "broken_unknown_goto": (_unknown_goto, "option 3 of the topic menu leads to a typo"),
    "broken_missing_no_input": (_missing_no_input, "the referral menu lacks no_input"),
    "broken_missing_wrong_input": (_missing_wrong_input, "the closed menu lacks wrong_input"),
    "broken_unknown_skill": (_unknown_skill, "topic digid needs an unknown skill"),
    "broken_unreachable_step": (_unreachable_step, "a step nothing leads to"),
    "broken_missing_translation": (_missing_translation, "topic_short has no English text"),
    "broken_unknown_topic": (_unknown_topic, "option 1 of the topic menu sets an unknown topic"),
    "broken_duplicate_key": (_duplicate_key, "key 1 twice in the topic menu"),
    "broken_organisation_kind": (
        _organisation_of_unknown_kind,
        "an organisation of a kind that names no organisation",
    ),
    "broken_speech_reason": (_speech_setting_without_reason, "a speech setting without reason"),
    "broken_no_person_key": (_menu_without_a_person, "the topic menu without key 0"),
    "broken_person_words": (_missing_person_words, "no English words for 'a person'"),
}


def main() -> None:
    shipped = yaml.safe_load(SHIPPED.read_text())
    for name, (defect, what) in DEFECTS.items():
        # a copy that shares nothing: the welcome's options are YAML aliases of the topic
        # menu's, and a defect is in one place only
        flow = json.loads(json.dumps(shipped))
        defect(flow)
        text = yaml.safe_dump(flow, sort_keys=False, allow_unicode=True, width=100)
        header = f"# Broken on purpose: {what}.\n# Written by tests/flows/regenerate.py.\n"
        (HERE / f"{name}.yaml").write_text(header + text)


if __name__ == "__main__":
    main()
