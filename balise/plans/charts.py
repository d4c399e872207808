"""Charts as server-rendered inline SVG (no script, no external library). Each chart carries a
title and a text description for assistive technologies; pages show its data table next to it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from balise.plans.enums import MeasureStatus

WIDTH, HEIGHT = 520, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


def _fmt(value: Decimal | float) -> str:
    d = Decimal(str(value))
    return f"{d.normalize():f}" if d == d.to_integral() else f"{d:.2f}"


def indicator_chart(
    *,
    chart_id: str,
    title: str,
    points: Sequence[tuple[datetime.date, Decimal]],
    target: Decimal | None,
    unit: str = "",
) -> SafeString:
    """A line chart of measured values over time with the target as a dashed line."""
    if points:
        latest_date, latest = points[-1]
        desc = _("%(n)s measured values from %(first)s to %(last)s; latest %(value)s %(unit)s.") % {
            "n": len(points),
            "first": points[0][0].isoformat(),
            "last": latest_date.isoformat(),
            "value": _fmt(latest),
            "unit": unit,
        }
    else:
        desc = _("No measured value yet.")
    if target is not None:
        desc += " " + _("Target: %(target)s %(unit)s.") % {"target": _fmt(target), "unit": unit}
    values = [float(v) for _d, v in points]
    top_value = max(values + ([float(target)] if target is not None else []) + [1.0])
    top_value *= 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    if len(points) > 1:
        d0, d1 = points[0][0].toordinal(), points[-1][0].toordinal()
        span = max(1, d1 - d0)
    else:
        d0, span = (points[0][0].toordinal() if points else 0), 1

    def x(day: datetime.date) -> float:
        if len(points) <= 1:
            return LEFT + plot_w / 2
        return LEFT + (day.toordinal() - d0) / span * plot_w

    def y(v: float) -> float:
        return TOP + plot_h - (v / top_value) * plot_h

    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'direction="ltr" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}"/>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}"/>',
    ]
    for frac in (0, 0.5, 1):
        v = top_value / 1.1 * frac
        parts.append(
            f'<text class="chart-label" x="{LEFT - 6}" y="{y(v) + 4:.1f}" '
            f'text-anchor="end">{escape(_fmt(round(v, 2)))}</text>'
        )
    if target is not None:
        ty = y(float(target))
        parts.append(
            f'<line class="chart-target" x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{ty:.1f}"/>'
            f'<text class="chart-label" x="{WIDTH - RIGHT}" y="{ty - 4:.1f}" '
            f'text-anchor="end">{escape(_("target"))} {escape(_fmt(target))}</text>'
        )
    if points:
        coords = " ".join(f"{x(d):.1f},{y(float(v)):.1f}" for d, v in points)
        if len(points) > 1:
            parts.append(f'<polyline class="chart-line" points="{coords}"/>')
        for d, v in points:
            parts.append(
                f'<circle class="chart-point" cx="{x(d):.1f}" cy="{y(float(v)):.1f}" r="3"/>'
            )
        parts.append(
            f'<text class="chart-label" x="{LEFT}" y="{HEIGHT - 10}">'
            f"{escape(points[0][0].isoformat())}</text>"
        )
        if len(points) > 1:
            parts.append(
                f'<text class="chart-label" x="{WIDTH - RIGHT}" y="{HEIGHT - 10}" '
                f'text-anchor="end">{escape(points[-1][0].isoformat())}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped


def status_by_axis_chart(*, chart_id: str, title: str, axes: Sequence) -> SafeString:
    """Horizontal stacked bars: one bar per axis, one segment per measure status."""
    statuses = list(MeasureStatus.values)
    row_h, gap, label_w = 22, 10, 60
    height = TOP + len(axes) * (row_h + gap) + 40
    plot_w = WIDTH - label_w - RIGHT
    biggest = max([a.total for a in axes] + [1])
    summary = "; ".join(
        _("axis %(n)s: %(engaged)s of %(total)s engaged")
        % {"n": a.axis.number, "engaged": a.engaged, "total": a.total}
        for a in axes
    )
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {height}" '
        f'direction="ltr" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(summary)}</desc>',
    ]
    for i, a in enumerate(axes):
        top = TOP + i * (row_h + gap)
        parts.append(
            f'<text class="chart-label" x="{label_w - 8}" y="{top + row_h - 6}" '
            f'text-anchor="end">{escape(_("Axis"))} {a.axis.number}</text>'
        )
        x = float(label_w)
        for status in statuses:
            n = a.counts.get(status, 0)
            if not n:
                continue
            w = n / biggest * plot_w
            parts.append(
                f'<rect class="bar-{status}" x="{x:.1f}" y="{top}" width="{w:.1f}" '
                f'height="{row_h}"><title>{escape(MeasureStatus(status).label)}: {n}</title></rect>'
            )
            x += w
    legend_y = height - 14
    x = float(label_w)
    for status in statuses:
        parts.append(
            f'<rect class="bar-{status}" x="{x:.1f}" y="{legend_y - 10}" width="12" height="12"/>'
            f'<text class="chart-label" x="{x + 16:.1f}" y="{legend_y}">'
            f"{escape(MeasureStatus(status).label)}</text>"
        )
        x += 110
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every interpolated text is escaped
