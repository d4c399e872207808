"""The content of the dashboard and of the annual report, shared by the page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import charts
from .enums import ReleaseStatus
from .models import ExternalSeries, Release
from .presentation import (
    DIMENSION_LABELS,
    label,
    national_breakdown,
    national_value,
    regional_totals,
)

STAGES = [
    ("referred", _("Persons referred")),
    ("identified", _("Persons identified")),
    ("accompanied", _("Persons accompanied")),
]


@dataclass
class Figure:
    label: Any
    current: dict[str, Any]
    previous: dict[str, Any] | None = None

    @property
    def change(self) -> str:
        if not self.previous:
            return ""
        a, b = self.previous.get("value"), self.current.get("value")
        if a is None or b is None:
            return ""
        return f"{b - a:+d}"


@dataclass
class Chart:
    title: Any
    svg: str
    header: tuple[Any, Any]
    rows: list[tuple[Any, str]]


@dataclass
class Report:
    release: Release
    previous: Release | None
    figures: list[Figure]
    charts: list[Chart]
    delays: list[dict[str, Any]]
    external: list[ExternalSeries] = field(default_factory=list)
    method: list[Any] = field(default_factory=list)


def previous_release(release: Release) -> Release | None:
    return (
        Release.objects.filter(
            year=release.year - 1,
            quarter=release.quarter,
            area=release.area,
            status=ReleaseStatus.PUBLISHED,
        )
        .order_by("-version")
        .first()
    )


def _points(items: list[tuple[str, Any, dict[str, Any]]]) -> list[charts.Point]:
    return [(str(lab), cell.get("value"), cell.get("display", "")) for _c, lab, cell in items]


def _chart(kind: str, title: Any, header: Any, points: list[charts.Point]) -> Chart:
    render = {"bar": charts.bar_chart, "line": charts.line_chart, "map": charts.tile_map}[kind]
    return Chart(
        title,
        render(points, str(title)),
        (header, _("Number")),
        [(lab, display) for lab, _v, display in points],
    )


def build_report(release: Release, *, include_drafts_series: bool = False) -> Report:
    previous = previous_release(release)
    figures = [
        Figure(
            text,
            national_value(release, f"{stage}_by_sex"),
            national_value(previous, f"{stage}_by_sex") if previous else None,
        )
        for stage, text in STAGES
    ]
    figures += [
        Figure(
            _("Women and girls referred"),
            national_value(release, "referred_by_sex", "female"),
            national_value(previous, "referred_by_sex", "female") if previous else None,
        ),
        Figure(
            _("Minors referred"),
            national_value(release, "referred_by_minor_and_sex", "minor"),
            national_value(previous, "referred_by_minor_and_sex", "minor") if previous else None,
        ),
    ]
    series = Release.objects.filter(
        status=ReleaseStatus.PUBLISHED, area=release.area, quarter=release.quarter
    ).order_by("year")
    over_time = [
        (str(r.year), national_value(r, "referred_by_sex").get("value"),
         national_value(r, "referred_by_sex").get("display", ""))
        for r in series
    ]  # fmt: skip
    if release.status != ReleaseStatus.PUBLISHED and str(release.year) not in {
        p[0] for p in over_time
    }:
        current = national_value(release, "referred_by_sex")
        over_time.append((str(release.year), current.get("value"), current.get("display", "")))
        over_time.sort()
    chart_list = [
        _chart(
            "bar",
            _("Persons referred by form of exploitation"),
            DIMENSION_LABELS["exploitation_form"],
            _points(national_breakdown(release, "referred_by_exploitation_form")),
        ),
        _chart(
            "bar",
            _("Persons referred by sex"),
            DIMENSION_LABELS["sex"],
            _points(national_breakdown(release, "referred_by_sex")),
        ),
        _chart(
            "bar",
            _("Persons referred by nationality"),
            DIMENSION_LABELS["nationality"],
            _points(national_breakdown(release, "referred_by_nationality")),
        ),
        _chart("line", _("Persons referred over the years"), _("Year"), over_time),
        _chart(
            "map",
            _("Persons referred by region"),
            DIMENSION_LABELS["region"],
            [
                (str(label(region)), cell.get("value"), cell.get("display", ""))
                for region, cell in regional_totals(release, "referred_by_sex")
            ],
        ),
        _chart(
            "bar",
            _("Persons accompanied by support given"),
            DIMENSION_LABELS["support_type"],
            _points(national_breakdown(release, "accompanied_by_support")),
        ),
    ]
    delays = [
        {
            "stage": row["stage"],
            "median": row["median_days"] if row["median_days"] is not None else "c",
            "p90": row["p90_days"] if row["p90_days"] is not None else "c",
        }
        for table in release.delays
        for row in table["rows"]
        if row["region"] == "total"
    ]
    config = release.disclosure_config
    method = [
        _("Balise counts unique persons, not referrals: a person referred several times in the "
          "year is counted once. Anonymous notifications are counted as distinct persons."),
        _("Stages are kept apart: referred (a referral was submitted), identified (a positive "
          "decision), accompanied (support was given)."),
        format_lazy(
            _("Disclosure control: figures from 1 to {low} are shown as <{threshold}; figures "
              "are rounded to base {base}; secondary suppression (c) prevents recomputing a "
              "hidden figure by subtraction. An audit proved that no hidden figure can be "
              "recovered from the published ones (narrowest interval: {width})."),
            low=int(config.get("threshold", 10)) - 1,
            threshold=config.get("threshold"),
            base=config.get("rounding_base"),
            width=release.audit_report.get("narrowest_interval"),
        ),
    ]  # fmt: skip
    if release.audit_report.get("related_populations"):
        method.append(
            _(
                "The audit takes the release as a whole: the persons referred or identified for "
                "labour exploitation are among the persons referred or identified, so their "
                "figures were checked and protected together."
            )  # fmt: skip
        )
    if release.parameters.get("adjustments"):
        method.append(
            _(
                "Where persons were too few, categories or regions were grouped, the rows of some "
                "regions omitted (their persons stay in the national figures) or tables published "
                "for the country only; each table says what was done."
            )  # fmt: skip
        )
    return Report(
        release=release,
        previous=previous,
        figures=figures,
        charts=chart_list,
        delays=delays,
        external=list(ExternalSeries.objects.filter(values__year=release.year).distinct()),
        method=method,
    )
