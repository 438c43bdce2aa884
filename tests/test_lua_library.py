"""The Lua library: scripts composed from shared pieces, named arguments, and no copied blocks."""

from __future__ import annotations

import re

import pytest
import redis

from helpline import config as config_module
from helpline import keys
from helpline.ivr import flow as flow_module
from helpline.routing.router import Router
from helpline.scripts import (
    LIB_DIR,
    LUA_DIR,
    Script,
    Scripts,
    compose,
    composed_scripts,
    pieces,
    uses,
)
from ivr_flows import DEFAULT_FLOW
from tests.conftest import ManualClock

WINDOW = 6  # lines: no block this long repeats within helpline/lua
LUA_KEYWORDS = {
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in",
    "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}  # fmt: skip
TOKEN = re.compile(
    r"""(?P<comment>--.*$)|(?P<string>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")"""
    r"""|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_]\w*)|(?P<other>\S)"""
)


def shape(line: str) -> str:
    """A line with its names, strings and numbers replaced by placeholders and comments
    dropped (Lua keywords and punctuation stay); '' for a blank or comment line. A field or a
    constant index counts as a name: ``args.now``, ``ARGV[3]`` and ``now`` look alike."""
    out: list[str] = []
    for found in TOKEN.finditer(line):
        kind, text = found.lastgroup, found.group()
        if kind == "comment":
            break
        if kind == "name" and text not in LUA_KEYWORDS:
            text = "N"
        out.append({"string": "S", "number": "0"}.get(kind, text))
        while out[-3:] == ["N", ".", "N"] or out[-4:] in (
            ["N", "[", "0", "]"],
            ["N", "[", "S", "]"],
        ):
            del out[-2 if out[-2] == "." else -3 :]
    return " ".join(out)


def code_lines(text: str) -> list[tuple[int, str]]:
    """The number and shape of each line that is not blank or a comment."""
    return [(n, s) for n, line in enumerate(text.splitlines(), 1) if (s := shape(line))]


def repeated_blocks(files: dict[str, str], window: int = WINDOW) -> list[str]:
    """Each run of ``window`` or more code lines whose shapes stand again elsewhere, naming
    both places (a longer run once, with all its lines)."""
    code = {name: code_lines(text) for name, text in files.items()}
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    runs: dict[tuple[str, str, int], list[int]] = {}  # (file, other, shift) -> [first, last]
    found: list[tuple[tuple[str, str, int], list[int]]] = []
    for name, lines in code.items():
        for i in range(len(lines) - window + 1):
            block = tuple(s for _, s in lines[i : i + window])
            other, other_i = seen.setdefault(block, (name, i))
            if other == name and i - other_i < window:
                continue  # the first place, or like lines overlapping themselves
            key = (name, other, i - other_i)
            if key in runs and runs[key][1] == i - 1:
                runs[key][1] = i  # the same run, one line longer
            else:
                runs[key] = [i, i]
                found.append((key, runs[key]))
    messages = []
    for (name, other, shift), (first, last) in found:
        here, there = code[name], code[other]
        messages.append(
            f"{name}:{here[first][0]}-{here[last + window - 1][0]} repeats "
            f"{other}:{there[first - shift][0]}-{there[last - shift + window - 1][0]}"
        )
    return messages


def lua_files() -> dict[str, str]:
    """Every .lua file below helpline/lua once (a library piece once, however many use it)."""
    return {
        str(path.relative_to(LUA_DIR)): path.read_text() for path in sorted(LUA_DIR.rglob("*.lua"))
    }


def test_no_block_of_six_lines_repeats_within_helpline_lua():
    assert repeated_blocks(lua_files()) == []


def test_the_repeat_check_finds_a_block_copied_with_other_names():
    original = """local score = tonumber(ARGV[3])
if ARGV[4] == 'fewest_calls' then
  score = tonumber(redis.call('HGET', KEYS[1], 'calls_today') or '0') * 1e13 + score
end

-- comments and blank lines do not count
for i = 4, #KEYS do
  redis.call('ZADD', KEYS[i], score, ARGV[1])
"""
    copy = """return 1
local rank = tonumber(args.now)  -- renamed
if args.strategy == 'other' then
  rank = tonumber(redis.call('HGET', KEYS[2], 'missed') or '1') * 10 + rank
end
for j = 5, #KEYS do
  redis.call('ZADD', KEYS[j], rank, args.volunteer)
"""
    assert repeated_blocks({"a.lua": original, "b.lua": copy}) == ["b.lua:2-7 repeats a.lua:1-8"]
    changed = copy.replace(" * 10 + rank", " + rank")  # another shape: no longer a copy
    assert repeated_blocks({"a.lua": original, "b.lua": changed}) == []


def test_every_piece_is_one_local_function_named_as_its_file():
    for path in sorted(LIB_DIR.glob("*.lua")):
        assert re.findall(r"^local function (\w+)\(", path.read_text(), re.M) == [path.stem]


def test_a_script_names_every_piece_it_calls_and_uses_each_one():
    library = {path.stem for path in LIB_DIR.glob("*.lua")}
    used_somewhere = set()
    for path in sorted(LUA_DIR.glob("*.lua")):
        source = path.read_text()
        called = {name for name in library if re.search(rf"\b{name}\(", source)}
        assert set(pieces(source)) >= called, path.name
        assert set(uses(source)) <= called, f"{path.name} names pieces it does not call"
        used_somewhere |= set(pieces(source))
    assert used_somewhere == library  # no piece is left unused


def test_every_composed_script_loads_into_a_real_redis(r):
    for composed in composed_scripts():
        sha = r.script_load(composed.source)
        assert r.script_exists(sha) == [True], composed.name
    assert {c.name for c in composed_scripts()} == {p.stem for p in LUA_DIR.glob("*.lua")}


def test_a_piece_comes_once_after_the_pieces_it_uses():
    composed = compose("x", "-- uses: make_available, routing_score\nreturn 1")
    assert composed.pieces == ("routing_score", "make_available")
    assert composed.source.count("local function routing_score(") == 1
    assert composed.source.index("function routing_score(") < composed.source.index(
        "function make_available("
    )


def test_a_redis_error_names_the_script_file_and_its_line(r):
    script = Script(r, compose("broken", "-- uses: arrival_of\nlocal x = 1\nreturn nope.field"))
    with pytest.raises(redis.ResponseError, match=r"\(helpline/lua/broken\.lua line 3\)"):
        script([])
    inside = Script(r, compose("bad_span", "-- uses: arrival_of\nreturn arrival_of('1', {})"))
    with pytest.raises(redis.ResponseError, match=r"\(helpline/lua/lib/arrival_of\.lua line 3\)"):
        inside([])


def test_named_arguments_keep_large_integers_and_their_types(r):
    echo = Script(r, compose("echo", "return cjson.encode(args)"))
    big = 2**63 - 1
    sent = {
        "big": big,
        "ms": 1_790_000_000_123,
        "score": 91_790_000_000_123,
        "ratio": 0.25,
        "flag": True,
        "off": False,
        "pairs": [("outcome", "advice"), ("n", 2**53 + 1)],
        "counts": {"all": 3},
    }
    back = echo([], **sent)
    assert '"big":"9223372036854775807"' in back
    assert '"pairs":[["outcome","advice"],["n","9007199254740993"]]' in back
    assert '"flag":true' in back and '"off":false' in back and '"ratio":"0.25"' in back
    stored = Script(r, compose("store", "redis.call('SET', KEYS[1], args.n)\nreturn args.n"))
    assert stored(["hl:{hl}:test"], n=big) == str(big)
    assert r.get("hl:{hl}:test") == str(big)
    with pytest.raises(TypeError):
        echo([], missing=None)


def test_a_fewest_calls_score_above_ten_to_the_fourteenth_is_stored_exactly(r):
    clock = ManualClock(start_ms=1_790_000_000_123)
    config = config_module.load(
        {"HELPLINE_ENV": "test", "HELPLINE_ROUTING_STRATEGY": "fewest_calls"}
    )
    router = Router(r, config, flow_module.load(DEFAULT_FLOW), clock)
    router.save_volunteer(
        "busy", name="b", phone="+31600000000", skills=["digid"], languages=["nl"]
    )
    r.hset(keys.volunteer("busy"), mapping={"calls_day": router.today(), "calls_today": 12})
    assert router.set_state("busy", "available") == "available"
    expected = 12 * 10**13 + 1_790_000_000_123
    assert r.zscore(keys.available("digid", "nl"), "busy") == expected
    assert r.hget(keys.volunteer("busy"), "idle_since") == "1790000000123"


def test_scripts_are_registered_once_per_client(r):
    assert Scripts.of(r) is Scripts.of(r)
    assert Scripts.of(r).enqueue.composed.name == "enqueue"
