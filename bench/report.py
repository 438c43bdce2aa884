"""Write a benchmark's table into docs/benchmarks.md between its own markers."""

from __future__ import annotations

import re
import time
from pathlib import Path


def write_section(path: Path, name: str, how: str, table: str) -> None:
    """Replace (or append) the section ``<!-- name:begin -->`` ... ``<!-- name:end -->``."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text() if path.exists() else ""
    section = f"{begin}\nMeasured {time.strftime('%Y-%m-%d %H:%M')}, {how}:\n\n{table}\n{end}"
    if begin in text:
        pattern = re.escape(begin) + ".*?" + re.escape(end)
        text = re.sub(pattern, lambda _: section, text, flags=re.S)
    else:
        text += "\n" + section + "\n"
    path.write_text(text)
