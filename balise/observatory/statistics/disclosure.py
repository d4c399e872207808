"""Disclosure control of counted tables (reference/observatory.md, rules 2 to 6).

Applied to every figure of every table of a release at once, so that a figure shown in two
tables gets one treatment:

1. perturbation (``cell_key`` method only): each cell's noise is a fixed function of its count
   and of its cell key (sum of its persons' keys modulo 256), so the same cell always gets the
   same noise, in every table and every run;
2. threshold: counts from 1 to ``threshold - 1`` are suppressed and shown ``<10``;
3. rounding to ``rounding_base``; totals are rounded on their own like any other figure;
4. protection against differencing: secondary suppression (shown ``c``) wherever a line
   (a total and its parts) would otherwise reveal a suppressed cell, then the release audit
   (``audit.interval_audit``) is run and further cells are suppressed until every suppressed
   cell keeps a feasible interval at least ``min_protection_width`` wide. The complements of
   the lines are chosen by a small integer program (HiGHS) minimising the persons hidden,
   then completed by the audit loop; the greedy method (the smallest figure of each line in
   turn) is used instead when the program is too large or not solved in time
   (``config.optimal_*``) or leaves a figure that cannot be protected. Related populations
   (``tables.RELATIONS``) are then protected together (``protect_jointly``).

Figures of omitted rows (``tables.OMITTED``) are never shown; the audit protects them like
suppressed ones. When no further figure can be suppressed, ``DisclosureError.keys`` names the
figures that could not be protected, so that the caller can gather or omit categories
(``sparse``) and try again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from .audit import (
    OMITTED,
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    interval_audit,
    round_to_base,
)
from .config import DisclosureConfig
from .structure import (
    Structure,
    VarKey,
    add_composites,
    add_relations,
    add_table,
    category_members,
)
from .tables import OMITTED as OMITTED_CATEGORY
from .tables import CountTable, Partition, Subset


class DisclosureError(RuntimeError):
    """The figures could not be protected; ``keys`` names those that stay exposed."""

    def __init__(self, message: str, keys: Sequence[VarKey] = ()) -> None:
        super().__init__(message)
        self.keys = tuple(keys)


def cell_key_noise(count: int, cell_key: int, max_noise: int) -> int:
    """Deterministic noise of a cell from its count and cell key (0–255).

    Uniform over ``-m..m`` with ``m = min(max_noise, count - 1)``: zero on average, never
    turning a non-zero count into zero nor a zero into a non-zero count.
    """
    if count <= 0:
        return 0
    spread = min(max_noise, count - 1)
    return cell_key * (2 * spread + 1) // 256 - spread


class ProtectedModel:
    """Every variable of a release with its true count, cell key, status and published value."""

    def __init__(
        self,
        tables: Sequence[CountTable],
        config: DisclosureConfig,
        relations: Sequence[Subset | Partition] = (),
    ) -> None:
        self.config = config
        self.tables = list(tables)
        self.structure = Structure()
        self.table_vars: list[list[int]] = []
        truth: dict[int, int] = {}
        keys: dict[int, int] = {}
        for table in self.tables:
            variables = add_table(self.structure, table.spec.population, table.dimensions)
            self.table_vars.append(variables)
            cells = list(table.cells.items())
            ordered = _ordered_cells(table)
            if len(ordered) != len(cells):
                raise DisclosureError(f"{table.spec.name}: incomplete table")
            for var, (count, cell_key) in zip(variables, ordered, strict=True):
                if var in truth and truth[var] != count:
                    raise DisclosureError(
                        f"{table.spec.name}: {self.structure.keys[var]} counted as {count} "
                        f"here and {truth[var]} in another table"
                    )
                truth[var], keys[var] = count, cell_key
        for table in self.tables:
            add_composites(self.structure, table.dimensions)
        if relations:
            members = category_members([(t.spec.population, t.dimensions) for t in self.tables])
            add_relations(self.structure, members, relations)
        size = len(self.structure.keys)
        self.truth = [truth[v] for v in range(size)]
        self.cell_key = [keys[v] for v in range(size)]
        self.status = [
            OMITTED if any(v == OMITTED_CATEGORY for _f, v in key[1]) else PUBLISHED
            for key in self.structure.keys
        ]
        self.value: list[int | None] = [None] * size
        #: Figures found too exposed in some round of the audit (see ``sparse``).
        self.exposed: dict[VarKey, None] = {}

    def hidden_totals(self) -> list[VarKey]:
        """Population totals that are large enough to show but had to be suppressed."""
        return [
            key
            for var, key in enumerate(self.structure.keys)
            if not key[1] and self.status[var] == SECONDARY
        ]

    def shown(self) -> int:
        """How many non-zero figures are published."""
        return sum(
            1 for var, value in enumerate(self.value) if self.status[var] == PUBLISHED and value
        )

    # Rule 1 to 3 ---------------------------------------------------------------------------

    def apply_primary(self) -> None:
        config = self.config
        for var, count in enumerate(self.truth):
            if self.status[var] == OMITTED:
                continue
            shown = count
            if config.method == "cell_key":
                shown = count + cell_key_noise(count, self.cell_key[var], config.max_noise)
            if 1 <= shown < config.threshold:
                self.status[var], self.value[var] = PRIMARY, None
            else:
                self.value[var] = round_to_base(shown, config.rounding_base)

    # Rule 4 --------------------------------------------------------------------------------

    def suppress(self, var: int) -> None:
        self.status[var], self.value[var] = SECONDARY, None

    def apply_line_suppression(self) -> None:
        """No total-and-parts line may hold exactly one suppressed figure."""
        lines = self.structure.lines
        queue = deque(range(len(lines)))
        queued = [True] * len(lines)
        while queue:
            number = queue.popleft()
            queued[number] = False
            line = lines[number]
            if line.kind != "eq":
                continue
            members = (line.total, *line.parts)
            hidden = [m for m in members if self.status[m] != PUBLISHED]
            # A lone omitted figure is left to the interval audit: it is often large.
            if len(hidden) != 1 or self.status[hidden[0]] == OMITTED:
                continue
            chosen = self._candidate([line.parts, (line.total,)])
            if chosen is None:
                key = self.structure.keys[hidden[0]]
                raise DisclosureError(f"no complementary cell for {key}", [key])
            self.suppress(chosen)
            for other in self.structure.var_lines[chosen]:
                if not queued[other]:
                    queued[other] = True
                    queue.append(other)

    def _candidate(self, groups: Sequence[Sequence[int]]) -> int | None:
        """The smallest published non-zero figure, parts before totals."""
        for group in groups:
            options = [m for m in group if self.status[m] == PUBLISHED and self.truth[m] > 0]
            if options:
                return min(options, key=lambda m: (self.truth[m], self.structure.keys[m]))
        return None

    def _nearest_candidate(self, var: int) -> int | None:
        """A figure to suppress to widen ``var``'s interval: from its own lines first, then
        from the lines of the hidden figures it is tied to, and so on outwards. Among them,
        the most detailed figure (margins, and the national total above all, are the most
        read), on an additive line rather than a multi-valued one, then the smallest."""
        frontier, seen = [var], {var}
        keys = self.structure.keys
        while frontier:
            lines = [self.structure.lines[n] for v in frontier for n in self.structure.var_lines[v]]
            options = {
                m: line.kind != "eq"
                for line in sorted(lines, key=lambda line: line.kind == "eq")
                for m in (*line.parts, line.total)
                if m not in seen and self.status[m] == PUBLISHED and self.truth[m] > 0
            }
            if options:
                return min(
                    options,
                    key=lambda m: (options[m], -len(keys[m][1]), self.truth[m], keys[m]),
                )
            members = {m for line in lines for m in (line.total, *line.parts)}
            frontier = [m for m in members - seen if self.status[m] != PUBLISHED]
            seen |= members
        return None

    def apply_audit_suppression(self) -> int:
        """Suppress more until the interval audit passes; return the number of rounds.

        Suppressing a figure only enlarges what an attacker must consider possible, so a cell
        found protected stays protected: each round re-examines only the cells that failed.
        """
        config = self.config
        only: set[int] | None = None
        failing: list = []
        for round_number in range(1, config.max_audit_rounds + 1):
            intervals = interval_audit(self.structure, self.status, self.value, config, only=only)
            failing = [i for i in intervals if i.disclosive(config)]
            if not failing:
                return round_number
            only = set()
            stuck = []
            self.exposed.update(dict.fromkeys(i.key for i in failing))
            for interval in failing:
                var = self.structure.index[interval.key]
                only.add(var)
                chosen = self._nearest_candidate(var)
                if chosen is None:
                    stuck.append(interval)
                else:
                    self.suppress(chosen)
            if stuck:
                raise DisclosureError(
                    "cannot protect " + "; ".join(i.describe() for i in stuck),
                    [i.key for i in stuck],
                )
            if config.method == "secondary_suppression":
                self.apply_line_suppression()
        raise DisclosureError(
            f"not protected after {config.max_audit_rounds} rounds", [i.key for i in failing]
        )

    # Cost-minimising complementary suppression ---------------------------------------------

    def suppressed_persons(self) -> int:
        """The persons behind the figures suppressed as complements (the cost of protection)."""
        return sum(t for t, s in zip(self.truth, self.status, strict=True) if s == SECONDARY)

    def _state(self) -> tuple[list[str], list[int | None], dict[VarKey, None]]:
        return list(self.status), list(self.value), dict(self.exposed)

    def _restore(self, state: tuple[list[str], list[int | None], dict[VarKey, None]]) -> None:
        self.status, self.value, self.exposed = list(state[0]), list(state[1]), dict(state[2])

    def apply_optimal_suppression(self) -> bool:
        """Choose the complementary suppressions of the additive lines with an integer program:
        no line may keep exactly one hidden figure (as ``apply_line_suppression``), at the least
        cost in persons hidden. Returns False, changing nothing, when the model is larger than
        ``config.optimal_max_cells`` or not solved to optimality within
        ``config.optimal_time_limit`` seconds (HiGHS): the greedy method is then used."""
        import highspy
        import numpy as np

        config = self.config
        status, truth = self.status, self.truth
        lines = [line for line in self.structure.lines if line.kind == "eq"]

        def hidden(m: int) -> bool:
            return status[m] != PUBLISHED

        def candidate(m: int) -> bool:
            return status[m] == PUBLISHED and truth[m] > 0

        # Lines that can hold a hidden figure: those with a hidden member or a candidate.
        columns: dict[int, int] = {}
        rows: list[tuple[list[int], float]] = []  # (candidate columns with +1/-1, bound)
        coefficients: list[list[float]] = []
        for line in lines:
            members = (line.total, *line.parts)
            fixed = [m for m in members if hidden(m)]
            free = [m for m in members if candidate(m)]
            if not free:
                continue
            for m in members:
                others_fixed = sum(1 for o in fixed if o != m)
                if others_fixed:
                    continue  # m has a hidden companion on this line whatever is chosen
                others = [o for o in free if o != m]
                if hidden(m) and status[m] != OMITTED:
                    # sum(x_others) >= 1
                    cols = [columns.setdefault(o, len(columns)) for o in others]
                    rows.append((cols, -1.0))
                    coefficients.append([-1.0] * len(cols))
                elif candidate(m):
                    # x_m - sum(x_others) <= 0
                    cols = [columns.setdefault(m, len(columns))]
                    cols += [columns.setdefault(o, len(columns)) for o in others]
                    rows.append((cols, 0.0))
                    coefficients.append([1.0] + [-1.0] * len(others))
                if len(columns) > config.optimal_max_cells:
                    return False
        if not rows:
            return True
        if any(not cols for cols, _bound in rows):
            return False  # a hidden figure with no possible companion: greedy reports it
        inf = highspy.kHighsInf
        highs = highspy.Highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("time_limit", float(config.optimal_time_limit))
        highs.setOptionValue("mip_rel_gap", 0.0)
        variables = sorted(columns, key=columns.__getitem__)
        keys = self.structure.keys
        # Cost: the persons hidden; a figure of a more detailed cell is slightly cheaper, so
        # that between equal costs the margins stay published. A population's total is the
        # most read figure: it is hidden only when nothing else protects (its cost exceeds
        # that of every other figure together).
        costs = np.array([truth[v] + 1.0 / (2 + len(keys[v][1])) for v in variables], dtype=float)
        totals = np.array([not keys[v][1] for v in variables])
        costs[totals] += costs[~totals].sum() + 1.0
        size = len(variables)
        highs.addVars(size, np.zeros(size), np.ones(size))
        highs.changeColsCost(size, np.arange(size, dtype=np.int32), costs)
        highs.changeColsIntegrality(
            size,
            np.arange(size, dtype=np.int32),
            np.array([highspy.HighsVarType.kInteger] * size),
        )
        for (cols, bound), values in zip(rows, coefficients, strict=True):
            highs.addRow(-inf, bound, len(cols), np.array(cols, dtype=np.int32), np.array(values))
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return False
        solution = highs.getSolution().col_value
        for var, x in zip(variables, solution, strict=True):
            if x > 0.5:
                self.suppress(var)
        return True

    def protect_margins(self) -> None:
        """Rule 4: complementary suppression chosen by the integer program, completed by the
        audit loop; the greedy method instead when the program is too large, not solved in
        time or leaves a figure that cannot be protected. For cell-key perturbation, the
        audit loop alone."""
        if self.config.method != "secondary_suppression":
            self.apply_audit_suppression()
            return
        if self.config.optimal_suppression:
            start = self._state()
            try:
                if self.apply_optimal_suppression():
                    self.apply_line_suppression()
                    self.apply_audit_suppression()
                    return
            except DisclosureError:
                pass
            self._restore(start)
        self.apply_line_suppression()
        self.apply_audit_suppression()


def _ordered_cells(table: CountTable) -> list[tuple[int, int]]:
    from .structure import table_cells

    return [table.cells[c] for c in table_cells(table.dimensions) if c in table.cells]


def protect(
    tables: Sequence[CountTable], config: DisclosureConfig, *, protect_margins: bool = True
) -> ProtectedModel:
    """Apply disclosure control to ``tables`` together.

    ``protect_margins=False`` stops after the threshold rule and rounding: such tables are
    **not** safe to publish (the audit shows it); it exists to demonstrate the audit.
    """
    model = ProtectedModel(tables, config)
    model.apply_primary()
    if protect_margins:
        model.protect_margins()
    return model


def protect_jointly(
    models: Sequence[ProtectedModel],
    config: DisclosureConfig,
    relations: Sequence[Subset | Partition],
) -> ProtectedModel:
    """Protect related populations together: each one protected on its own (``models``),
    then their figures put into one model with the relations between them, and more figures
    suppressed until no suppressed figure of any of them can be recomputed from the others
    (an attacker combines a sub-population's tables with its parent's)."""
    joint = ProtectedModel([t for m in models for t in m.tables], config, relations)
    joint.apply_primary()
    for model in models:
        for var, key in enumerate(model.structure.keys):
            if model.status[var] == SECONDARY:
                joint.suppress(joint.structure.index[key])
    if config.method == "secondary_suppression":
        joint.apply_line_suppression()
    joint.apply_audit_suppression()
    return joint
