"""Release audit: prove that no suppressed cell can be recomputed from what is published.

For every cell suppressed by the threshold rule, the audit computes the interval of values
that the cell can take given *everything* published in the release: every other figure of
every table (as an interval when it is rounded or perturbed), every margin, the additive
relations between them (``structure``), the suppression symbols themselves (``<10`` means 1
to 9; a secondary ``c`` means at least the threshold) and non-negativity. The interval is
found by linear programming with HiGHS: minimise, then maximise the cell (``highspy``, one
warm-started model per population; ``scipy.optimize.linprog`` gives the same answer and is
kept as an independent check). The release fails when an interval is narrower than
``config.min_protection_width`` or when one figure is shown differently in two tables.

The release is audited jointly: populations related by construction (``tables.RELATIONS``: a
sub-population's figure is at most its parent's, equal to it where the sub-population is the
parent restricted to a category shown; a published partition adds up) are one model, so a
suppressed figure of a sub-population recomputable from its parent population fails the audit.

Rows a table omits (``OMITTED``, sparse data) are checked too: nothing is shown of them, so
an attacker only knows what the rest implies, and each of their figures must stay as uncertain
as a suppressed one unless it is provably zero or at least the threshold. A release that shows
a category in one table and gathers it into a group in another (same population) fails: the
difference would reveal the rest of the group.

The linear relaxation is exact for two-way tables with margins (their constraint matrices
are totally unimodular); the bounds are then rounded inwards to integers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, csr_matrix, vstack

from .config import DisclosureConfig
from .structure import (
    Structure,
    VarKey,
    add_composites,
    add_relations,
    add_table,
    category_members,
)
from .tables import RELATIONS, Partition, Subset

if TYPE_CHECKING:
    from .release import ReleasedTable

Solver = Literal["highs", "linprog"]

PUBLISHED = "published"
PRIMARY = "primary"
SECONDARY = "secondary"
OMITTED = "omitted"
#: Statuses whose figures the audit must prove protected.
PROTECTED = (PRIMARY, OMITTED)


def round_to_base(value: int, base: int) -> int:
    """Round half up to a multiple of ``base``."""
    return (2 * value + base) // (2 * base) * base


def rounding_interval(published: int, base: int) -> tuple[int, int]:
    """The true values that round to ``published``."""
    return published - base // 2, published + (base + 1) // 2 - 1


def attacker_bounds(
    status: str, value: int | None, config: DisclosureConfig
) -> tuple[int, int | None]:
    """What a reader knows about a figure's true value from how it is shown."""
    noise = config.noise
    if status == OMITTED:
        return 0, None
    if status == PRIMARY:
        return 1, config.threshold - 1 + noise
    if status == SECONDARY:
        return max(1, config.threshold - noise), None
    assert value is not None
    if value == 0:
        return 0, 0
    lower, upper = rounding_interval(value, config.rounding_base)
    return max(lower - noise, config.threshold - noise, 1), upper + noise


@dataclass(frozen=True)
class CellInterval:
    key: VarKey
    lower: float
    upper: float
    status: str = PRIMARY

    @property
    def width(self) -> float:
        return self.upper - self.lower

    def exempt(self, config: DisclosureConfig) -> bool:
        """An omitted figure known to be 0, or to be at least the threshold, reveals no
        person however narrow its interval (a published figure would say as much)."""
        return self.status == OMITTED and (self.upper <= 0 or self.lower >= config.threshold)

    def disclosive(self, config: DisclosureConfig) -> bool:
        """Too narrow: a suppressed figure, or an omitted one that may be small."""
        return self.width < config.min_protection_width and not self.exempt(config)

    def describe(self) -> str:
        population, pairs = self.key
        where = ", ".join(f"{f}={v}" for f, v in pairs) or "total"
        return f"{population} [{where}] in [{self.lower:g}, {self.upper:g}]"


@dataclass
class AuditReport:
    passed: bool
    min_protection_width: int
    checked: int
    failures: list[CellInterval] = field(default_factory=list)
    inconsistencies: list[str] = field(default_factory=list)
    narrowest: float | None = None
    #: Populations audited together because of the relations between them.
    related: list[list[str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "min_protection_width": self.min_protection_width,
            "suppressed_cells_checked": self.checked,
            "narrowest_interval": self.narrowest,
            "failures": [f.describe() for f in self.failures],
            "inconsistencies": self.inconsistencies,
            "related_populations": self.related,
        }


def interval_audit(
    structure: Structure,
    status: Sequence[str],
    value: Sequence[int | None],
    config: DisclosureConfig,
    populations: Iterable[str] | None = None,
    solver: Solver = "highs",
    only: set[int] | None = None,
) -> list[CellInterval]:
    """Feasible interval of every primary-suppressed or omitted variable (of ``populations``,
    or ``only`` those variables). Populations tied by relations (``structure.add_relations``)
    are solved as one model: an attacker combines their figures."""
    component = structure.components()
    by_component: dict[str, list[int]] = {}
    for var, key in enumerate(structure.keys):
        by_component.setdefault(component[key[0]], []).append(var)
    wanted = (
        {component[p] for p in populations if p in component}
        if populations is not None
        else set(by_component)
    )
    results: list[CellInterval] = []
    for name, variables in by_component.items():
        if name not in wanted:
            continue
        targets = [v for v in variables if status[v] in PROTECTED and (only is None or v in only)]
        if not targets:
            continue
        results.extend(
            _population_intervals(structure, variables, targets, status, value, config, solver)
        )
    return results


def _population_intervals(
    structure: Structure,
    variables: list[int],
    targets: list[int],
    status: Sequence[str],
    value: Sequence[int | None],
    config: DisclosureConfig,
    solver: Solver,
) -> list[CellInterval]:
    all_bounds = {}
    for v in variables:
        lower, upper = attacker_bounds(status[v], value[v], config)
        all_bounds[v] = (max(lower, structure.lower.get(v, 0)), upper)
    # Figures published as 0 are known exactly and drop out of every relation.
    variables = [v for v in variables if all_bounds[v] != (0, 0)]
    local = {v: i for i, v in enumerate(variables)}
    lines = sorted({n for v in variables for n in structure.var_lines[v]})
    eq_rows: list[int] = []
    eq_cols: list[int] = []
    eq_vals: list[float] = []
    ub_rows: list[int] = []
    ub_cols: list[int] = []
    ub_vals: list[float] = []
    n_eq = n_ub = 0
    for number in lines:
        line = structure.lines[number]
        total = local.get(line.total)
        parts = [local[p] for p in line.parts if p in local]
        if line.kind == "eq":
            members = ([total] if total is not None else []) + parts
            eq_rows += [n_eq] * len(members)
            eq_cols += members
            eq_vals += ([1.0] if total is not None else []) + [-1.0] * len(parts)
            n_eq += 1
        elif line.kind == "sub":
            if total is None:
                continue  # a figure published as 0 is below anything
            ub_rows += [n_ub] * (1 + len(parts))  # total <= sum of parts
            ub_cols += [total, *parts]
            ub_vals += [1.0] + [-1.0] * len(parts)
            n_ub += 1
        elif total is not None:
            for part in parts:  # part <= total
                ub_rows += [n_ub, n_ub]
                ub_cols += [part, total]
                ub_vals += [1.0, -1.0]
                n_ub += 1
            ub_rows += [n_ub] * (1 + len(parts))  # total <= sum of parts
            ub_cols += [total, *parts]
            ub_vals += [1.0] + [-1.0] * len(parts)
            n_ub += 1
    size = len(variables)
    a_eq = coo_matrix((eq_vals, (eq_rows, eq_cols)), shape=(n_eq, size)).tocsr()
    a_ub = coo_matrix((ub_vals, (ub_rows, ub_cols)), shape=(n_ub, size)).tocsr()
    bounds = [all_bounds[v] for v in variables]
    solve = _highs_extremes if solver == "highs" else _linprog_extremes
    results = []
    for target, (lower, upper) in zip(
        targets, solve(a_eq, a_ub, bounds, [local[t] for t in targets]), strict=True
    ):
        if lower is None or upper is None:
            raise AuditError(f"published figures are inconsistent around {structure.keys[target]}")
        low = math.ceil(lower - 1e-6)
        high = math.floor(upper + 1e-6) if math.isfinite(upper) else math.inf
        results.append(CellInterval(structure.keys[target], low, high, status[target]))
    return results


Extremes = list[tuple[float | None, float | None]]


def _linprog_extremes(
    a_eq: csr_matrix, a_ub: csr_matrix, bounds: list[tuple[int, int | None]], targets: list[int]
) -> Extremes:
    """Minimum and maximum of each target with ``scipy.optimize.linprog`` (HiGHS)."""
    size = a_eq.shape[1]
    out: Extremes = []
    for target in targets:
        pair: list[float | None] = []
        for sign in (1.0, -1.0):
            c = np.zeros(size)
            c[target] = sign
            solution = linprog(
                c,
                A_ub=a_ub if a_ub.shape[0] else None,
                b_ub=np.zeros(a_ub.shape[0]) if a_ub.shape[0] else None,
                A_eq=a_eq if a_eq.shape[0] else None,
                b_eq=np.zeros(a_eq.shape[0]) if a_eq.shape[0] else None,
                bounds=bounds,
                method="highs",
            )
            if solution.status == 3:
                pair.append(-math.inf if sign > 0 else math.inf)
            elif solution.status == 0:
                pair.append(sign * solution.fun)
            else:
                pair.append(None)
        out.append((pair[0], pair[1]))
    return out


def _highs_extremes(
    a_eq: csr_matrix, a_ub: csr_matrix, bounds: list[tuple[int, int | None]], targets: list[int]
) -> Extremes:
    """The same with one HiGHS model per population, re-solved warm for each objective."""
    import highspy

    inf = highspy.kHighsInf
    matrix = vstack([a_eq, a_ub]).tocsc()
    n_eq, n_ub = a_eq.shape[0], a_ub.shape[0]
    lp = highspy.HighsLp()
    lp.num_col_ = matrix.shape[1]
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = np.zeros(lp.num_col_)
    lp.col_lower_ = np.array([b[0] for b in bounds], dtype=float)
    lp.col_upper_ = np.array([inf if b[1] is None else b[1] for b in bounds], dtype=float)
    lp.row_lower_ = np.concatenate([np.zeros(n_eq), np.full(n_ub, -inf)])
    lp.row_upper_ = np.zeros(n_eq + n_ub)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")
    highs.setOptionValue("solver", "simplex")
    highs.setOptionValue("simplex_strategy", 4)  # primal: a cost change keeps feasibility
    highs.passModel(lp)
    found: dict[tuple[int, bool], float | None] = {}
    # All minimisations, then all maximisations: consecutive objectives differ little, so
    # each solve starts from a nearly optimal basis.
    for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
        highs.changeObjectiveSense(sense)
        minimise = sense == highspy.ObjSense.kMinimize
        for target in targets:
            highs.changeColCost(target, 1.0)
            highs.run()
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                found[target, minimise] = highs.getInfo().objective_function_value
            elif status == highspy.HighsModelStatus.kUnbounded:
                found[target, minimise] = -math.inf if minimise else math.inf
            else:
                found[target, minimise] = None
            highs.changeColCost(target, 0.0)
    return [(found[t, True], found[t, False]) for t in targets]


class AuditError(RuntimeError):
    pass


def grouping_inconsistencies(tables: Sequence[ReleasedTable]) -> list[str]:
    """Categories gathered into a group (or omitted) in one table of a population and shown
    on their own, or in another group, in another table of the same population."""
    owners: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}
    problems: list[str] = []
    for table in tables:
        for dim in table.dimensions:
            seen = owners.setdefault((table.population, dim.family), {})
            for category in dim.categories:
                for member in dim.members(category):
                    found = seen.setdefault(member, (category, table.name))
                    if found[0] != category:
                        problems.append(
                            f"{table.name}: {dim.family} {member!r} published as {category!r} "
                            f"and in {found[1]} as {found[0]!r}"
                        )
    return problems


def audit_release(
    tables: Sequence[ReleasedTable],
    config: DisclosureConfig,
    solver: Solver = "highs",
    relations: Sequence[Subset | Partition] = RELATIONS,
) -> AuditReport:
    """Audit a release from its published tables alone (values, symbols and structure), the
    whole release jointly: figures of related populations (``relations``) constrain each
    other."""
    structure = Structure()
    status: dict[int, str] = {}
    value: dict[int, int | None] = {}
    inconsistencies: list[str] = []
    for table in tables:
        variables = add_table(structure, table.population, table.dimensions)
        if len(variables) != len(table.cells):
            raise AuditError(f"{table.name}: cells do not cover the table and its margins")
        for var, cell in zip(variables, table.cells, strict=True):
            seen = (status.get(var), value.get(var))
            if var in status and seen != (cell.status, cell.value):
                inconsistencies.append(
                    f"{table.name}: {structure.keys[var]} shown as {cell.status} {cell.value} "
                    f"and elsewhere as {seen[0]} {seen[1]}"
                )
            status[var], value[var] = cell.status, cell.value
    for table in tables:
        add_composites(structure, table.dimensions)
    add_relations(
        structure, category_members([(t.population, t.dimensions) for t in tables]), relations
    )
    inconsistencies += grouping_inconsistencies(tables)
    ordered_status = [status[v] for v in range(len(structure.keys))]
    ordered_value = [value[v] for v in range(len(structure.keys))]
    intervals = interval_audit(structure, ordered_status, ordered_value, config, solver=solver)
    failures = [i for i in intervals if i.disclosive(config)]
    components: dict[str, list[str]] = {}
    for population, component in sorted(structure.components().items()):
        components.setdefault(component, []).append(population)
    return AuditReport(
        passed=not failures and not inconsistencies,
        min_protection_width=config.min_protection_width,
        checked=sum(1 for i in intervals if not i.exempt(config)),
        failures=failures,
        inconsistencies=inconsistencies,
        narrowest=min((i.width for i in intervals if not i.exempt(config)), default=None),
        related=[members for members in components.values() if len(members) > 1],
    )
