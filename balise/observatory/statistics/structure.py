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
* composite categories (``other_or_unknown`` = ``trans_or_non_conforming`` + ``unknown``);
* ``sub``: relations *between* populations (``tables.RELATIONS``): a figure of a
  sub-population is at most the sum of the figures of its parent population that cover the
  same categories (``total <= sum of parts``), equal to the parent's figure where the
  sub-population is the parent restricted to the categories shown, and a published partition
  of a population adds up (``eq``). Populations tied by such lines form one *component*,
  audited and protected as one.

Rows gathered into ``OMITTED`` are not shown, but stay in the structure: the totals still
count their persons, so an attacker's relations stay true. Each omitted row had at least one
person, so the total of ``n`` omitted rows is known to be at least ``n`` (``lower``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .tables import OMITTED, TOTAL, Dimension, Partition, Subset

VarKey = tuple[str, tuple[tuple[str, str], ...]]


def var_key(population: str, dims: Sequence[Dimension], coords: Sequence[str]) -> VarKey:
    pairs = sorted(
        (d.family, value) for d, value in zip(dims, coords, strict=True) if value != TOTAL
    )
    return population, tuple(pairs)


@dataclass(frozen=True)
class Line:
    kind: Literal["eq", "multi", "sub"]
    total: int
    parts: tuple[int, ...]


@dataclass
class Structure:
    keys: list[VarKey] = field(default_factory=list)
    index: dict[VarKey, int] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    var_lines: list[list[int]] = field(default_factory=list)
    lower: dict[int, int] = field(default_factory=dict)
    #: Pairs of populations tied by a relation line (``add_relations``).
    links: set[tuple[str, str]] = field(default_factory=set)
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

    def components(self) -> dict[str, str]:
        """Each population's component (populations tied by relation lines), named by its
        smallest member."""
        parent: dict[str, str] = {key[0]: key[0] for key in self.keys}

        def find(p: str) -> str:
            while parent[p] != p:
                parent[p] = parent[parent[p]]
                p = parent[p]
            return p

        for a, b in self.links:
            if a in parent and b in parent:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        return {p: find(p) for p in parent}


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


#: Members of each published category: population -> family -> category -> code-list values.
Members = dict[str, dict[str, dict[str, frozenset[str]]]]


def category_members(tables: Sequence[tuple[str, Sequence[Dimension]]]) -> Members:
    """What each category of each population gathers, from the ``(population, dimensions)``
    of the published tables (a category shown on its own gathers itself)."""
    out: Members = {}
    for population, dims in tables:
        families = out.setdefault(population, {})
        for dim in dims:
            found = families.setdefault(dim.family, {})
            for category in dim.categories:
                found[category] = frozenset(dim.members(category))
    return out


def _cover(
    members: Members, population: str, family: str, wanted: frozenset[str]
) -> list[str] | None:
    """The categories of ``population`` whose members meet ``wanted``, if they cover it."""
    found = members.get(population, {}).get(family, {})
    cover = sorted(c for c, m in found.items() if m & wanted)
    covered = frozenset().union(*(found[c] for c in cover)) if cover else frozenset()
    return cover if cover and wanted <= covered else None


def add_relations(
    structure: Structure, members: Members, relations: Sequence[Subset | Partition]
) -> None:
    """Lines for the relations between populations (``tables.Subset``, ``tables.Partition``)
    whose figures are published in the structure."""
    by_population: dict[str, list[int]] = {}
    for var, key in enumerate(structure.keys):
        by_population.setdefault(key[0], []).append(var)
    for relation in relations:
        if isinstance(relation, Subset):
            _add_subset(structure, members, relation, by_population.get(relation.child, []))
        elif isinstance(relation, Partition):
            _add_partition(structure, members, relation, by_population.get(relation.parent, []))
        else:
            raise TypeError(f"unknown relation {relation!r}")


def _add_subset(
    structure: Structure, members: Members, relation: Subset, variables: list[int]
) -> None:
    child, parent = relation.child, relation.parent
    for var in variables:
        pairs = structure.keys[var][1]
        covers: list[list[tuple[str, str]]] = []
        exact = True
        restricted = False
        for family, category in pairs:
            wanted = members.get(child, {}).get(family, {}).get(category, frozenset({category}))
            cover = _cover(members, parent, family, wanted)
            if cover is None:
                break
            covers.append([(family, c) for c in cover])
            exact = exact and cover == [category] and (members[parent][family][category] == wanted)
            if family == relation.family and wanted <= frozenset(relation.within):
                restricted = True
        else:
            parts = []
            for combination in itertools.product(*covers):
                found = structure.index.get((parent, tuple(sorted(combination))))
                if found is None:
                    break
                parts.append(found)
            else:
                kind = "eq" if exact and restricted and len(parts) == 1 else "sub"
                structure.add_line(Line(kind, var, tuple(parts)))
                structure.links.add((child, parent))


def _add_partition(
    structure: Structure, members: Members, relation: Partition, variables: list[int]
) -> None:
    parent = relation.parent
    for var in variables:
        pairs = structure.keys[var][1]
        parts = []
        for child in relation.children:
            same = all(
                members.get(child, {}).get(f, {}).get(c)
                == members.get(parent, {}).get(f, {}).get(c)
                for f, c in pairs
            )
            found = structure.index.get((child, pairs)) if same else None
            if found is None:
                break
            parts.append(found)
        else:
            structure.add_line(Line("eq", var, tuple(parts)))
            structure.links.update((child, parent) for child in relation.children)
