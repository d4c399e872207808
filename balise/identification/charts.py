"""A small server-rendered SVG bar chart (no script, no inline style: CSP-safe)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

WIDTH, HEIGHT, PAD_X, PAD_Y = 720, 260, 48, 32


def _n(value: float) -> str:
    return f"{value:.1f}"


def trend_svg(trend: list[dict[str, Any]], target_days: int) -> SafeString:
    """Median days to the preliminary decision per month, with the target as a line.

    The chart is decorative for screen readers (``aria-hidden``): the data table and the text
    summary next to it carry the same figures."""
    values = [row["median_days"] or 0 for row in trend]
    top = max([*values, float(target_days), 1.0]) * 1.1
    n = max(len(trend), 1)
    slot = (WIDTH - 2 * PAD_X) / n
    plot_h = HEIGHT - 2 * PAD_Y

    def y(v: float) -> float:
        return HEIGHT - PAD_Y - (v / top) * plot_h

    bars = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"></rect>'
        '<text class="label" x="{}" y="{}" text-anchor="middle">{}</text>'
        '<text class="value" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (
                _n(PAD_X + i * slot + slot * 0.15),
                _n(y(v)),
                _n(slot * 0.7),
                _n(HEIGHT - PAD_Y - y(v)),
                _n(PAD_X + i * slot + slot / 2),
                HEIGHT - PAD_Y + 16,
                row["month"][2:],
                _n(PAD_X + i * slot + slot / 2),
                _n(y(v) - 4),
                "" if row["median_days"] is None else f"{row['median_days']:g}",
            )
            for i, (row, v) in enumerate(zip(trend, values, strict=True))
        ),
    )
    target_y = y(float(target_days))
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-hidden="true" focusable="false">'
        '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>{}'
        '<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="target-label" x="{}" y="{}">{}</text></svg>',
        WIDTH,
        HEIGHT,
        PAD_X,
        HEIGHT - PAD_Y,
        WIDTH - PAD_X,
        HEIGHT - PAD_Y,
        bars,
        PAD_X,
        _n(target_y),
        WIDTH - PAD_X,
        _n(target_y),
        PAD_X + 4,
        _n(target_y - 4),
        _("target: %(n)s working days") % {"n": target_days},
    )
