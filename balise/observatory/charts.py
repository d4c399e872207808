"""Server-rendered SVG charts (no script, no inline style: classes only, strict CSP). Each
chart carries a title and a text description; pages show its data table beside it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Point = tuple[str, int | None, str]  # label, value (None when suppressed), displayed figure


def _open(width: int, height: int, title: str, description: str) -> tuple[str, str]:
    ident = f"c{uuid.uuid4().hex[:8]}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="obs-chart" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{ident}-t {ident}-d" dir="ltr">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>'
    )
    return head, ident


def describe(points: Sequence[Point]) -> str:
    return "; ".join(f"{label}: {display}" for label, _value, display in points)


def _short(label: str, size: int = 38) -> str:
    """Long category names are shortened in the chart (the data table keeps them whole)."""
    return label if len(label) <= size else label[: size - 1] + "…"


def bar_chart(points: Sequence[Point], title: str) -> SafeString:
    """Horizontal bars; a suppressed figure shows its marker instead of a bar."""
    row, label_width, bar_width = 26, 300, 260
    height = row * max(len(points), 1) + 10
    head, _ident = _open(label_width + bar_width + 60, height, title, describe(points))
    top = max([v for _label, v, _d in points if v] or [1])
    parts = [head]
    for i, (label, value, display) in enumerate(points):
        y = 5 + i * row
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" class="obs-label">'
            f"{escape(_short(label))}</text>"
        )
        length = int(bar_width * (value or 0) / top)
        if value:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 8}" '
                'class="obs-bar"/>'
            )
        parts.append(
            f'<text x="{label_width + length + 6}" y="{y + 17}" class="obs-value">'
            f"{escape(display)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text escaped above)


def line_chart(points: Sequence[Point], title: str) -> SafeString:
    """A line over time; gaps where a figure is suppressed."""
    width, height, pad = 520, 240, 40
    head, _ident = _open(width, height, title, describe(points))
    values = [v for _label, v, _d in points if v is not None]
    top = max(values or [1]) or 1
    n = max(len(points) - 1, 1)

    def xy(i: int, value: int) -> tuple[float, float]:
        return (
            pad + (width - 2 * pad) * i / n,
            height - pad - (height - 2 * pad) * value / top,
        )

    parts = [
        head,
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'class="obs-axis"/>',
    ]
    segment: list[str] = []
    for i, (label, value, display) in enumerate(points):
        x = xy(i, 0)[0]
        parts.append(
            f'<text x="{x:.0f}" y="{height - pad + 18}" text-anchor="middle" class="obs-label">'
            f"{escape(label)}</text>"
        )
        if value is None:
            if len(segment) > 1:
                parts.append(f'<polyline points="{" ".join(segment)}" class="obs-line"/>')
            segment = []
            parts.append(
                f'<text x="{x:.0f}" y="{height - pad - 6}" text-anchor="middle" '
                f'class="obs-value">{escape(display)}</text>'
            )
            continue
        px, py = xy(i, value)
        segment.append(f"{px:.1f},{py:.1f}")
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" class="obs-point"/>')
        parts.append(
            f'<text x="{px:.0f}" y="{py - 9:.0f}" text-anchor="middle" class="obs-value">'
            f"{escape(display)}</text>"
        )
    if len(segment) > 1:
        parts.append(f'<polyline points="{" ".join(segment)}" class="obs-line"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def tile_map(points: Sequence[Point], title: str, columns: int = 4) -> SafeString:
    """Regions as a tile grid shaded in five classes (a choropleth without map tiles)."""
    size, gap = 120, 8
    rows = (len(points) + columns - 1) // columns or 1
    head, _ident = _open(columns * (size + gap), rows * (size + gap), title, describe(points))
    top = max([v for _label, v, _d in points if v] or [1])
    parts = [head]
    for i, (label, value, display) in enumerate(points):
        x, y = (i % columns) * (size + gap), (i // columns) * (size + gap)
        level = min(4, int(5 * value / (top + 1))) if value else None
        shade = "obs-tile-none" if level is None else f"obs-tile-{level}"
        ink = " obs-ink-light" if level is not None and level >= 3 else ""
        parts.append(
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="6" class="{shade}"/>'
            f'<text x="{x + size / 2:.0f}" y="{y + 50}" text-anchor="middle" '
            f'class="obs-tile-label{ink}">{escape(label[:18])}</text>'
            f'<text x="{x + size / 2:.0f}" y="{y + 80}" text-anchor="middle" '
            f'class="obs-tile-value{ink}">{escape(display)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
