"""Charts as plain SVG, drawn on the server: no script library, readable without JavaScript,
printable. Each chart has a title and a description for screen readers, and every chart on a
page sits next to a table with the same numbers."""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

# Colours with at least 3:1 contrast against white and each other's neighbours (WCAG 1.4.11).
COLOURS = ("#0b3d91", "#1b6e35", "#a11a1a", "#8a5a00", "#5b2a86")
INK = "#1a1a1a"


def _svg(width: int, height: int, title: str, desc: str, body: list[str], ident: str) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="{ident}-t {ident}-d">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def ticks(peak: float, most: int = 5) -> tuple[list[int], int]:
    """The axis values for a chart up to ``peak``: whole, distinct numbers from 0 in steps of
    1, 2 or 5 times a power of ten, at most ``most`` + 1 of them; and the axis's top."""
    peak = max(1, math.ceil(peak))
    step = 1
    while math.ceil(peak / step) > most:
        step = _next_step(step)
    top = math.ceil(peak / step) * step
    return list(range(0, top + 1, step)), top


def _next_step(step: int) -> int:
    """1, 2, 5, 10, 20, 50, ..."""
    digits = str(step)
    return step * 5 // 2 if digits[0] == "2" else step * 2


def grouped_bars(
    ident: str,
    title: str,
    labels: list[str],
    series: list[tuple[str, list[float]]],
) -> Markup:
    """Bars per label, one per series (e.g. weeks × offered/answered/abandoned)."""
    width, height, left, bottom, top = 760, 300, 48, 40, 36
    values_, peak = ticks(max([max(values, default=0) for _, values in series] + [0]))
    plot_h = height - bottom - top
    group_w = (width - left - 10) / max(1, len(labels))
    bar_w = max(2.0, (group_w - 8) / max(1, len(series)))
    body = []
    for value in values_:  # grid lines and their values: whole numbers, each once
        y = top + plot_h - plot_h * value / peak
        body.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#c8ccd4"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{INK}">{value}</text>'
        )
    for i, label in enumerate(labels):
        x0 = left + i * group_w + 4
        for j, (name, values) in enumerate(series):
            value = values[i] if i < len(values) else 0
            bar_h = plot_h * value / peak
            x = x0 + j * bar_w
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w - 1:.1f}" '
                f'height="{bar_h:.1f}" fill="{COLOURS[j % len(COLOURS)]}">'
                f"<title>{escape(label)}: {escape(name)} {value:g}</title></rect>"
            )
        body.append(
            f'<text x="{x0 + group_w / 2 - 4:.1f}" y="{height - bottom + 16}" font-size="11" '
            f'text-anchor="middle" fill="{INK}">{escape(label[-3:] if "-W" in label else label)}'
            "</text>"
        )
    for j, (name, _) in enumerate(series):  # legend
        x = left + j * 150
        body.append(
            f'<rect x="{x}" y="8" width="14" height="14" fill="{COLOURS[j % len(COLOURS)]}"/>'
            f'<text x="{x + 20}" y="20" font-size="13" fill="{INK}">{escape(name)}</text>'
        )
    desc = "; ".join(
        f"{label}: " + ", ".join(f"{name} {values[i]:g}" for name, values in series)
        for i, label in enumerate(labels)
    )
    return _svg(width, height, title, desc, body, ident)


def heatmap(ident: str, title: str, grid: list[list[float]], days: list[str]) -> Markup:
    """Weekday × hour, darker is busier."""
    cell, left, top = 26, 92, 24
    width, height = left + 24 * cell + 10, top + 7 * cell + 10
    peak = max([max(row) for row in grid] + [0.001])
    body = []
    for hour in range(0, 24, 2):
        body.append(
            f'<text x="{left + hour * cell + cell / 2}" y="16" font-size="11" '
            f'text-anchor="middle" fill="{INK}">{hour:02d}</text>'
        )
    for d, row in enumerate(grid):
        y = top + d * cell
        body.append(
            f'<text x="{left - 8}" y="{y + cell * 0.65:.1f}" font-size="12" text-anchor="end" '
            f'fill="{INK}">{escape(days[d])}</text>'
        )
        for hour, value in enumerate(row):
            shade = value / peak
            # from near white to the dark blue, in steps a reader can tell apart
            light = round(96 - 70 * shade)
            body.append(
                f'<rect x="{left + hour * cell}" y="{y}" width="{cell - 2}" height="{cell - 2}" '
                f'fill="hsl(218, 70%, {light}%)" stroke="#c8ccd4">'
                f"<title>{escape(days[d])} {hour:02d}:00: {value:g}</title></rect>"
            )
    busiest = sorted(
        ((value, d, h) for d, row in enumerate(grid) for h, value in enumerate(row)), reverse=True
    )[:3]
    desc = "Drukste uren: " + ", ".join(
        f"{days[d]} {h:02d}:00 ({v:g})" for v, d, h in busiest if v > 0
    )
    return _svg(width, height, title, desc, body, ident)


def horizontal_bars(ident: str, title: str, items: list[tuple[str, float]]) -> Markup:
    """Labelled bars, longest first (e.g. the top sub-topics)."""
    row_h, left, width = 28, 260, 760
    height = max(1, len(items)) * row_h + 10
    peak = max([v for _, v in items] + [1])
    body = []
    for i, (label, value) in enumerate(items):
        y = 5 + i * row_h
        bar = (width - left - 60) * value / peak
        body.append(
            f'<text x="{left - 8}" y="{y + 18}" font-size="13" text-anchor="end" fill="{INK}">'
            f"{escape(label)}</text>"
            f'<rect x="{left}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 10}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{left + bar + 6:.1f}" y="{y + 18}" font-size="13" fill="{INK}">'
            f"{value:g}</text>"
        )
    desc = "; ".join(f"{label}: {value:g}" for label, value in items) or "Geen gegevens."
    return _svg(width, height, title, desc, body, ident)
