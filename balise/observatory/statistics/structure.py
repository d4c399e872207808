"""The additive structure of a set of published tables, shared by disclosure control and audit.

Every published figure is a *variable*: the number of units of a population in a cell,
identified by the population and the (family, category) pairs of its coordinates, totals
omitted. Two tables that show the same figure (the national total of persons referred, the
women referred in region 11) therefore share one variable, whatever table they appear in.

Relations an attacker can use are *lines*:

* ``eq``: total = sum of parts, along a single-valued breakdown (each unit in one category);
* ``multi``: along a multi-valued breakdown (a person under several forms): every part is at
  most the total, and the parts add up to at least the total (each person has a category,
  ``unknown`` when none is known);
* composite categories (``other_or_unknown`` = ``trans_or_non_conforming`` + ``unknown``).

Rows gathered into ``OMITTED`` are not shown, but stay in the structure: the totals still
count their persons, so an attacker's relations stay true. Each omitted row had at least one
person, so the total of ``n`` omitted rows is known to be at least ``n`` (``lower``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .tables import OMITTED, TOTAL, Dimension

VarKey = tuple[str, tuple[tuple[str, str], ...]]


def var_key(population: str, dims: Sequence[Dimension], coords: Sequence[str]) -> VarKey:
    pairs = sorted(
        (d.family, value) for d, value in zip(dims, coords, strict=True) if value != TOTAL
    )
    return population, tuple(pairs)


@dataclass(frozen=True)
class Line:
    kind: Literal["eq", "multi"]
    total: int
    parts: tuple[int, ...]


@dataclass
class Structure:
    keys: list[VarKey] = field(default_factory=list)
    index: dict[VarKey, int] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    var_lines: list[list[int]] = field(default_factory=list)
    lower: dict[int, int] = field(default_factory=dict)
    _seen: set[Line] = field(default_factory=set)

    def var(self, key: VarKey) -> int:
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.keys)
            self.keys.append(key)
            self.var_lines.append([])
        return found

    def add_line(self, line: Line) -> None:
        if line in self._seen or not line.parts:
            return
        self._seen.add(line)
        number = len(self.lines)
        self.lines.append(line)
        for member in (line.total, *line.parts):
            self.var_lines[member].append(number)

    def population(self, var: int) -> str:
        return self.keys[var][0]


def table_cells(dims: Sequence[Dimension]) -> list[tuple[str, ...]]:
    """Every coordinate of a table over ``dims``, margins included."""
    return list(itertools.product(*[(*d.categories, TOTAL) for d in dims]))


def add_table(structure: Structure, population: str, dims: Sequence[Dimension]) -> list[int]:
    """Register a table's cells and lines; return the variable of each cell (``table_cells``)."""
    cells = table_cells(dims)
    variables = {c: structure.var(var_key(population, dims, c)) for c in cells}
    for axis, dim in enumerate(dims):
        others = [(*d.categories, TOTAL) for i, d in enumerate(dims) if i != axis]
        for rest in itertools.product(*others):

            def at(value: str, rest: tuple[str, ...] = rest, axis: int = axis) -> tuple[str, ...]:
                return (*rest[:axis], value, *rest[axis:])

            structure.add_line(
                Line(
                    "multi" if dim.multi else "eq",
                    variables[at(TOTAL)],
                    tuple(variables[at(c)] for c in dim.categories),
                )
            )
        if OMITTED in dim.categories:
            coords = tuple(OMITTED if i == axis else TOTAL for i in range(len(dims)))
            structure.lower[variables[coords]] = len(dim.members(OMITTED))
    return [variables[c] for c in cells]


def add_composites(structure: Structure, dims: Sequence[Dimension]) -> None:
    """Lines for composite categories whose parent and children are all published."""
    for dim in dims:
        for parent, children in dim.composites:
            for key in list(structure.keys):
                population, pairs = key
                if (dim.family, parent) not in pairs:
                    continue
                child_vars = []
                for child in children:
                    child_pairs = tuple(
                        sorted(
                            (f, child if (f, v) == (dim.family, parent) else v) for f, v in pairs
                        )
                    )
                    found = structure.index.get((population, child_pairs))
                    if found is None:
                        break
                    child_vars.append(found)
                else:
                    structure.add_line(Line("eq", structure.index[key], tuple(child_vars)))
