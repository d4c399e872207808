"""Reads run on every request, compiled to SQL once instead of at each call.

Building a query's SQL through the ORM (joins, selected columns of related models, lookups)
costs far more Python than running it: for the token check of every API call it was most of the
call's authentication. ``PreparedQuery`` builds the queryset once per database connection with
placeholder values, keeps the SQL, the positions of the placeholders among its parameters and
what the ORM needs to turn rows into model instances (column converters, ``select_related``
populators, annotations), and then runs the same SQL with the real values.

Only plain values can be placeholders (strings, UUIDs, numbers: values the ORM passes to the
database unchanged); a placeholder that does not appear exactly once among the compiled
parameters is refused when the query is first prepared. The objects returned are those the
queryset itself would return (tests compare both on SQLite and PostgreSQL)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, int]
    compiler: Any
    converters: dict
    model: type[Model]
    init_list: list[str]
    model_slice: slice
    populators: list
    annotations: dict[str, int]


class PreparedQuery:
    """``PreparedQuery(build, name=placeholder, …)``: ``build(name=placeholder, …)`` returns the
    queryset; ``run(name=value, …)`` returns its objects for the real values."""

    def __init__(self, build: Callable[..., QuerySet], **placeholders: Any) -> None:
        self._build = build
        self._placeholders = placeholders
        self._plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _plan(self, connection: Any) -> _Plan:
        plan = self._plans.get(connection)
        if plan is not None:
            return plan
        queryset = self._build(**self._placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()  # also sets up select, klass_info and annotations
        slots = {}
        for name, placeholder in self._placeholders.items():
            found = [i for i, p in enumerate(params) if p == placeholder]
            if len(found) != 1:
                raise ImproperlyConfigured(
                    f"placeholder {name!r} appears {len(found)} times among the parameters"
                )
            slots[name] = found[0]
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        model_slice = slice(select_fields[0], select_fields[-1] + 1)
        plan = _Plan(
            sql=sql,
            params=tuple(params),
            slots=slots,
            compiler=compiler,
            converters=compiler.get_converters([s[0] for s in compiler.select]),
            model=klass_info["model"],
            init_list=[f[0].target.attname for f in compiler.select[model_slice]],
            model_slice=model_slice,
            populators=get_related_populators(klass_info, compiler.select, connection.alias),
            annotations=dict(compiler.annotation_col_map or {}),
        )
        self._plans[connection] = plan
        return plan

    def run(self, *, using: str = "default", **values: Any) -> list[Model]:
        if values.keys() != self._placeholders.keys():
            raise TypeError(f"expected values for {sorted(self._placeholders)}")
        connection = connections[using]
        plan = self._plan(connection)
        params = list(plan.params)
        for name, position in plan.slots.items():
            params[position] = values[name]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = plan.compiler.apply_converters(rows, plan.converters)
        objects = []
        for row in rows:
            obj = plan.model.from_db(using, plan.init_list, row[plan.model_slice])
            for populator in plan.populators:
                populator.populate(row, obj)
            for attribute, position in plan.annotations.items():
                setattr(obj, attribute, row[position])
            objects.append(obj)
        return objects
