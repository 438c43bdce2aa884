"""Where things are in a YAML file: the line of every key and list item, so the flow checker
can point at the line a problem is on, and a syntax error names the file and line."""

from __future__ import annotations

from collections.abc import Hashable

import yaml

Path = tuple[Hashable, ...]


def line_map(text: str) -> dict[Path, int]:
    """Path (keys and list indexes from the top) -> 1-based line, for every node of the
    document; {} when it does not parse (``yaml.safe_load`` reports that)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    lines: dict[Path, int] = {}
    if root is not None:
        _walk(root, (), lines)
    return lines


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
            lines[(*path, name)] = key.start_mark.line + 1
            _walk(value, (*path, name), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of the nearest thing around it that is in the file (a missing
    key is reported on the line of the mapping that lacks it)."""
    for end in range(len(path), -1, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None


class Problem(str):
    """A problem's text ('line 12: step ...'), with its ``line`` and ``message`` apart."""

    line: int | None
    message: str

    def __new__(cls, message: str, line: int | None = None) -> Problem:
        problem = super().__new__(cls, f"line {line}: {message}" if line else message)
        problem.line, problem.message = line, message
        return problem


class Problems(list):
    """Problems found in a file, each on the line of the part it is about (when known)."""

    def __init__(self, lines: dict[Path, int] | None = None):
        super().__init__()
        self.lines = lines or {}

    def add(self, path: Path, message: str) -> None:
        self.append(Problem(message, line_of(self.lines, path)))


def syntax_error(exc: yaml.YAMLError) -> Problem:
    """A YAML syntax error in one line, with its line and column."""
    mark = getattr(exc, "problem_mark", None)
    what = " ".join(
        part for part in (getattr(exc, "context", None), getattr(exc, "problem", None)) if part
    )
    column = f"column {mark.column + 1}: " if mark else ""
    return Problem(f"{column}not valid YAML: {what or exc}", mark.line + 1 if mark else None)
