"""A diagram of the IVR flow, drawn from ``ivr_flows/`` (the same data the engine reads), and
the same flow as a list for screen readers and print."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from helpline import texts

BOX_W, BOX_H, GAP_X, GAP_Y = 230, 64, 90, 28


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


def edges(flow, lang: str = "nl") -> list[Edge]:
    words = {
        "no_input": texts.gettext(lang, "flow_no_input"),
        "wrong_input": texts.gettext(lang, "flow_wrong_input"),
    }
    out = []
    for step in flow.steps.values():
        for option in step.options:
            label = texts.gettext(lang, "flow_key", key=option.key)
            if option.route.set:
                label += " (" + ", ".join(f"{k}={v}" for k, v in option.route.set.items()) + ")"
            out.append(Edge(step.id, option.route.goto, label))
        for name in ("no_input", "wrong_input"):
            route = getattr(step, name)
            if route:
                out.append(Edge(step.id, route.goto, words[name]))
        if step.goto:
            out.append(Edge(step.id, step.goto, ""))
    return out


def layers(flow) -> list[list[str]]:
    """Steps by their distance from the start (open and closed starts first)."""
    depth: dict[str, int] = {}
    frontier = [s for s in (flow.start, flow.closed_start) if s]
    for s in frontier:
        depth[s] = 0
    links = edges(flow)
    while frontier:
        nxt = []
        for source in frontier:
            for edge in links:
                if edge.source == source and edge.target not in depth:
                    depth[edge.target] = depth[source] + 1
                    nxt.append(edge.target)
        frontier = nxt
    for step in flow.steps:  # anything not reached (the checker forbids it) goes last
        depth.setdefault(step, max(depth.values(), default=0) + 1)
    out: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for step, d in depth.items():
        out[d].append(step)
    return out


def prompt_text(flow, step, lang: str) -> str:
    if not step.prompt:
        return step.type
    lines = flow.prompts.get(step.prompt, {}).get(lang) or []
    return " ".join(getattr(line, "text", str(line)) for line in lines)


def wrap(text: str, width: int, lines: int) -> list[str]:
    """At most ``lines`` lines of at most ``width`` characters, broken between words; a text
    that does not fit ends with '…' after a whole word."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        out.append(line[: width - 1] + "…" if len(line) > width else line)
    if words and out:
        last = out[-1]
        out[-1] = (last if len(last) < width else last.rsplit(" ", 1)[0]) + " …"
    return out


def diagram(flow, lang: str = "nl") -> Markup:
    grid = layers(flow)
    where: dict[str, tuple[float, float]] = {}
    for col, steps in enumerate(grid):
        for row, step in enumerate(steps):
            where[step] = (20 + col * (BOX_W + GAP_X), 20 + row * (BOX_H + GAP_Y))
    width = 40 + len(grid) * (BOX_W + GAP_X)
    height = 40 + max(len(s) for s in grid) * (BOX_H + GAP_Y)
    title = texts.gettext(lang, "flow_title")
    body = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#4a4a4a"/></marker>'
        "</defs>"
    ]
    grouped: dict[tuple[str, str], list[str]] = {}
    for edge in edges(flow, lang):
        grouped.setdefault((edge.source, edge.target), []).append(edge.label)
    merged = []
    for (source, target), labels in grouped.items():
        label = ", ".join(label for label in labels if label)
        merged.append(
            Edge(
                source,
                target,
                texts.ngettext(lang, "flow_choices", len(labels)) if len(label) > 24 else label,
            )
        )
    for edge in merged:
        if edge.source not in where or edge.target not in where:
            continue
        (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
        sx, sy = x1 + BOX_W, y1 + BOX_H / 2
        tx, ty = (x2, y2 + BOX_H / 2) if x2 > x1 else (x2 + BOX_W / 2, y2 + BOX_H)
        if edge.source == edge.target:
            continue
        body.append(
            f'<path d="M{sx},{sy} C{sx + 40},{sy} {tx - 40},{ty} {tx},{ty}" fill="none" '
            f'stroke="#4a4a4a" stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
        if edge.label:
            body.append(
                f'<text x="{(sx + tx) / 2:.0f}" y="{(sy + ty) / 2 - 6:.0f}" font-size="12" '
                f'text-anchor="middle" fill="#1a1a1a">{escape(edge.label)}</text>'
            )
    for step_id, (x, y) in where.items():
        step = flow.steps.get(step_id)
        kind = step.type if step else "?"
        body.append(
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="8" fill="#ffffff" '
            f'stroke="#0b3d91" stroke-width="2"/>'
            f'<text x="{x + 10}" y="{y + 20}" font-size="14" font-weight="700" fill="#0b3d91">'
            f"{escape(wrap(f'{step_id} ({kind})', 28, 1)[0])}</text>"
        )
        if step:
            for n, line in enumerate(wrap(prompt_text(flow, step, lang), 36, 2)):
                body.append(
                    f'<text x="{x + 10}" y="{y + 38 + n * 16}" font-size="12" fill="#1a1a1a">'
                    f"{escape(line)}</text>"
                )
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart flow" role="img" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="flow-t"><title id="flow-t">{escape(title)}</title>'
    )
    return Markup(head + "".join(body) + "</svg>")
