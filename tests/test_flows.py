"""IVR flows as data: the shipped flow passes the checker; each broken example is named."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from helpline.cli import main
from helpline.ivr import flow as flow_module
from helpline.ivr import speech
from ivr_flows import DEFAULT_FLOW, FLOWS_DIR

BROKEN = Path(__file__).parent / "flows"

# Each broken example: the problem it is named for, and what is on the line it names.
EXPECTED = {
    "broken_unknown_goto": ("step 'topic' key '3' leads to unknown step 'refferal'", "refferal"),
    "broken_missing_no_input": ("step 'referral': does not say where no_input leads", "referral:"),
    "broken_missing_wrong_input": (
        "step 'closed': does not say where wrong_input leads",
        "closed:",
    ),
    "broken_unknown_skill": ("topic 'digid': skill 'digi' is not a known skill", "skill: digi"),
    "broken_unreachable_step": ("step 'orphan' is unreachable from the start", "orphan:"),
    "broken_missing_translation": (
        "prompt 'topic_short' (used by step 'topic') has no text in 'en'",
        "topic_short:",
    ),
    "broken_unknown_topic": ("step 'topic' key '1': topic 'tablet' is not a known topic", "tablet"),
    "broken_duplicate_key": ("step 'topic' key '1' is used twice in this menu", "key: '1'"),
    "broken_organisation_kind": (
        "organisation 'ing': kind 'tv_advert' must be one of",
        "kind: tv_advert",
    ),
    "broken_speech_reason": (
        "speech setting 'speech_timeout': says no reason ('why')",
        "speech_timeout:",
    ),
    "broken_no_person_key": ("step 'topic': has no key 0 (a person, in every menu)", "options:"),
    "broken_person_words": (
        "speech 'person' (wanting a person: key 0 in every menu): no words for language 'en'",
        "person:",
    ),
}


@pytest.mark.parametrize("path", sorted(FLOWS_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_flows_pass_the_check(path):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["flows", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "is valid" in result.output


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_broken_example_fails_naming_the_problem(name):
    from click.testing import CliRunner

    path = BROKEN / f"{name}.yaml"
    result = CliRunner().invoke(main, ["flows", "check", str(path)])
    assert result.exit_code == 1
    message, on_that_line = EXPECTED[name]
    # only the defect it is named for (after changing the shipped flow:
    # python tests/flows/regenerate.py)
    assert result.output.splitlines()[0] == f"{path}: 1 problem(s)"
    where, said = result.output.splitlines()[1].strip().split(": ", 1)
    assert said.startswith(message)
    file, line = where.rsplit(":", 1)  # every problem names its file and line
    assert file == str(path)
    assert on_that_line in path.read_text().splitlines()[int(line) - 1]


def test_every_broken_example_has_an_expectation():
    assert {p.stem for p in BROKEN.glob("*.yaml")} == set(EXPECTED)


def test_invalid_yaml_is_reported_with_its_file_and_line_not_raised(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("flow: x\nsteps:\n  topic: {type: menu\n  queue: {type: queue}\n")
    with pytest.raises(flow_module.FlowError, match="not valid YAML"):
        flow_module.load(bad)
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["flows", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:4: column" in result.output and "<unicode string>" not in result.output


def test_a_problem_in_a_file_without_that_part_points_at_the_part_around_it(tmp_path):
    import yaml

    # a copy that shares nothing: the welcome's options are YAML aliases of the topic menu's
    data = json.loads(json.dumps(yaml.safe_load(DEFAULT_FLOW.read_text())))
    del data["steps"]["topic"]["options"][2]["speech"]["en"]
    bad = tmp_path / "flow.yaml"
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    bad.write_text(text)
    with pytest.raises(flow_module.FlowError) as error:
        flow_module.load(bad)
    (problem,) = error.value.problems
    assert problem.message == "step 'topic' key '3': no spoken words for language 'en'"
    assert text.splitlines()[problem.line - 1].strip() == "speech:"


def test_default_topics_map_to_their_skills():
    flow = flow_module.load(DEFAULT_FLOW)
    assert {t.id: t.skill for t in flow.topics.values()} == {
        "device": "device",
        "password": "password",
        "digid": "digid",
        "bank": "bank",
        "general": "general",
    }


def dutch_sentences(texts) -> list[str]:
    """The Dutch sentences of a prompt (lines said in another language's voice left out)."""
    found = []
    for line in texts["nl"]:
        if line.lang and line.lang != "nl":
            continue
        found += [s for s in re.split(r"(?<=[.?!])\s+", line.text.strip()) if s.strip()]
    return found


def words(sentence: str) -> int:
    return len(re.sub(r"\{\w+\}", "x", sentence).split())  # a placeholder is one word


INSTRUCTION = re.compile(r"\b(druk|toets|bel|zeg|blijf)\b", re.IGNORECASE)
KEY_OFFER = re.compile(r"\bdruk (?:dan )?op (?:\d|sterretje|hekje)\b", re.IGNORECASE)


@pytest.mark.parametrize("prompt_id", sorted(flow_module.load(DEFAULT_FLOW).prompts))
def test_every_dutch_prompt_is_plain_dutch_b1(prompt_id):
    """B1: at most 12 words a sentence on average and never more than 20, one instruction a
    sentence, and the option before the key ('DigiD? Druk op 3.', never 'Druk op 3 voor
    DigiD.')."""
    texts = flow_module.load(DEFAULT_FLOW).prompts[prompt_id]
    sentences = dutch_sentences(texts)
    if not sentences:
        return
    counts = [words(s) for s in sentences]
    assert max(counts) <= 20, (prompt_id, sentences)
    assert sum(counts) / len(counts) <= 12, (prompt_id, sentences)
    for sentence in sentences:
        assert len(INSTRUCTION.findall(sentence)) <= 1, (prompt_id, sentence)
        offer = KEY_OFFER.search(sentence)
        if offer:
            assert not re.search(r"\b(voor|om)\b", sentence[offer.end() :]), (prompt_id, sentence)
    for line in texts["nl"]:
        first = re.split(r"(?<=[.?!])\s+", line.text.strip())[0]
        assert not KEY_OFFER.match(first) or len(texts["nl"]) == 1, (prompt_id, line.text)


def test_the_option_comes_before_its_key_in_every_menu_line():
    flow = flow_module.load(DEFAULT_FLOW)
    for step in flow.steps.values():
        if step.type != "menu":
            continue
        for line in flow.prompts[step.prompt]["nl"]:
            sentences = re.split(r"(?<=[.?!])\s+", line.text.strip())
            for index, sentence in enumerate(sentences):
                if KEY_OFFER.search(sentence):
                    assert index > 0 or not sentence.lower().startswith("druk"), line.text


FLOW = flow_module.load(DEFAULT_FLOW)


def topic_options(lang):
    return [(o.key, o.speech[lang]) for o in FLOW.step("topic").options]


def heard(said, lang):
    """The key a caller's words lead to in the topic menu (a person, key 0, only alone)."""
    found = speech.candidates(said, topic_options(lang), lang, FLOW.vocabulary, weak="0")
    return found[0] if len(found) == 1 else None


@pytest.mark.parametrize(
    "said, key",
    [
        ("digi d", "3"),
        ("DigiD", "3"),
        ("Digi-D.", "3"),
        ("mijn bankapp doet raar", "4"),
        ("ik ben mijn wachtwoord vergeten", "2"),
        ("tablet", "1"),
        ("weet ik niet", "0"),
        ("iets anders", "5"),
        ("ik wil iemand spreken", "0"),
        ("een mens graag", "0"),
        ("ik heb hulp nodig met mijn bank", "4"),
        ("ik ben opgelicht", "4"),
        ("ik krijg geen sms-code", "3"),
        ("ik krijg geen code", "3"),
        ("drie", "3"),
        ("nummer vier", "4"),
        ("internetbankieren lukt niet", "4"),
        ("mijn wachtwoort", "2"),
        ("ik wil een vrijwilliger", "0"),
        ("banaan", None),
        ("", None),
    ],
)
def test_spoken_answers_are_matched_robustly_in_dutch(said, key):
    assert heard(said, "nl") == key


@pytest.mark.parametrize(
    "said, key",
    [
        ("my tablet", "1"),
        ("I forgot my password", "2"),
        ("digi dee", "3"),
        ("banking app", "4"),
        ("I don't know", "0"),
        ("a person please", "0"),
        ("operator", "0"),
        ("my bank account", "4"),
        ("three", "3"),
    ],
)
def test_spoken_answers_are_matched_in_english(said, key):
    assert heard(said, "en") == key


def test_a_tie_between_two_topics_is_not_a_guess():
    options = [("1", ("tablet",)), ("2", ("laptop",))]
    assert speech.match("tablet laptop", options, "nl") is None


@pytest.mark.parametrize("max_tries, short_on_try", [(3, 3), (2, 2)])
def test_the_last_retry_offers_fewer_options_whatever_the_number_of_tries(
    app, tmp_path, max_tries, short_on_try
):
    import yaml

    from helpline.ivr.engine import Context, Engine

    data = yaml.safe_load(DEFAULT_FLOW.read_text())
    data["settings"]["max_tries"] = max_tries
    path = tmp_path / "flow.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    engine = Engine(flow_module.load(path), {"ask_referral": True})
    ctx = Context.from_args(engine.flow, {"step": "topic", "lang": "nl"})
    heard = []
    with app.app_context():
        for _ in range(max_tries - 1):
            outcome = engine.answer(ctx, "8")  # not a key of this menu
            ctx = outcome.ctx
            heard.append(engine.render_xml(outcome))
    last = heard[short_on_try - 2]
    assert "Blijf anders aan de lijn" in last and "Uw telefoon, tablet" not in last
    if short_on_try > 2:
        assert "Uw telefoon, tablet" in heard[0]
