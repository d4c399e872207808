"""Assemble a release: standard tables, disclosure control, percentages, delays and audit."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .audit import OMITTED, PRIMARY, PUBLISHED, SECONDARY, AuditReport, audit_release
from .config import DisclosureConfig
from .disclosure import DisclosureError, ProtectedModel, protect_jointly
from .sparse import WITHHELD, Adjustment, CategoryCounts, protect_population
from .structure import table_cells
from .tables import (
    GEOGRAPHY,
    RELATIONS,
    TOTAL,
    CountTable,
    Dimension,
    Partition,
    ReleaseContext,
    Subset,
    TableSpec,
    Unit,
    code_projection,
    dimensions,
    related_populations,
    release_context,
    standard_tables,
)

#: ``progress(fraction, step)`` receives the share of the work done and a step code:
#: ``counting``, ``protecting:<population>``, ``delays``, ``audit``, ``done``.
Progress = Callable[[float, str], None]

NOTES: dict[str, Promise] = {
    "rounding": _("Figures are rounded to base {base}; totals are rounded on their own and "
                  "may differ from the sum of the rounded figures."),
    "primary": _("<{threshold}: fewer than {threshold}, not shown to protect the persons."),
    "secondary": _("c: not shown so that other figures cannot be recomputed."),
    "cell_key": _("Figures are slightly perturbed (at most ±{noise}) so that they cannot be "
                  "combined to reveal a person."),
    "multi": _("A person may be counted under several categories: categories do not add up to "
               "the total."),
    "percent": _("Percentages are of the persons for whom the information is known (CTDC "
                 "rule), computed from the published figures."),
    "omitted": _("Rows of regions with too few persons are omitted; their persons are counted "
                 "in the national figures."),
}  # fmt: skip


@dataclass(frozen=True)
class ReleasedCell:
    coords: tuple[str, ...]
    status: str  # published / primary / secondary / omitted (never shown)
    value: int | None
    display: str
    percent: float | None = None


@dataclass
class ReleasedTable:
    """A published table: figures after disclosure control, with everything needed to audit."""

    name: str
    title: Promise | str
    unit: Unit
    population: str
    dimensions: tuple[Dimension, ...]
    cells: list[ReleasedCell]
    notes: list[Promise] = field(default_factory=list)

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def cell(self, *coords: str) -> ReleasedCell:
        for cell in self.cells:
            if cell.coords == coords:
                return cell
        raise KeyError(coords)

    def to_arrow(self) -> pa.Table:
        columns: dict[str, list[object]] = {d.name: [] for d in self.dimensions}
        columns.update(value=[], display=[], status=[], percent=[])
        for cell in self.cells:
            if cell.status == OMITTED:
                continue
            for dim, coord in zip(self.dimensions, cell.coords, strict=True):
                columns[dim.name].append("total" if coord == TOTAL else coord)
            columns["value"].append(cell.value)
            columns["display"].append(cell.display)
            columns["status"].append(cell.status)
            columns["percent"].append(cell.percent)
        schema = pa.schema(
            [pa.field(d.name, pa.string()) for d in self.dimensions]
            + [
                pa.field("value", pa.int64()),
                pa.field("display", pa.string()),
                pa.field("status", pa.string()),
                pa.field("percent", pa.float64()),
            ],
            metadata={
                "table": self.name,
                "title": str(self.title),
                "unit": str(self.unit),
                "population": self.population,
            },
        )
        return pa.table(columns, schema=schema)


@dataclass
class DelayTable:
    """Median and 90th percentile of days per decision stage, national and by region."""

    name: str
    title: Promise | str
    unit: Unit
    rows: list[dict[str, object]]
    notes: list[Promise] = field(default_factory=list)

    def to_arrow(self) -> pa.Table:
        schema = pa.schema(
            [
                pa.field("stage", pa.string()),
                pa.field("region", pa.string()),
                pa.field("median_days", pa.float64()),
                pa.field("p90_days", pa.float64()),
                pa.field("status", pa.string()),
            ],
            metadata={"table": self.name, "title": str(self.title), "unit": str(self.unit)},
        )
        return pa.Table.from_pylist(self.rows, schema=schema)


@dataclass
class Release:
    period: str
    area: str
    config: DisclosureConfig
    context: ReleaseContext
    tables: list[ReleasedTable]
    delays: list[DelayTable]
    audit: AuditReport
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat())
    adjustments: list[Adjustment] = field(default_factory=list)
    areas: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def table(self, name: str) -> ReleasedTable:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def parameters(self) -> dict[str, object]:
        """What is written into the release: the rules, their parameters and the audit."""
        return {
            "period": self.period,
            "area": self.area,
            "created": self.created,
            "disclosure_control": self.config.as_dict(),
            "folded_exploitation_forms": list(self.context.rare_forms),
            "citizenships_shown": list(self.context.top_countries),
            "adjustments": [a.as_dict() for a in self.adjustments],
            "areas": {code: list(regions) for code, regions in self.areas.items()},
            "audit": self.audit.as_dict(),
        }


def _display(status: str, value: int | None, config: DisclosureConfig) -> str:
    if status == OMITTED:
        return ""
    if status == PRIMARY:
        return f"<{config.threshold}"
    if status == SECONDARY:
        return "c"
    return str(value)


def _percentages(
    table: CountTable, cells: list[ReleasedCell], config: DisclosureConfig
) -> list[ReleasedCell]:
    """Share of each category of the first breakdown within its row (CTDC denominators)."""
    axes = [i for i, d in enumerate(table.dimensions) if d.name != GEOGRAPHY]
    if not axes:
        return cells
    axis = axes[0]
    dim = table.dimensions[axis]
    by_coords = {c.coords: c for c in cells}
    out = []
    for cell in cells:
        category = cell.coords[axis]
        percent = None
        if category != TOTAL and category not in dim.missing and cell.value is not None:

            def at(value: str, coords: tuple[str, ...] = cell.coords) -> ReleasedCell:
                return by_coords[(*coords[:axis], value, *coords[axis + 1 :])]

            parts = [at(TOTAL)] + [at(m) for m in dim.missing]
            if all(p.value is not None for p in parts):
                denominator = parts[0].value - sum(p.value for p in parts[1:])  # type: ignore[operator,misc]
                if denominator > 0:
                    percent = round(100 * cell.value / denominator, config.percentage_decimals)
        out.append(
            ReleasedCell(cell.coords, cell.status, cell.value, cell.display, percent)
            if percent is not None
            else cell
        )
    return out


def released_tables(model: ProtectedModel) -> list[ReleasedTable]:
    config = model.config
    out = []
    for table, variables in zip(model.tables, model.table_vars, strict=True):
        cells = [
            ReleasedCell(
                coords,
                model.status[var],
                model.value[var],
                _display(model.status[var], model.value[var], config),
            )
            for coords, var in zip(table_cells(table.dimensions), variables, strict=True)
        ]
        cells = _percentages(table, cells, config)
        notes = [
            format_lazy(NOTES["rounding"], base=config.rounding_base),
            format_lazy(NOTES["primary"], threshold=config.threshold),
            NOTES["secondary"],
        ]
        if config.method == "cell_key":
            notes.append(format_lazy(NOTES["cell_key"], noise=config.max_noise))
        if any(d.multi for d in table.dimensions):
            notes.append(NOTES["multi"])
        if any(c.status == OMITTED for c in cells):
            notes.append(NOTES["omitted"])
        notes.append(NOTES["percent"])
        spec = table.spec
        out.append(
            ReleasedTable(
                spec.name, spec.title, spec.unit, spec.population, table.dimensions, cells, notes
            )
        )
    return out


DELAY_STAGES = {
    "preliminary": ("preliminary_decisions", "days_to_preliminary"),
    "conclusive": ("conclusive_decisions", "days_to_conclusive"),
}


def delay_tables(
    con: duckdb.DuckDBPyConnection, tables: Sequence[ReleasedTable], config: DisclosureConfig
) -> list[DelayTable]:
    """Delays per stage; shown only where the number of decisions is published and large."""
    rows: list[dict[str, object]] = []
    for stage, (table_name, column) in DELAY_STAGES.items():
        counts = next((t for t in tables if t.name == table_name), None)
        if counts is None:
            continue
        result = con.sql(
            f"SELECT region, count({column}), quantile_cont({column}, 0.5), "
            f"quantile_cont({column}, 0.9) FROM p WHERE {column} IS NOT NULL "
            "GROUP BY GROUPING SETS ((region), ()) ORDER BY region NULLS FIRST"
        ).fetchall()
        for region, n, median, p90 in result:
            regional = GEOGRAPHY in counts.dims
            if region is not None and not regional:
                continue  # the counts are published for the country only
            coords = tuple((region or TOTAL) if d == GEOGRAPHY else TOTAL for d in counts.dims)
            try:
                published = counts.cell(*coords).status == PUBLISHED
            except KeyError:
                continue  # a region gathered with others or omitted
            shown = published and n >= config.delay_min_count
            rows.append(
                {
                    "stage": stage,
                    "region": region or "total",
                    "median_days": round(median, 1) if shown else None,
                    "p90_days": round(p90, 1) if shown else None,
                    "status": PUBLISHED if shown else PRIMARY,
                }
            )
    note = format_lazy(
        _("Delays are shown only where at least {n} decisions were taken."),
        n=config.delay_min_count,
    )
    return [
        DelayTable("decision_delays", _("Decision delays (days)"), Unit.DECISIONS, rows, [note])
    ]


def connect_period(
    projection: pa.Table, year: int, quarter: int | None = None
) -> duckdb.DuckDBPyConnection:
    """DuckDB connection with the projection restricted to the period as view ``p``."""
    from .schema import validate_projection

    con = duckdb.connect()
    con.register("projection", validate_projection(projection))
    where = f"year = {int(year)}" + (f" AND quarter = {int(quarter)}" if quarter else "")
    con.execute(f"CREATE VIEW p AS SELECT * FROM projection WHERE {where}")
    return con


def build_release(
    projection: pa.Table,
    config: DisclosureConfig,
    *,
    year: int,
    quarter: int | None = None,
    area: str = "national",
    specs: Sequence[TableSpec] | None = None,
    regions: Sequence[str] = (),
    timings: dict[str, float] | None = None,
    adapt: bool = True,
    progress: Progress | None = None,
    areas: Mapping[str, Sequence[str]] | None = None,
    relations: Sequence[Subset | Partition] = RELATIONS,
) -> Release:
    """Every standard table of the period with disclosure control, audited.

    Tables are protected population by population (they share no figure across
    populations), then populations related by construction (``relations``,
    ``tables.RELATIONS``: the persons referred for labour exploitation are persons referred)
    are protected together (``protect_jointly``); a sub-population that cannot be protected
    beside its parent is withheld. ``areas`` maps larger areas to their regions (jurisdiction
    profile): sparse regions are gathered into their area before "other regions".

    With ``adapt`` (the default), a population whose figures cannot be protected as they are
    has its sparse categories gathered, rows omitted or tables published nationally only or
    withheld (``sparse``), each change recorded in ``Release.adjustments``; without it,
    ``DisclosureError`` is raised. Raises ``DisclosureError`` if the audit of the finished
    release does not pass. ``timings``, when given, receives the seconds spent in each phase.
    """
    clock = time.perf_counter()
    phases = timings if timings is not None else {}
    report_progress = progress or (lambda _fraction, _step: None)

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        phases[name] = phases.get(name, 0.0) + now - clock
        clock = now

    specs = list(specs or standard_tables())
    report_progress(0.0, "counting")
    con = connect_period(projection, year, quarter)
    try:
        context = release_context(con, config, regions)
        base = dimensions(context)
        for spec in specs:
            spec.validate(base, config)
        populations: dict[str, list[TableSpec]] = {}
        for spec in specs:
            populations.setdefault(spec.population, []).append(spec)
        counter = CategoryCounts(con)
        code_projection(con, specs, base, name="coded_release")
        by_name: dict[str, ReleasedTable] = {}
        adjustments: list[Adjustment] = []
        models: dict[str, ProtectedModel] = {}
        lap("counting")
        for number, (population, group) in enumerate(populations.items()):
            report_progress(0.05 + 0.8 * number / len(populations), f"protecting:{population}")
            protected = protect_population(
                con,
                group,
                base,
                config,
                counter=counter,
                adapt=adapt,
                coded="coded_release",
                areas=areas,
            )
            adjustments += protected.adjustments
            if protected.model is not None:
                models[population] = protected.model
        for component in related_populations(models, relations):
            model = models[component[0]]
            if len(component) > 1:
                try:
                    model = protect_jointly([models[p] for p in component], config, relations)
                except DisclosureError:
                    # The sub-populations cannot be shown beside their parent: withhold them.
                    withheld = {t.spec.name for p in component[1:] for t in models[p].tables}
                    adjustments = [a for a in adjustments if a.table not in withheld]
                    adjustments += [Adjustment(n, WITHHELD) for n in sorted(withheld)]
            by_name.update((t.name, t) for t in released_tables(model))
        tables = [by_name[s.name] for s in specs if s.name in by_name]
        lap("disclosure_control")
        report_progress(0.86, "delays")
        delays = delay_tables(con, tables, config)
        lap("delays")
    finally:
        con.close()
    report_progress(0.9, "audit")
    report = audit_release(tables, config, relations=relations)
    lap("release_audit")
    if not report.passed:
        raise DisclosureError(f"release audit failed: {report.as_dict()}")
    report_progress(1.0, "done")
    period = f"{year}" + (f"-Q{quarter}" if quarter else "")
    return Release(
        period,
        area,
        config,
        context,
        tables,
        delays,
        report,
        adjustments=adjustments,
        areas={code: tuple(regions) for code, regions in (areas or {}).items()},
    )
