"""Standard tables of the observatory (reference/observatory.md), counted with DuckDB.

Every table states what it counts (persons, referrals or decisions) and over which population.
Counts are computed for the full cross-classification and for every margin (all totals), so
that disclosure control and the release audit see exactly the additive structure a reader sees.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

import duckdb
import pyarrow as pa
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from balise.codelists import (
    MISSING_VALUES,
    AgeBand,
    Channel,
    ExploitationForm,
    LabourSector,
    PlaceScope,
    RecruiterRelationship,
    ReferrerOrgType,
    ResidenceStatus,
    SupportType,
)

from .config import DisclosureConfig
from .schema import validate_projection

#: Coordinate of a margin (the total over a dimension).
TOTAL = "_T"
GEOGRAPHY = "region"
#: Category gathering the rows a table omits (never shown; kept so that totals stay true).
OMITTED = "_omitted"
#: Category gathering regions with too few persons.
OTHER_REGIONS = "other_regions"


class Unit(StrEnum):
    PERSONS = "persons"
    REFERRALS = "referrals"
    DECISIONS = "decisions"


#: Population filters over the projection ``p``: what a table counts.
POPULATIONS: dict[str, tuple[str, Unit]] = {
    "referred": ("referred", Unit.PERSONS),
    "identified": ("identified", Unit.PERSONS),
    "accompanied": ("accompanied", Unit.PERSONS),
    "referred:labour": ("referred AND sector <> 'not_applicable'", Unit.PERSONS),
    "identified:labour": ("identified AND sector <> 'not_applicable'", Unit.PERSONS),
    "preliminary_decisions": ("preliminary_decision IS NOT NULL", Unit.DECISIONS),
    "conclusive_decisions": ("conclusive_decision IS NOT NULL", Unit.DECISIONS),
    "reconsiderations": ("reconsideration IS NOT NULL", Unit.DECISIONS),
    "overdue": ("decision_overdue", Unit.PERSONS),
}


@dataclass(frozen=True)
class Subset:
    """Every unit of population ``child`` is a unit of ``parent`` (by construction of the
    filters in ``POPULATIONS``): each figure of the child is at most the figures of the parent
    covering the same categories. Where ``family`` is given, the child is the parent restricted
    to the categories ``within`` of that family: a child figure in such a category *equals*
    the parent's figure in the same category."""

    child: str
    parent: str
    family: str = ""
    within: tuple[str, ...] = ()


@dataclass(frozen=True)
class Partition:
    """Every unit of ``parent`` is in exactly one of the ``children``: published figures of the
    same categories add up."""

    parent: str
    children: tuple[str, ...]


#: Relations between populations that hold by construction of their filters (see
#: ``POPULATIONS``): the audit and disclosure control treat related populations as one.
#: ``X:labour`` is ``X AND sector <> 'not_applicable'``; the breakdown by sector shows every
#: ``LabourSector`` as itself and everything else (``not_applicable`` included) as
#: ``unknown``. No other relation holds: a person identified in a year may have been referred
#: in an earlier one (identified is not within referred), the region of a decision is the
#: authority's, not the referrer's, and decisions are counted per stage.
RELATIONS: tuple[Subset | Partition, ...] = (
    Subset("referred:labour", "referred", "sector", tuple(LabourSector.values)),
    Subset("identified:labour", "identified", "sector", tuple(LabourSector.values)),
)


def related_populations(
    populations: Iterable[str], relations: Sequence[Subset | Partition] = RELATIONS
) -> list[list[str]]:
    """``populations`` grouped into components of related ones, parents first, in the order
    of their first member."""
    wanted = list(dict.fromkeys(populations))
    root = {p: p for p in wanted}

    def find(p: str) -> str:
        while root[p] != p:
            p = root[p]
        return p

    children: set[str] = set()
    for relation in relations:
        if isinstance(relation, Subset):
            pairs = [(relation.child, relation.parent)]
        else:
            pairs = [(c, relation.parent) for c in relation.children]
        for child, parent in pairs:
            if child in root and parent in root:
                children.add(child)
                a, b = find(child), find(parent)
                if a != b:
                    root[a] = b
    groups: dict[str, list[str]] = {}
    for p in wanted:
        groups.setdefault(find(p), []).append(p)
    return [sorted(g, key=lambda p: (p in children, wanted.index(p))) for g in groups.values()]


def _sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _coded(column: str, values: Sequence[str], other: str = "unknown") -> str:
    return (
        f"CASE WHEN list_contains({_sql_list(values)}, {column}) THEN {column} ELSE '{other}' END"
    )


def _multi(column: str, values: Sequence[str], fold: Iterable[str] = ()) -> str:
    """A list of known values (rare ones folded into 'other'); ['unknown'] when none known."""
    known = f"list_filter({column}, lambda x: list_contains({_sql_list(values)}, x))"
    folded = list(fold)
    if folded:
        known = (
            f"list_distinct(list_transform({known}, lambda x: CASE WHEN "
            f"list_contains({_sql_list(folded)}, x) THEN 'other' ELSE x END))"
        )
    return f"CASE WHEN len({known}) = 0 THEN ['unknown'] ELSE {known} END"


@dataclass(frozen=True)
class Dimension:
    """A breakdown: its SQL expression over the projection and its published categories.

    ``family`` names the variable it classifies: two dimensions of one family (``sex`` and
    ``sex_detailed``) describe the same persons, so their cells are linked in the audit.
    ``composites`` declare categories of the family that are the sum of others.
    ``missing`` categories are left out of percentage denominators (CTDC rule).
    ``groups`` are published categories that gather several categories of the code list
    (``fold_dimension``); ``OMITTED`` gathers rows that are not shown. ``foldable`` says
    whether sparse categories may be gathered into ``other`` when a table cannot be protected.
    """

    name: str
    family: str
    label: Promise
    sql: str
    categories: tuple[str, ...]
    multi: bool = False
    missing: tuple[str, ...] = ("unknown",)
    composites: tuple[tuple[str, tuple[str, ...]], ...] = ()
    national_only: bool = False
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    foldable: bool = False

    def members(self, category: str) -> tuple[str, ...]:
        """The categories of the code list that a published category gathers."""
        return dict(self.groups).get(category, (category,))


def fold_dimension(dim: Dimension, groups: dict[str, Sequence[str]]) -> Dimension:
    """``dim`` with the categories of each group published as one category.

    A group takes the place of its first member, except "other" and "other regions", which
    come after the categories shown on their own (before the missing ones), and ``OMITTED``,
    which comes last. Groups compose with the dimension's earlier groups: a group of groups
    gathers all their members.
    """
    groups = {g: tuple(m) for g, m in groups.items() if m}
    if not groups:
        return dim
    owner = {m: g for g, members in groups.items() for m in members}
    if len(owner) != sum(len(m) for m in groups.values()):
        raise ValueError(f"{dim.name}: a category is in two groups")
    unknown = set(owner) - set(dim.categories)
    if unknown:
        raise ValueError(f"{dim.name}: not categories of the dimension: {sorted(unknown)}")
    trailing = [g for g in ("other", OTHER_REGIONS) if g in groups]
    categories: list[str] = []
    for category in dim.categories:
        published = owner.get(category, category)
        if category in dim.missing and trailing:
            categories += trailing
            trailing = []
        if published not in (OMITTED, *trailing) and published not in categories:
            categories.append(published)
    categories += trailing
    if OMITTED in groups:
        categories.append(OMITTED)

    def case(value: str) -> str:
        whens = " ".join(
            f"WHEN list_contains({_sql_list(members)}, {value}) THEN '{group}'"
            for group, members in groups.items()
        )
        return f"CASE {whens} ELSE {value} END"

    if dim.multi:
        sql = f"list_distinct(list_transform(({dim.sql}), lambda x: {case('x')}))"
    else:
        sql = case(f"({dim.sql})")
    earlier = dict(dim.groups)
    merged = {
        **{g: m for g, m in earlier.items() if g not in owner},
        **{
            g: tuple(sub for member in members for sub in earlier.get(member, (member,)))
            for g, members in groups.items()
        },
    }
    touched = set(owner)
    composites = tuple(
        (parent, children)
        for parent, children in dim.composites
        if parent not in touched and not touched & set(children)
    )
    return dataclasses.replace(
        dim,
        sql=sql,
        categories=tuple(categories),
        groups=tuple(merged.items()),
        composites=composites,
    )


@dataclass(frozen=True)
class ReleaseContext:
    """Data-dependent category choices, fixed once per release so tables agree."""

    regions: tuple[str, ...]
    rare_forms: tuple[str, ...]
    top_countries: tuple[str, ...]


def _simple(
    name: str, label: Promise, column: str, values: Sequence[str], *, foldable: bool = False
) -> Dimension:
    return Dimension(
        name, name, label, _coded(column, values), (*values, "unknown"), foldable=foldable
    )


#: Wider age bands used when the CTDC bands are too sparse to protect, widest last.
AGE_BAND_FOLDS: tuple[dict[str, tuple[str, ...]], ...] = (
    {
        "0_17": ("0_8", "9_17"),
        "18_29": ("18_20", "21_23", "24_26", "27_29"),
        "30_47": ("30_38", "39_47"),
    },
    {
        "0_17": ("0_8", "9_17"),
        "18_plus": ("18_20", "21_23", "24_26", "27_29", "30_38", "39_47", "48_plus"),
    },
)


def dimensions(context: ReleaseContext) -> dict[str, Dimension]:
    """Every breakdown usable in a table, for one release."""
    forms = [f.value for f in ExploitationForm if f.value not in context.rare_forms]
    supports = [s.value for s in SupportType]
    groups = ("group_reporting_country", "group_other_eu", "group_non_eu", "group_unknown")
    dims = [
        Dimension(GEOGRAPHY, GEOGRAPHY, _("Region"), "region", context.regions, missing=()),
        Dimension(
            "sex",
            "sex",
            _("Sex"),
            "CASE gender WHEN 'feminine' THEN 'female' WHEN 'masculine' THEN 'male' "
            "ELSE 'other_or_unknown' END",
            ("female", "male", "other_or_unknown"),
            missing=(),
        ),
        Dimension(
            "sex_detailed",
            "sex",
            _("Sex"),
            "CASE WHEN gender = 'feminine' THEN 'female' WHEN gender = 'masculine' THEN 'male' "
            "WHEN gender IN ('trans_feminine', 'trans_masculine', 'non_conforming') "
            "THEN 'trans_or_non_conforming' ELSE 'unknown' END",
            ("female", "male", "trans_or_non_conforming", "unknown"),
            composites=(("other_or_unknown", ("trans_or_non_conforming", "unknown")),),
            national_only=True,
        ),
        _simple("age_band", _("Age group"), "age_band", [b.value for b in AgeBand], foldable=True),
        _simple("minor", _("Minor at exploitation"), "minor_at_exploitation", ["minor", "adult"]),
        Dimension(
            "nationality",
            "nationality",
            _("Nationality"),
            f"CASE WHEN list_contains({_sql_list(context.top_countries)}, citizenship) "
            "THEN citizenship ELSE 'group_' || nationality_group END",
            (*context.top_countries, *groups),
            missing=("group_unknown",),
        ),
        Dimension(
            "exploitation_form",
            "exploitation_form",
            _("Form of exploitation"),
            _multi("exploitation_forms", [f.value for f in ExploitationForm], context.rare_forms),
            (*forms, "unknown"),
            multi=True,
            foldable=True,
        ),
        _simple("sector", _("Sector"), "sector", [s.value for s in LabourSector], foldable=True),
        _simple("place_scope", _("Place of exploitation"), "place_scope", PlaceScope.values),
        _simple(
            "referrer_org_type",
            _("Referrer"),
            "referrer_org_type",
            ReferrerOrgType.values,
            foldable=True,
        ),
        _simple("channel", _("Channel"), "channel", Channel.values, foldable=True),
        _simple(
            "recruiter_relationship",
            _("Relationship to the recruiter"),
            "recruiter_relationship",
            [r for r in RecruiterRelationship.values if r != "unknown"],
            foldable=True,
        ),
        _simple("network", _("Network involvement"), "network_involved", ["yes", "no"]),
        _simple(
            "housed_by_exploiter",
            _("Housed by the exploiter"),
            "housed_by_exploiter",
            ["yes", "no"],
        ),  # fmt: skip
        _simple(
            "residence_status",
            _("Residence status"),
            "residence_status",
            ResidenceStatus.values,
            foldable=True,
        ),
        Dimension(
            "support_type",
            "support_type",
            _("Support given"),
            _multi("support_types", supports),
            (*supports, "unknown"),
            multi=True,
            foldable=True,
        ),
        Dimension(
            "compensation",
            "compensation",
            _("Compensation"),
            "CASE WHEN compensation_awarded THEN 'awarded' WHEN compensation_claimed "
            "THEN 'claimed_not_awarded' ELSE 'not_claimed' END",
            ("awarded", "claimed_not_awarded", "not_claimed"),
            missing=(),
        ),
        Dimension(
            "preliminary_outcome",
            "preliminary_outcome",
            _("Preliminary decision"),
            "preliminary_decision",
            ("positive", "negative"),
            missing=(),
        ),  # fmt: skip
        Dimension(
            "conclusive_outcome",
            "conclusive_outcome",
            _("Conclusive decision"),
            "conclusive_decision",
            ("positive", "negative", "withdrawn"),
            missing=(),
        ),  # fmt: skip
        Dimension(
            "reconsideration",
            "reconsideration",
            _("Reconsideration"),
            "reconsideration",
            ("requested", "accepted", "refused"),
            missing=(),
        ),  # fmt: skip
    ]
    return {d.name: d for d in dims}


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: Promise
    population: str
    dims: tuple[str, ...]
    by_region: bool = True

    @property
    def unit(self) -> Unit:
        return POPULATIONS[self.population][1]

    @property
    def all_dims(self) -> tuple[str, ...]:
        return ((GEOGRAPHY,) if self.by_region else ()) + self.dims

    def validate(self, dims: dict[str, Dimension], config: DisclosureConfig) -> None:
        """Enforce the breakdown limit and the rule on trans and non-conforming persons."""
        if self.population not in POPULATIONS:
            raise ValueError(f"{self.name}: unknown population {self.population!r}")
        if GEOGRAPHY in self.dims:
            raise ValueError(f"{self.name}: geography is given by by_region")
        if len(self.dims) > config.max_breakdowns:
            raise ValueError(
                f"{self.name}: {len(self.dims)} breakdowns, at most {config.max_breakdowns} "
                "plus geography"
            )
        if len(set(self.dims)) != len(self.dims):
            raise ValueError(f"{self.name}: repeated breakdown")
        resolved = [dims[d] for d in self.dims]
        if sum(d.multi for d in resolved) > 1:
            raise ValueError(f"{self.name}: at most one multi-valued breakdown")
        for d in resolved:
            if d.national_only and (self.by_region or len(self.dims) > 1):
                raise ValueError(
                    f"{self.name}: {d.name} is published only as a national total on its own"
                )


STAGE_LABELS: dict[str, Promise] = {
    "referred": _("Persons referred"),
    "identified": _("Persons identified"),
    "accompanied": _("Persons accompanied"),
}


def _title(stage: str, label: Promise) -> Promise:
    return format_lazy("{} {}", STAGE_LABELS[stage], label)


def _stage_tables(stage: str) -> list[TableSpec]:
    breakdowns = [
        ("sex", _("by sex")),
        ("age_band", _("by age group")),
        ("nationality", _("by nationality")),
        ("exploitation_form", _("by form of exploitation")),
        ("place_scope", _("by place of exploitation")),
        ("referrer_org_type", _("by referrer")),
        ("channel", _("by channel")),
    ]
    specs = [
        TableSpec(
            f"{stage}_by_sex_national",
            _title(stage, _("by sex (national)")),
            stage,
            ("sex_detailed",),
            by_region=False,
        ),  # fmt: skip
    ]
    specs += [
        TableSpec(f"{stage}_by_{dim}", _title(stage, label), stage, (dim,))
        for dim, label in breakdowns
    ]
    specs += [
        TableSpec(f"{stage}_by_minor_and_sex", _title(stage, _("by minority and sex")), stage,
                  ("minor", "sex")),
        TableSpec(f"{stage}_by_form_and_sex", _title(stage, _("by form and sex (national)")),
                  stage, ("exploitation_form", "sex"), by_region=False),
        TableSpec(f"{stage}_by_form_and_minor",
                  _title(stage, _("by form and minority (national)")), stage,
                  ("exploitation_form", "minor"), by_region=False),
    ]  # fmt: skip
    if f"{stage}:labour" in POPULATIONS:
        specs.append(
            TableSpec(f"{stage}_labour_by_sector",
                      _title(stage, _("in labour exploitation, by sector")),
                      f"{stage}:labour", ("sector",))
        )  # fmt: skip
    return specs


def standard_tables() -> list[TableSpec]:
    """The standard tables of reference/observatory.md."""
    specs: list[TableSpec] = []
    for stage in STAGE_LABELS:
        specs += _stage_tables(stage)
    specs += [
        TableSpec("preliminary_decisions", _("Preliminary decisions by outcome"),
                  "preliminary_decisions", ("preliminary_outcome",)),
        TableSpec("conclusive_decisions", _("Conclusive decisions by outcome"),
                  "conclusive_decisions", ("conclusive_outcome",)),
        TableSpec("reconsiderations", _("Reconsiderations by outcome"), "reconsiderations",
                  ("reconsideration",)),
        TableSpec("overdue", _("Persons awaiting an overdue decision"), "overdue", ()),
        TableSpec("accompanied_by_support", _("Persons accompanied by support given"),
                  "accompanied", ("support_type",)),
        TableSpec("accompanied_by_residence", _("Persons accompanied by residence status"),
                  "accompanied", ("residence_status",)),
        TableSpec("identified_by_compensation", _("Persons identified by compensation"),
                  "identified", ("compensation",)),
        TableSpec("identified_by_recruiter",
                  _("Persons identified by relationship to the recruiter"),
                  "identified", ("recruiter_relationship",)),
        TableSpec("identified_by_network", _("Persons identified by network involvement"),
                  "identified", ("network",)),
        TableSpec("identified_by_housing", _("Persons identified housed by the exploiter"),
                  "identified", ("housed_by_exploiter",)),
    ]  # fmt: skip
    return specs


@dataclass
class CountTable:
    """True counts of one table: every cell of the cross-classification and of its margins.

    ``cells`` maps coordinates (one per dimension of ``spec.all_dims``; ``TOTAL`` in a margin)
    to ``(count, cell_key)`` where ``cell_key`` is the sum of the persons' keys modulo 256.
    """

    spec: TableSpec
    dimensions: tuple[Dimension, ...]
    cells: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)

    @property
    def categories(self) -> tuple[tuple[str, ...], ...]:
        return tuple(d.categories for d in self.dimensions)


def connect(projection: pa.Table) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection exposing the validated projection as ``p``."""
    con = duckdb.connect()
    con.register("p", validate_projection(projection))
    return con


def release_context(
    con: duckdb.DuckDBPyConnection, config: DisclosureConfig, regions: Sequence[str] = ()
) -> ReleaseContext:
    """Fix regions, rare exploitation forms and the citizenships shown individually."""
    found = [r for (r,) in con.sql("SELECT DISTINCT region FROM p ORDER BY 1").fetchall()]
    all_regions = tuple(sorted(set(found) | set(regions)))
    counts = dict(
        con.sql(
            "SELECT f, count(*) FROM (SELECT unnest(list_distinct(exploitation_forms)) AS f "
            "FROM p WHERE referred) GROUP BY f"
        ).fetchall()
    )
    rare = tuple(
        f.value
        for f in ExploitationForm
        if f.value != "other" and counts.get(f.value, 0) < config.rare_form_min
    )
    excluded = _sql_list(["XXA", "XXX", *MISSING_VALUES])
    top = con.execute(
        "SELECT citizenship, count(*) AS n FROM p WHERE referred "
        f"AND NOT list_contains({excluded}, citizenship) GROUP BY citizenship "
        "HAVING count(*) >= ? ORDER BY n DESC, citizenship LIMIT ?",
        [config.top_country_min, config.top_countries],
    ).fetchall()
    return ReleaseContext(all_regions, rare, tuple(c for c, _n in top))


def _grouping_sets(dims: tuple[str, ...]) -> list[tuple[str, ...]]:
    return [
        tuple(d for d, keep in zip(dims, mask, strict=True) if keep)
        for mask in itertools.product((True, False), repeat=len(dims))
    ]


def count_table(
    con: duckdb.DuckDBPyConnection,
    spec: TableSpec,
    dims: dict[str, Dimension],
    source: str = "p",
) -> CountTable:
    """Count one table and all its margins with DuckDB GROUPING SETS.

    ``source`` is the projection ``p``, or a table made by ``code_projection`` where every
    breakdown and population is already a column.
    """
    resolved = tuple(dims[d] for d in spec.all_dims)
    if source != "p":
        where = f'"pop:{spec.population}"'
        sql = {d.name: f'"{d.name}"' for d in resolved}
    else:
        where = POPULATIONS[spec.population][0]
        sql = {d.name: d.sql for d in resolved}
    names = [f"d{i}" for i in range(len(resolved))]
    table = CountTable(spec, resolved)
    multi = [i for i, d in enumerate(resolved) if d.multi]
    # Grouping sets containing the multi-valued breakdown count unnested rows; the others
    # count persons once each.
    partitions: dict[bool, list[tuple[str, ...]]] = {}
    for gs in _grouping_sets(tuple(names)):
        partitions.setdefault(bool(multi) and names[multi[0]] in gs, []).append(gs)
    for sets in partitions.values():
        if not names:
            n, ck = con.execute(
                "SELECT count(*), CAST(coalesce(sum(cell_key), 0) % 256 AS INTEGER) "
                f"FROM {source} WHERE {where}"
            ).fetchone()
            table.cells[()] = (int(n), int(ck))
            continue
        used = {n for gs in sets for n in gs}
        inner, outer, grouping = [], [], []
        for i, d in enumerate(resolved):
            if names[i] not in used:
                outer.append("NULL")
                grouping.append("1")
                continue
            expr = f"unnest({sql[d.name]})" if d.multi else f"({sql[d.name]})"
            inner.append(f"{expr} AS {names[i]}")
            outer.append(names[i])
            grouping.append(f"GROUPING({names[i]})")
        sets_sql = ", ".join("(" + ", ".join(gs) + ")" for gs in sets)
        query = (
            f"SELECT {', '.join(outer)}, {', '.join(grouping)}, count(*) AS n, "
            "CAST(sum(cell_key) % 256 AS INTEGER) AS ck "
            f"FROM (SELECT {', '.join([*inner, 'cell_key'])} FROM {source} WHERE {where}) "
            f"GROUP BY GROUPING SETS ({sets_sql})"
        )
        k = len(names)
        for row in con.sql(query).fetchall():
            values, flags, n, ck = row[:k], row[k : 2 * k], row[2 * k], row[2 * k + 1]
            coords = tuple(
                TOTAL if flag else value for value, flag in zip(values, flags, strict=True)
            )
            table.cells[coords] = (int(n), int(ck or 0))
    # Explicit zeros for every combination not met in the data.
    for coords in itertools.product(*[(*d.categories, TOTAL) for d in resolved]):
        table.cells.setdefault(coords, (0, 0))
    unexpected = [
        c for c in table.cells
        if any(v != TOTAL and v not in d.categories for v, d in zip(c, resolved, strict=True))
    ]  # fmt: skip
    if unexpected:
        raise ValueError(f"{spec.name}: values outside the published categories: {unexpected[:3]}")
    return table


def count_tables(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[TableSpec],
    context: ReleaseContext | None,
    config: DisclosureConfig,
    *,
    dims: dict[str, Dimension] | None = None,
    coded: str | None = None,
) -> list[CountTable]:
    """Count every table (over ``dims``, by default the release's breakdowns). The breakdowns
    are coded once into a temporary table, so that each table is a plain GROUP BY over short
    columns; ``coded`` names such a table already made with ``code_projection`` over the same
    breakdowns (it is then reused and kept)."""
    if dims is None:
        if context is None:
            raise ValueError("count_tables needs a release context or dimensions")
        dims = dimensions(context)
    for spec in specs:
        spec.validate(dims, config)
    if coded is not None:
        return [count_table(con, spec, dims, source=coded) for spec in specs]
    code_projection(con, specs, dims)
    try:
        return [count_table(con, spec, dims, source="coded") for spec in specs]
    finally:
        con.execute("DROP TABLE IF EXISTS coded")


def code_projection(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[TableSpec],
    dims: dict[str, Dimension],
    name: str = "coded",
) -> None:
    """Materialise the published category of every breakdown (and population flags)."""
    used = sorted({d for spec in specs for d in spec.all_dims})
    populations = sorted({spec.population for spec in specs})
    columns = [f'({dims[d].sql}) AS "{d}"' for d in used]
    columns += [f'({POPULATIONS[p][0]}) AS "pop:{p}"' for p in populations]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {', '.join(columns)}, cell_key FROM p"
    )
