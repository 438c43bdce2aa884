"""IVR flows: load a flow file from ``ivr_flows/``, check it, and hold it as plain data."""

from __future__ import annotations

from collections import deque
from pathlib import Path
from typing import Any

import yaml

from helpline.ivr import vocabulary as vocab
from helpline.ivr.lines import Problems, line_map, line_of, syntax_error
from helpline.ivr.types import Flow, Line, Option, Route, Step, Topic

__all__ = ["Flow", "FlowError", "Line", "Option", "Route", "Step", "Topic", "check", "load"]

STEP_TYPES = {"menu", "say", "queue", "callback", "wait"}
SETTABLE = {"language", "topic", "referral", "referral_org"}
PERSON_KEY = "0"  # a person (the general line) in every menu
VALID_KEYS = set("0123456789")
KNOWN_FLAGS = {"ask_referral"}

# Prompts the engine itself says (waiting, callbacks, errors), so every flow must define them.
ENGINE_PROMPTS = tuple(
    """
    wrong_input closed_hours callback_when tie_question tie_option tie_end back_in_line
    callback_voicemail queued closed_holiday closed_day wait_first_in_line wait_people_ahead
    wait_one_ahead wait_estimate wait_estimate_short wait_unknown wait_reassure
    wait_callback_hint wait_too_long wait_keep_waiting wait_hold_limit
    wait_hold_limit_no_number queue_full callback_own_number callback_enter_number
    callback_read_back callback_bad_number callback_back_to_line callback_confirmed_wait
    callback_confirmed_closed callback_goodbye callback_give_up sorry_error sorry_wait goodbye
    volunteer_whisper volunteer_widened volunteer_no_key volunteer_caller_gone
    volunteer_calling_citizen volunteer_citizen_unreachable connected_caller
    callback_citizen_greeting conversation_over conversation_over_alone volunteer_caller
    volunteer_colleague_whisper caller_on_hold caller_warm_transfer caller_transferred sms_referral
    mentor_joined
    """.split()
)


class FlowError(ValueError):
    """A flow file is broken; ``problems`` names each problem precisely."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


DEFAULT_SETTINGS = {"max_tries": 3, "timeout": 6, "repeat_key": "*", "slow_rate": "85%", "pause": 1}


# ---------------------------------------------------------------------------------------------
# Checking. Works on the raw data so that a broken file yields messages, never a crash.


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check(data: Any, lines: dict | None = None) -> list[str]:
    """Every problem in a flow's raw data, each naming where it is: the step (options by
    their key) and, given the file's ``lines`` (``lines.line_map``), its line."""
    problems = Problems(lines)
    if not isinstance(data, dict):
        problems.add((), "the file must be a mapping with flow, languages, steps, prompts, ...")
        return problems
    for required in ("flow", "languages", "voices", "skills", "topics", "start", "steps",
                     "prompts"):  # fmt: skip
        if required not in data:
            problems.add((), f"missing top-level key '{required}'")
    if problems:
        return problems

    languages = data["languages"]
    if not _is_str_list(languages) or not languages:
        problems.add(("languages",), "'languages' must be a non-empty list such as [nl, en]")
        return problems
    default_language = data.get("default_language", languages[0])
    if default_language not in languages:
        problems.add(
            ("default_language",),
            f"default_language '{default_language}' is not in languages {languages}",
        )
    voices = data["voices"] if isinstance(data["voices"], dict) else {}
    for lang in languages:
        voice = voices.get(lang)
        if not isinstance(voice, dict) or not isinstance(voice.get("language"), str):
            problems.add(
                ("voices", lang),
                f"voices: language '{lang}' needs a voice with a BCP-47 'language'",
            )
        elif "-" not in voice["language"]:
            problems.add(
                ("voices", lang, "language"),
                f"voices: '{lang}' language '{voice['language']}' must be like nl-NL",
            )

    settings = {**DEFAULT_SETTINGS, **(data.get("settings") or {})}
    if not isinstance(settings.get("max_tries"), int) or settings["max_tries"] < 1:
        problems.add(
            ("settings", "max_tries"), "settings: max_tries must be a whole number of at least 1"
        )
    repeat_key = settings.get("repeat_key")
    if repeat_key not in {"*", "#"} | VALID_KEYS:
        problems.add(
            ("settings", "repeat_key"), f"settings: repeat_key '{repeat_key}' is not a phone key"
        )

    skills = data["skills"] if _is_str_list(data["skills"]) else []
    if not skills:
        problems.add(("skills",), "'skills' must be a non-empty list of skill ids")
    topics = data["topics"] if isinstance(data["topics"], dict) else {}
    if not topics:
        problems.add(("topics",), "'topics' must map topic ids to {skill, name}")
    for topic_id, topic in topics.items():
        here = ("topics", str(topic_id))
        if not isinstance(topic, dict):
            problems.add(here, f"topic '{topic_id}': must be a mapping with skill and name")
            continue
        if topic.get("skill") not in skills:
            problems.add(
                (*here, "skill"),
                f"topic '{topic_id}': skill '{topic.get('skill')}' is not a known skill {skills}",
            )
        names = topic.get("name") if isinstance(topic.get("name"), dict) else {}
        for lang in languages:
            if not isinstance(names.get(lang), str):
                problems.add((*here, "name"), f"topic '{topic_id}': no name in language '{lang}'")
        vocab.check_labels(problems, (*here, "staff"), f"topic '{topic_id}': staff label",
                           topic.get("staff"), languages)  # fmt: skip
        subtopics = topic.get("subtopics") or {}
        if not isinstance(subtopics, dict):
            problems.add(
                (*here, "subtopics"), f"topic '{topic_id}': 'subtopics' must map ids to names"
            )
            subtopics = {}
        for sub_id, sub_names in subtopics.items():
            for lang in languages:
                if not isinstance(sub_names, dict) or not isinstance(sub_names.get(lang), str):
                    problems.add(
                        (*here, "subtopics", str(sub_id)),
                        f"topic '{topic_id}': sub-topic '{sub_id}' has no name in '{lang}'",
                    )
    default_topic = data.get("default_topic", "general")
    if default_topic not in topics:
        problems.add(("default_topic",), f"default_topic '{default_topic}' is not a topic")
    referral_sources = data.get("referral_sources") or []
    if not _is_str_list(referral_sources):
        problems.add(("referral_sources",), "'referral_sources' must be a list of ids")
        referral_sources = []
    vocab.check_referral_staff(problems, data, languages, referral_sources)
    vocab.check_organisations(problems, data, languages, referral_sources)
    vocab.check_speech(problems, data, languages)
    organisations = data.get("organisations") if isinstance(data.get("organisations"), dict) else {}

    steps = data["steps"] if isinstance(data["steps"], dict) else {}
    prompts = data["prompts"] if isinstance(data["prompts"], dict) else {}
    # prompt -> (who uses it, where in the file)
    used_prompts: dict[str, tuple[str, tuple]] = {
        name: ("the engine", ("prompts",)) for name in ENGINE_PROMPTS
    }
    for lang in languages:  # the whisper names a caller who speaks another language
        if lang != default_language:
            used_prompts.setdefault(
                f"volunteer_caller_in_{lang}", ("the volunteer's whisper", ("prompts",))
            )

    def check_route(where: str, route: Any, path: tuple, in_wait: bool | None = None) -> None:
        if not isinstance(route, dict):
            problems.add(path, f"{where}: must be a mapping with 'goto'")
            return
        target = route.get("goto")
        if target is None:
            problems.add(path, f"{where}: has no 'goto'")
        elif target not in steps:
            problems.add((*path, "goto"), f"{where} leads to unknown step '{target}'")
        for key, value in (route.get("set") or {}).items():
            at = (*path, "set", str(key))
            if key not in SETTABLE:
                problems.add(at, f"{where}: cannot set '{key}' (only {sorted(SETTABLE)})")
            elif key == "language" and value not in languages:
                problems.add(at, f"{where}: language '{value}' is not offered by this flow")
            elif key == "topic" and value not in topics:
                problems.add(at, f"{where}: topic '{value}' is not a known topic")
            elif key == "referral" and value not in referral_sources:
                problems.add(at, f"{where}: referral '{value}' is not in referral_sources")
            elif key == "referral_org" and value not in organisations and value != "unknown":
                problems.add(at, f"{where}: referral_org '{value}' is not an organisation")
        waits = step_of(target).get("in_wait") or step_of(target).get("type") == "wait"
        if target in steps and in_wait is not None and bool(waits) != in_wait:
            problems.add(
                (*path, "goto"),
                f"{where} leads to step '{target}', which is "
                + ("not asked in the wait" if in_wait else "only for the wait"),
            )

    def step_of(step_id) -> dict:
        found = steps.get(step_id) if isinstance(step_id, str) else None
        return found if isinstance(found, dict) else {}

    edges: dict[str, list[str]] = {}
    for step_id, step in steps.items():
        where, here = f"step '{step_id}'", ("steps", str(step_id))
        if not isinstance(step, dict):
            problems.add(here, f"{where}: must be a mapping")
            continue
        kind = step.get("type")
        targets: list[str] = []
        if kind not in STEP_TYPES:
            problems.add(
                (*here, "type"), f"{where}: unknown type '{kind}' (one of {sorted(STEP_TYPES)})"
            )
            continue
        if step.get("enabled_by") is not None and step["enabled_by"] not in KNOWN_FLAGS:
            problems.add(
                (*here, "enabled_by"),
                f"{where}: enabled_by '{step['enabled_by']}' is not a known setting",
            )
        if kind in {"menu", "say"}:
            if not step.get("prompt"):
                problems.add(here, f"{where}: has no prompt")
            else:
                used_prompts.setdefault(step["prompt"], (where, (*here, "prompt")))
        if step.get("short_prompt"):
            used_prompts.setdefault(step["short_prompt"], (where, (*here, "short_prompt")))
        if "pause" in step and (not isinstance(step["pause"], int) or step["pause"] < 0):
            problems.add(
                (*here, "pause"), f"{where}: pause must be a whole number of seconds (0 for none)"
            )
        in_wait = bool(step.get("in_wait"))
        if kind == "queue" and step.get("wait_questions") is not None:
            first = step["wait_questions"]
            if not step_of(first).get("in_wait") or step_of(first).get("type") != "menu":
                problems.add(
                    (*here, "wait_questions"),
                    f"{where}: wait_questions '{first}' is not a menu asked in the wait",
                )
            else:
                targets.append(first)
        if kind == "menu":
            options = step.get("options")
            if not isinstance(options, list) or not options:
                problems.add((*here, "options"), f"{where}: a menu needs at least one option")
                options = []
            seen_keys: dict[str, int] = {}
            for index, option in enumerate(options):
                at = (*here, "options", index)
                key = str(option.get("key", "")) if isinstance(option, dict) else ""
                named = (
                    f"{where} key '{key}'" if key in VALID_KEYS else f"{where} option {index + 1}"
                )
                if not isinstance(option, dict):
                    problems.add(at, f"{named}: must be a mapping")
                    continue
                if key not in VALID_KEYS:
                    problems.add((*at, "key"), f"{named}: key '{key}' is not a single digit 0-9")
                elif key in seen_keys:
                    first = line_of(problems.lines, (*here, "options", seen_keys[key]))
                    also = f" (also on line {first})" if first else ""
                    problems.add((*at, "key"), f"{named} is used twice in this menu{also}")
                seen_keys.setdefault(key, index)
                speech = option.get("speech") or {}
                if isinstance(speech, str):
                    if speech not in vocab.WORD_LISTS:
                        problems.add(
                            (*at, "speech"), f"{named}: speech '{speech}' is not a word list"
                        )
                else:
                    for lang in languages:
                        if not _is_str_list(speech.get(lang)):
                            problems.add(
                                (*at, "speech"), f"{named}: no spoken words for language '{lang}'"
                            )
                check_route(named, option, at, in_wait)
                if isinstance(option.get("goto"), str):
                    targets.append(option["goto"])
            if options and PERSON_KEY not in seen_keys:
                problems.add(
                    (*here, "options"),
                    f"{where}: has no key {PERSON_KEY} (a person, in every menu)",
                )
            if step.get("organisations") is not None:
                at = (*here, "organisations")
                check_route(f"{where} organisations", step["organisations"], at, True)
                if isinstance(step["organisations"], dict):
                    targets.append(step["organisations"].get("goto"))
            for event in ("no_input", "wrong_input"):
                if event not in step:
                    problems.add(here, f"{where}: does not say where {event} leads")
                    continue
                check_route(f"{where} {event}", step[event], (*here, event), in_wait)
                if isinstance(step[event], dict) and isinstance(step[event].get("goto"), str):
                    targets.append(step[event]["goto"])
            for count in ("timeout", "max_tries"):
                if count in step and (not isinstance(step[count], int) or step[count] < 1):
                    problems.add(
                        (*here, count), f"{where}: {count} must be a whole number of at least 1"
                    )
        elif kind == "say":
            if step.get("hangup"):
                if step.get("goto"):
                    problems.add(here, f"{where}: has both goto and hangup")
            elif not step.get("goto"):
                problems.add(here, f"{where}: a say step needs 'goto' or 'hangup: true'")
            else:
                check_route(where, {"goto": step["goto"]}, here)
                targets.append(step["goto"])
        edges[step_id] = [t for t in targets if isinstance(t, str) and t in steps]

    entry_points = [("start", data.get("start")), ("closed_start", data.get("closed_start"))]
    roots = []
    for name, value in entry_points:
        if value is None and name == "closed_start":
            continue
        if value not in steps:
            problems.add((name,), f"{name} '{value}' is not a step")
        else:
            roots.append(value)
    reachable: set[str] = set()
    todo = deque(roots)
    while todo:
        current = todo.popleft()
        if current in reachable:
            continue
        reachable.add(current)
        todo.extend(edges.get(current, ()))
    for step_id in steps:
        if step_id not in reachable and roots:
            problems.add(("steps", str(step_id)), f"step '{step_id}' is unreachable from the start")
    if roots and not any(
        isinstance(steps[s], dict) and steps[s].get("type") == "queue" for s in reachable
    ):
        problems.add(
            ("steps",), "no queue step is reachable: callers could never reach a volunteer"
        )

    for prompt_id, (where, used_at) in used_prompts.items():
        texts = prompts.get(prompt_id)
        here = ("prompts", str(prompt_id))
        if not isinstance(texts, dict):
            problems.add(used_at, f"prompt '{prompt_id}' (used by {where}) does not exist")
            continue
        for lang in languages:
            lines_ = texts.get(lang)
            if not isinstance(lines_, list) or not lines_:
                problems.add(
                    here, f"prompt '{prompt_id}' (used by {where}) has no text in '{lang}'"
                )
                continue
            for index, line in enumerate(lines_, start=1):
                at = (*here, lang, index - 1)
                if isinstance(line, str):
                    continue
                if isinstance(line, dict) and isinstance(line.get("say"), str):
                    if line.get("lang", lang) not in languages:
                        problems.add(
                            at,
                            f"prompt '{prompt_id}' '{lang}' line {index}: voice "
                            f"'{line.get('lang')}' is not a language of this flow",
                        )
                    continue
                problems.add(at, f"prompt '{prompt_id}' '{lang}' line {index}: not text")
    return problems


def _route(raw: dict) -> Route:
    return Route(goto=raw["goto"], set={k: str(v) for k, v in (raw.get("set") or {}).items()})


def build(data: dict) -> Flow:
    """Turn checked raw data into a Flow."""
    languages = tuple(data["languages"])
    speech_settings, vocabulary = vocab.build_speech(data)

    def words(speech) -> dict[str, tuple[str, ...]]:
        if isinstance(speech, str):  # a word list of the vocabulary, e.g. 'person'
            return {lang: vocabulary.of(speech, lang) for lang in languages}
        return {lang: tuple(speech[lang]) for lang in languages}

    steps: dict[str, Step] = {}
    for step_id, raw in data["steps"].items():
        options = tuple(
            Option(key=str(o["key"]), speech=words(o["speech"]), route=_route(o))
            for o in raw.get("options") or ()
        )
        steps[step_id] = Step(
            id=step_id,
            type=raw["type"],
            prompt=raw.get("prompt"),
            short_prompt=raw.get("short_prompt"),
            options=options,
            no_input=_route(raw["no_input"]) if "no_input" in raw else None,
            wrong_input=_route(raw["wrong_input"]) if "wrong_input" in raw else None,
            timeout=raw.get("timeout"),
            max_tries=raw.get("max_tries"),
            enabled_by=raw.get("enabled_by"),
            goto=raw.get("goto"),
            hangup=bool(raw.get("hangup")),
            pause=raw.get("pause"),
            in_wait=bool(raw.get("in_wait")),
            organisations=_route(raw["organisations"]) if raw.get("organisations") else None,
            wait_questions=raw.get("wait_questions"),
        )
    prompts = {
        prompt_id: {
            lang: tuple(
                Line(line) if isinstance(line, str) else Line(line["say"], line.get("lang"))
                for line in texts[lang]
            )
            for lang in languages
            if lang in texts
        }
        for prompt_id, texts in data["prompts"].items()
        if isinstance(texts, dict)
    }
    return Flow(
        name=str(data["flow"]),
        languages=languages,
        default_language=data.get("default_language", languages[0]),
        voices={k: dict(v) for k, v in data["voices"].items()},
        settings={**DEFAULT_SETTINGS, **(data.get("settings") or {})},
        skills=tuple(data["skills"]),
        topics={
            tid: Topic(
                tid,
                t["skill"],
                dict(t["name"]),
                {sid: dict(names) for sid, names in (t.get("subtopics") or {}).items()},
                dict(t.get("staff") or {}),
            )
            for tid, t in data["topics"].items()
        },
        default_topic=data.get("default_topic", "general"),
        referral_sources=tuple(data.get("referral_sources") or ()),
        start=data["start"],
        closed_start=data.get("closed_start") or data["start"],
        steps=steps,
        prompts=prompts,
        organisations=vocab.build_organisations(data, languages),
        speech=speech_settings,
        vocabulary=vocabulary,
        referral_staff={k: dict(v) for k, v in (data.get("referral_staff") or {}).items()},
    )


def read(path: str | Path) -> tuple[Any, dict]:
    """Read raw YAML and the line of each of its parts; a syntax error is a FlowError that
    names the file, line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise FlowError(str(path), [f"cannot read the file: {exc.strerror}"]) from None
    try:
        return yaml.safe_load(text), line_map(text)
    except yaml.YAMLError as exc:
        raise FlowError(str(path), [syntax_error(exc)]) from None


def load(path: str | Path) -> Flow:
    """Load and check a flow; raises FlowError listing every problem with its line."""
    data, lines = read(path)
    problems = check(data, lines)
    if problems:
        raise FlowError(str(path), problems)
    return build(data)
