"""CSV exports: the same columns as the JSON rows, a header per column, and no cell that a
spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io


def safe(value) -> object:
    """A cell starting with = + - @ (or a tab or return) is text, never a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] and text[0] in "=+-@\t\r" else value


def csv_text(columns: list[str], rows: list[dict]) -> str:
    """The rows as CSV, one column per key in ``columns``; lists are joined with '; '."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        cells = []
        for name in columns:
            value = row.get(name)
            if isinstance(value, list | tuple):
                value = "; ".join(str(v) for v in value)
            cells.append(safe("" if value is None else value))
        writer.writerow(cells)
    return out.getvalue()
