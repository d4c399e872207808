"""Small or sparse data: what to do when the figures of a population cannot be protected.

With ``<10`` shown for counts from 1 to 9, a reader knows that a suppressed figure is at least
1; a region of a handful of persons spread over several categories is then pinned down by its
own ``<10`` cells, whatever else is suppressed. Instead of withholding whole tables, the
figures that stay exposed (``DisclosureError.keys``) drive these steps, tried in order and only
for the population at fault (the tables of one population share their figures and are
protected together; populations share none):

1. gather the sparse categories of the breakdowns involved: regions with fewer persons than
   ``config.group_limit`` (the threshold by default) into their larger area (jurisdiction
   profile), then the rows still sparse into "other regions", the CTDC age bands into wider
   bands, the rare categories of other breakdowns into "other";
2. omit the regions (under ``config.omit_limit``, twice the threshold by default) whose rows
   still cannot be protected: the rows are not shown, their
   persons stay in the national figures, and the audit proves that their figures cannot be
   recomputed from the rest;
3. publish nationally only the tables whose national figures, or omitted rows, cannot be
   protected because of their regional detail;
4. gather further (age: minors and adults; other breakdowns: categories under twice the
   threshold);
5. withhold the tables that still cannot be protected.

Gathering is decided per population and breakdown, so that every table of the population
shows the same categories (the audit refuses a release that shows a category in one table and
gathers it in another). Every change is written into the release, table by table.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from .config import DisclosureConfig
from .disclosure import DisclosureError, ProtectedModel, protect
from .structure import VarKey
from .tables import (
    AGE_BAND_FOLDS,
    GEOGRAPHY,
    OMITTED,
    OTHER_REGIONS,
    POPULATIONS,
    CountTable,
    Dimension,
    TableSpec,
    count_tables,
    fold_dimension,
)

#: Attempts per population before giving up (each step changes the plan, so few are needed).
MAX_ATTEMPTS = 40

GROUPED = "grouped"
OMITTED_ROWS = "omitted"
NATIONAL_ONLY = "national_only"
WITHHELD = "withheld"

#: Gathering levels of the regions: 1 = larger areas, 2 = then "other regions".
GEOGRAPHY_LEVELS = (1, 2)


@dataclass(frozen=True)
class Adjustment:
    """One change made to one table so that it could be protected."""

    table: str
    adjustment: str  # grouped / omitted / national_only / withheld
    dimension: str = ""
    group: str = ""
    categories: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"table": self.table, "adjustment": self.adjustment}
        if self.dimension:
            out.update(dimension=self.dimension, categories=list(self.categories))
        if self.group:
            out["group"] = self.group
        return out


class CategoryCounts:
    """National count of each category of a breakdown in a population (cached)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._cache: dict[tuple[str, str, str], dict[str, int]] = {}

    def __call__(self, population: str, dim: Dimension) -> dict[str, int]:
        key = (population, dim.name, dim.sql)
        if key not in self._cache:
            where = POPULATIONS[population][0]
            value = f"unnest({dim.sql})" if dim.multi else f"({dim.sql})"
            rows = self.con.sql(
                f"SELECT c, count(*) FROM (SELECT {value} AS c FROM p WHERE {where}) GROUP BY c"
            ).fetchall()
            self._cache[key] = {str(c): int(n) for c, n in rows}
        return self._cache[key]


@dataclass
class Plan:
    """What is done to the tables of one population: gathering level per breakdown family,
    omitted regions, tables published nationally only, tables withheld."""

    population: str
    #: Larger areas (jurisdiction profile): area code -> its regions.
    areas: Mapping[str, Sequence[str]] = field(default_factory=dict)
    levels: dict[str, int] = field(default_factory=dict)
    omitted: set[str] = field(default_factory=set)
    national_only: set[str] = field(default_factory=set)
    withheld: set[str] = field(default_factory=set)

    # What the plan makes of the breakdowns and tables ---------------------------------------

    def groups(
        self,
        dim: Dimension,
        level: int,
        counts: dict[str, int],
        config: DisclosureConfig,
    ) -> dict[str, tuple[str, ...]]:
        if dim.family == GEOGRAPHY:
            # Level 1: the regions of an area holding a sparse region are shown as the area;
            # level 2: then the rows still sparse are gathered into "other regions".
            out: dict[str, tuple[str, ...]] = {}
            kept = [c for c in dim.categories if c not in self.omitted]
            limit = config.group_limit

            def persons(members: Sequence[str]) -> int:
                return sum(counts.get(m, 0) for m in members)

            rows: dict[str, tuple[str, ...]] = {c: (c,) for c in kept}
            if level >= 1:
                for area, regions in self.areas.items():
                    members = tuple(c for c in kept if c in regions and c in rows)
                    if len(members) >= 2 and any(0 < persons((c,)) < limit for c in members):
                        out[area] = members
                        for member in members:
                            del rows[member]
                        rows[area] = members
            if level >= 2:
                sparse = [r for r, members in rows.items() if 0 < persons(members) < limit]
                if len(sparse) >= 2:
                    out[OTHER_REGIONS] = tuple(m for r in sparse for m in rows[r])
                    for r in sparse:
                        out.pop(r, None)
            if self.omitted:
                out[OMITTED] = tuple(c for c in dim.categories if c in self.omitted)
            return out
        if not level or not dim.foldable:
            return {}
        if dim.name == "age_band":
            folds = AGE_BAND_FOLDS[min(level, len(AGE_BAND_FOLDS)) - 1]
            return {
                g: tuple(m for m in members if m in dim.categories) for g, members in folds.items()
            }
        limit = config.group_limit * level
        sparse = tuple(
            c
            for c in dim.categories
            if c not in dim.missing and c != "other" and 0 < counts.get(c, 0) < limit
        )
        if "other" in dim.categories and sparse:
            return {"other": tuple(c for c in dim.categories if c in (*sparse, "other"))}
        if len(sparse) >= 2:
            return {"other": sparse}
        return {}

    def dimensions(
        self,
        base: dict[str, Dimension],
        counter: CategoryCounts,
        config: DisclosureConfig,
        levels: dict[str, int] | None = None,
    ) -> dict[str, Dimension]:
        levels = self.levels if levels is None else levels
        out = {}
        for name, dim in base.items():
            level = levels.get(dim.family, 0)
            needed = level or (dim.family == GEOGRAPHY and self.omitted)
            groups = (
                self.groups(dim, level, counter(self.population, dim), config) if needed else {}
            )
            out[name] = fold_dimension(dim, groups)
        return out

    def active(self, specs: Sequence[TableSpec]) -> list[TableSpec]:
        return [
            dataclasses.replace(s, by_region=False) if s.name in self.national_only else s
            for s in specs
            if s.name not in self.withheld
        ]

    # Choosing the next step ------------------------------------------------------------------

    def adapt(
        self,
        keys: Sequence[VarKey],
        specs: Sequence[TableSpec],
        base: dict[str, Dimension],
        counter: CategoryCounts,
        config: DisclosureConfig,
    ) -> bool:
        """Take the next step for the exposed figures ``keys``; False when none is left."""
        families = {f for _population, pairs in keys for f, _v in pairs}
        current = self.dimensions(base, counter, config)

        def gather(level: int) -> bool:
            changed = False
            for family in sorted(families):
                now = self.levels.get(family, 0)
                if family == GEOGRAPHY:  # areas first, then "other regions"
                    candidates = [n for n in GEOGRAPHY_LEVELS if n > now]
                else:
                    candidates = [level] if now == level - 1 else []
                for candidate in candidates:
                    trial = {**self.levels, family: candidate}
                    after = self.dimensions(base, counter, config, trial)
                    if any(
                        after[n].categories != current[n].categories
                        for n, d in base.items()
                        if d.family == family
                    ):
                        self.levels[family] = candidate
                        changed = True
                        break
            return changed

        if gather(1):
            self._regional_or_national(specs, base, counter, config)
            return True
        regions = {v for _p, pairs in keys for f, v in pairs if f == GEOGRAPHY and v != OMITTED}
        small = self._small_regions(regions, current, base, counter, config)
        if small and self._omit(small, current, specs, base, counter):
            return True
        # National figures, omitted rows, or large regions whose cross-classification is too
        # fine: the regional detail of the tables holding them cannot be protected.
        active = self.active(specs)
        changed = False
        for _population, pairs in keys:
            named = {f for f, _v in pairs} - {GEOGRAPHY}
            for spec in active:
                if spec.by_region and named <= _families(spec, base):
                    self.national_only.add(spec.name)
                    changed = True
        if changed or gather(2):
            return True
        for _population, pairs in keys:
            named = {f for f, _v in pairs} - {GEOGRAPHY}
            for spec in active:
                if named <= _families(spec, base):
                    self.withheld.add(spec.name)
                    changed = True
        return changed

    def _regional_or_national(
        self,
        specs: Sequence[TableSpec],
        base: dict[str, Dimension],
        counter: CategoryCounts,
        config: DisclosureConfig,
    ) -> None:
        """When gathering leaves fewer than two regional rows with persons, regional tables
        would only repeat the national one: publish them for the country instead."""
        if GEOGRAPHY not in base or not self.levels.get(GEOGRAPHY):
            return
        geography = self.dimensions(base, counter, config)[GEOGRAPHY]
        counts = counter(self.population, base[GEOGRAPHY])
        rows = [
            c
            for c in geography.categories
            if c != OMITTED and sum(counts.get(m, 0) for m in geography.members(c)) > 0
        ]
        if len(rows) < 2:
            self.levels[GEOGRAPHY] = 0
            self.omitted.clear()
            self.national_only |= {s.name for s in specs if s.by_region}

    def _small_regions(
        self,
        regions: set[str],
        current: dict[str, Dimension],
        base: dict[str, Dimension],
        counter: CategoryCounts,
        config: DisclosureConfig,
    ) -> set[str]:
        """The regions (or groups of regions) with too few persons to be shown in detail:
        fewer than ``config.omit_limit`` (by default twice the threshold). A larger region is
        kept; the tables whose cells cannot be protected in it lose their regional detail
        instead."""
        if GEOGRAPHY not in current:
            return set()
        counts = counter(self.population, base[GEOGRAPHY])
        return {
            r
            for r in regions
            if sum(counts.get(m, 0) for m in current[GEOGRAPHY].members(r)) < config.omit_limit
        }

    def _omit(
        self,
        regions: set[str],
        current: dict[str, Dimension],
        specs: Sequence[TableSpec],
        base: dict[str, Dimension],
        counter: CategoryCounts,
    ) -> bool:
        geography = current.get(GEOGRAPHY)
        if geography is None:
            return False
        new = {m for r in regions for m in geography.members(r)} - self.omitted
        if not new:
            return False
        self.omitted |= new
        counts = counter(self.population, base[GEOGRAPHY])
        if all(c in self.omitted for c, n in counts.items() if n > 0):
            # Nothing regional would be left: publish these tables for the country instead.
            self.omitted.clear()
            self.national_only |= {s.name for s in specs if s.by_region}
        return True

    # What is written into the release --------------------------------------------------------

    def adjustments(
        self, specs: Sequence[TableSpec], dims: dict[str, Dimension]
    ) -> list[Adjustment]:
        out = []
        for spec in specs:
            if spec.name in self.withheld:
                out.append(Adjustment(spec.name, WITHHELD))
                continue
            if spec.name in self.national_only and spec.by_region:
                out.append(Adjustment(spec.name, NATIONAL_ONLY))
            shown = spec.dims if spec.name in self.national_only else spec.all_dims
            for name in shown:
                for group, members in dims[name].groups:
                    if group == OMITTED:
                        out.append(Adjustment(spec.name, OMITTED_ROWS, name, "", members))
                    else:
                        out.append(Adjustment(spec.name, GROUPED, name, group, members))
        return out


def _families(spec: TableSpec, dims: dict[str, Dimension]) -> set[str]:
    return {dims[d].family for d in spec.all_dims}


@dataclass
class Protected:
    """The protected tables of one population, and what was done to them."""

    model: ProtectedModel | None
    plan: Plan
    dimensions: dict[str, Dimension]
    adjustments: list[Adjustment]

    @property
    def tables(self) -> list[CountTable]:
        return self.model.tables if self.model is not None else []


def _score(model: ProtectedModel) -> tuple[bool, int]:
    """Better: the population's total shown, then more figures shown."""
    return not model.hidden_totals(), model.shown()


def protect_population(
    con: duckdb.DuckDBPyConnection,
    specs: Sequence[TableSpec],
    base: dict[str, Dimension],
    config: DisclosureConfig,
    *,
    counter: CategoryCounts | None = None,
    adapt: bool = True,
    on_attempt: Callable[[int], None] | None = None,
    coded: str | None = None,
    areas: Mapping[str, Sequence[str]] | None = None,
) -> Protected:
    """Protect the tables of one population, adapting them step by step when needed.

    ``coded`` names a table coded over ``base`` (``tables.code_projection``), reused while no
    breakdown is gathered."""
    populations = {s.population for s in specs}
    if len(populations) != 1:
        raise ValueError(f"one population at a time, not {sorted(populations)}")
    plan = Plan(populations.pop(), areas=dict(areas or {}))
    counter = counter or CategoryCounts(con)
    best: Protected | None = None
    for attempt in range(MAX_ATTEMPTS):
        if on_attempt is not None:
            on_attempt(attempt)
        dims = plan.dimensions(base, counter, config)
        active = plan.active(specs)
        if not active:
            return Protected(None, plan, dims, plan.adjustments(specs, dims))
        unchanged = not plan.omitted and not any(plan.levels.values())
        tables = count_tables(
            con, active, None, config, dims=dims, coded=coded if unchanged else None
        )
        try:
            model = protect(tables, config)
        except DisclosureError as exc:
            if not adapt or not exc.keys or not plan.adapt(exc.keys, specs, base, counter, config):
                if best is not None:
                    return best
                raise
            continue
        found = Protected(model, copy.deepcopy(plan), dims, plan.adjustments(specs, dims))
        if best is None or _score(model) > _score(best.model):  # type: ignore[arg-type]
            best = found
        # Protected, but the population's total had to be hidden to protect a few sparse
        # figures: such tables say little, so gather further while that helps.
        if not (adapt and model.hidden_totals() and model.exposed):
            return best
        if not plan.adapt(list(model.exposed), specs, base, counter, config):
            return best
    if best is not None:
        return best
    raise DisclosureError(f"{plan.population}: not protected after {MAX_ATTEMPTS} attempts")
