"""Turn stored release tables into what pages, charts and the report show (labels translated,
published figures only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from balise import codelists
from balise.jurisdictions.profiles import get_profile
from balise.observatory.statistics.release import NOTES
from balise.observatory.statistics.tables import OMITTED, TOTAL, standard_tables

from .models import Release

EXTRA_LABELS: dict[str, Any] = {
    TOTAL: _("Total"),
    "female": _("Women and girls"),
    "male": _("Men and boys"),
    "other_or_unknown": _("Other or unknown"),
    "trans_or_non_conforming": _("Trans or gender non-conforming"),
    "unknown": _("Unknown"),
    "other": _("Other"),
    "group_reporting_country": _("Citizens of the reporting country"),
    "group_other_eu": _("Citizens of another EU country"),
    "group_non_eu": _("Other citizenships"),
    "group_unknown": _("Unknown citizenship"),
    "yes": _("Yes"),
    "no": _("No"),
    "positive": _("Positive"),
    "negative": _("Negative"),
    "withdrawn": _("Withdrawn"),
    "claimed": _("Compensation claimed"),
    "awarded": _("Compensation awarded"),
    "national": _("National"),
    "other_regions": _("Other regions"),
    "0_17": _("0–17"),
    "18_29": _("18–29"),
    "30_47": _("30–47"),
    "18_plus": _("18 and over"),
}

DIMENSION_LABELS: dict[str, Any] = {
    "region": _("Region"),
    "sex": _("Sex"),
    "sex_detailed": _("Sex"),
    "age_band": _("Age group"),
    "minor": _("Minor at exploitation"),
    "nationality": _("Nationality"),
    "nationality_group": _("Citizenship group"),
    "exploitation_form": _("Form of exploitation"),
    "place_scope": _("Place of exploitation"),
    "referrer_org_type": _("Referrer"),
    "channel": _("Channel"),
    "sector": _("Sector"),
    "support_type": _("Support given"),
    "residence_status": _("Residence status"),
    "compensation": _("Compensation"),
    "recruiter_relationship": _("Relationship to the recruiter"),
    "network": _("Network involvement"),
    "housed_by_exploiter": _("Housed by the exploiter"),
    "preliminary_outcome": _("Outcome"),
    "conclusive_outcome": _("Outcome"),
    "reconsideration": _("Outcome"),
}

UNIT_LABELS = {"persons": _("persons"), "referrals": _("referrals"), "decisions": _("decisions")}


def _code_labels() -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for name in (
        "AgeBand", "AgeGroup", "ExploitationForm", "LabourSector", "PlaceScope", "Channel",
        "ReferrerOrgType", "SupportType", "ResidenceStatus", "RecruiterRelationship",
        "ReconsiderationStatus",
    ):  # fmt: skip
        choices = getattr(codelists, name, None)
        if choices is not None:
            labels.update({c.value: c.label for c in choices})
    labels.update(EXTRA_LABELS)
    return labels


CODE_LABELS = _code_labels()


def label(code: str) -> Any:
    """A category's name for readers: the code lists, then the larger areas of the
    jurisdiction (regions gathered for statistics)."""
    if code in CODE_LABELS:
        return CODE_LABELS[code]
    return get_profile().area_name(code) or code


def titles() -> dict[str, Any]:
    return {spec.name: spec.title for spec in standard_tables()}


def _names(codes: list[str]) -> str:
    return ", ".join(str(label(c)) for c in codes)


def adjustment_note(adjustment: dict[str, Any]) -> Any:
    """What was done to a table so that it could be protected, for its readers."""
    kind = adjustment.get("adjustment")
    codes = list(adjustment.get("categories", []))
    if kind == "national_only":
        return _("Published for the country only: the regional figures are too few to "
                 "protect the persons.")  # fmt: skip
    if kind == "withheld":
        return _("Not published: the figures are too few to protect the persons.")
    if kind == "omitted":
        return format_lazy(
            ngettext_lazy(
                "{n} region with too few persons is omitted ({names}); its persons are "
                "counted in the national figures.",
                "{n} regions with too few persons are omitted ({names}); their persons are "
                "counted in the national figures.",
                "n",
            ),
            n=len(codes),
            names=_names(codes),
        )
    if (
        kind == "grouped"
        and adjustment.get("dimension") == "region"
        and (adjustment.get("group") != "other_regions")
    ):
        return format_lazy(
            _("Regions shown together as “{group}” ({names}): some have too few persons."),
            group=label(adjustment.get("group", "")),
            names=_names(codes),
        )
    if kind == "grouped" and adjustment.get("dimension") == "region":
        return format_lazy(
            ngettext_lazy(
                "{n} region with too few persons is grouped into “{group}” ({names}).",
                "{n} regions with too few persons are grouped into “{group}” ({names}).",
                "n",
            ),
            n=len(codes),
            group=label(adjustment.get("group", "")),
            names=_names(codes),
        )
    if kind == "grouped":
        return format_lazy(
            _(
                "{dimension}: categories with too few persons are grouped into “{group}” ({names})."
            ),  # fmt: skip
            dimension=DIMENSION_LABELS.get(adjustment.get("dimension", ""), ""),
            group=label(adjustment.get("group", "")),
            names=_names(codes),
        )
    return None


def table_adjustments(release: Release, name: str) -> list[Any]:
    notes = [
        adjustment_note(a)
        for a in release.parameters.get("adjustments", [])
        if a.get("table") == name
    ]
    return [n for n in notes if n is not None]


def table_notes(release: Release, table: dict[str, Any]) -> list[Any]:
    config = release.disclosure_config
    notes = [
        format_lazy(NOTES["rounding"], base=config.get("rounding_base")),
        format_lazy(NOTES["primary"], threshold=config.get("threshold")),
        NOTES["secondary"],
    ]
    if config.get("method") == "cell_key":
        notes.append(format_lazy(NOTES["cell_key"], noise=config.get("max_noise")))
    if table.get("multi"):
        notes.append(NOTES["multi"])
    notes.append(NOTES["percent"])
    return table_adjustments(release, table["name"]) + notes


@dataclass
class Grid:
    """A two-way view of a table: rows = categories of one breakdown, columns = another."""

    name: str
    title: Any
    unit: Any
    row_label: Any
    column_label: Any
    columns: list[tuple[str, Any]]
    rows: list[tuple[str, Any, list[dict[str, Any]]]]
    notes: list[Any] = field(default_factory=list)
    national_slice: bool = False


def cell_index(table: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    return {
        tuple(coords): {"status": status, "value": value, "display": display, "percent": percent}
        for coords, status, value, display, percent in table["cells"]
    }


def grid(release: Release, table: dict[str, Any], title: Any = None) -> Grid:
    dims = [d["name"] for d in table["dimensions"]]
    cats = {d["name"]: d["categories"] for d in table["dimensions"]}
    index = cell_index(table)
    others = [d for d in dims if d != "region"]
    fixed: dict[str, str] = {}
    if not others:
        row_dim, col_dim = "region", None
    elif len(others) == 1:
        row_dim, col_dim = others[0], ("region" if "region" in dims else None)
    else:
        row_dim, col_dim = others[0], others[1]
        fixed = {d: TOTAL for d in dims if d not in (row_dim, col_dim)}
    if row_dim not in dims:
        row_dim = None  # type: ignore[assignment]

    def coords(row: str | None, col: str | None) -> tuple[str, ...]:
        out = []
        for d in dims:
            if d == row_dim:
                out.append(row or TOTAL)
            elif d == col_dim:
                out.append(col or TOTAL)
            else:
                out.append(fixed.get(d, TOTAL))
        return tuple(out)

    def shown(dim: str | None) -> list[str | None]:
        return [*(c for c in (cats[dim] if dim else []) if c != OMITTED), None]

    col_codes = shown(col_dim)
    columns = [(c or TOTAL, label(c or TOTAL)) for c in col_codes]
    rows = []
    row_codes = shown(row_dim)
    for r in row_codes:
        cells = [index.get(coords(r, c), {"display": "", "value": None}) for c in col_codes]
        rows.append((r or TOTAL, label(r or TOTAL), cells))
    return Grid(
        name=table["name"],
        title=title or titles().get(table["name"], table["title"]),
        unit=UNIT_LABELS.get(table["unit"], table["unit"]),
        row_label=DIMENSION_LABELS.get(row_dim or "", ""),
        column_label=DIMENSION_LABELS.get(col_dim or "", ""),
        columns=columns,
        rows=rows,
        notes=table_notes(release, table),
        national_slice=bool(fixed),
    )


def national_value(release: Release, name: str, category: str | None = None) -> dict[str, Any]:
    """The national cell of a one-breakdown table (its total when ``category`` is None)."""
    table = release.table(name)
    if table is None:
        return {"display": "", "value": None, "status": "missing"}
    dims = [d["name"] for d in table["dimensions"]]
    others = [d for d in dims if d != "region"]
    coords = tuple((category or TOTAL) if others and d == others[0] else TOTAL for d in dims)
    return cell_index(table).get(coords, {"display": "", "value": None, "status": "missing"})


def national_breakdown(release: Release, name: str) -> list[tuple[str, Any, dict[str, Any]]]:
    table = release.table(name)
    if table is None:
        return []
    dims = [d["name"] for d in table["dimensions"]]
    others = [d for d in dims if d != "region"]
    if not others:
        return []
    categories = next(d["categories"] for d in table["dimensions"] if d["name"] == others[0])
    return [(c, label(c), national_value(release, name, c)) for c in categories if c != OMITTED]


def regional_totals(release: Release, name: str) -> list[tuple[str, dict[str, Any]]]:
    table = release.table(name)
    if table is None or table["dimensions"][0]["name"] != "region":
        return []
    index = cell_index(table)
    width = len(table["dimensions"])
    return [
        (region, index.get((region, *([TOTAL] * (width - 1))), {"display": "", "value": None}))
        for region in table["dimensions"][0]["categories"]
        if region != OMITTED
    ]


# Release assembly ---------------------------------------------------------------------------

POPULATION_LABELS: dict[str, Any] = {
    "referred": _("persons referred"),
    "identified": _("persons identified"),
    "accompanied": _("persons accompanied"),
    "referred:labour": _("persons referred in labour exploitation"),
    "identified:labour": _("persons identified in labour exploitation"),
    "preliminary_decisions": _("preliminary decisions"),
    "conclusive_decisions": _("conclusive decisions"),
    "reconsiderations": _("reconsiderations"),
    "overdue": _("overdue decisions"),
}

STEP_LABELS: dict[str, Any] = {
    "queued": _("Waiting for a worker to start."),
    "counting": _("Counting the tables."),
    "delays": _("Computing the decision delays."),
    "audit": _("Auditing the whole release."),
    "saving": _("Saving the draft."),
    "done": _("Done."),
}


def step_label(step: str) -> Any:
    code, _sep, population = step.partition(":")
    if code == "protecting":
        return format_lazy(
            _("Protecting the figures: {population}."),
            population=POPULATION_LABELS.get(population, population),
        )
    return STEP_LABELS.get(code, code)


def assembly_status(assembly: Any) -> dict[str, Any]:
    """What the progress page says, in the reader's language."""
    from django.utils import timezone

    from .enums import AssemblyError

    stale_after = int(getattr(settings, "BALISE_OBSERVATORY_ASSEMBLY_STALE_MINUTES", 60))
    idle = timezone.now() - assembly.updated_at
    return {
        "step": step_label(assembly.step),
        "error": AssemblyError(assembly.error).label if assembly.error else "",
        "stale": assembly.is_active and idle.total_seconds() > 60 * stale_after,
    }
