"""Single-row inserts compiled to SQL once, then reused.

Saving a model builds its ``INSERT`` statement anew every time: quoting each column, one
placeholder per value, the ``RETURNING`` clause. On the referral submission path (a person,
a referral, a case and their logs) that was a fifth of the request's Python work, for
statements whose text never changes. ``CachedInsertMixin`` keeps the text of each single-row
insert, keyed by model, columns, conflict handling and returned columns, and only prepares the
values (``pre_save``, ``get_db_prep_save``: defaults, encryption, JSON) for each new row.

The first statement of each kind is built by Django itself and its text cached only when it is
the plain form (one ``%s`` per column, parameters in column order); an insert of an
expression, a field with its own placeholder or several rows always goes through Django's own
compiler."""

from __future__ import annotations

from typing import Any


class CachedInsertMixin:
    _statements: dict[tuple, tuple[str, tuple]] = {}

    def _statement_key(self) -> tuple | None:
        query = self.query
        fields = query.fields
        if (
            query.raw
            or not fields
            or len(query.objs) != 1
            or any(hasattr(field, "get_placeholder") for field in fields)
        ):
            return None
        return (
            self.connection.vendor,
            query.model,
            tuple(field.column for field in fields),
            query.on_conflict,
            tuple(f.column for f in query.update_fields or ()),
            tuple(f.column for f in query.unique_fields or ()),
            tuple(f.column for f in self.returning_fields or ()),
        )

    def as_sql(self) -> list[tuple[str, Any]]:
        key = self._statement_key()
        if key is None:
            return super().as_sql()
        cached = self._statements.get(key)
        if cached is None:
            built = super().as_sql()
            if len(built) == 1:
                sql, params = built[0]
                returning = tuple(self.returning_params or ())
                if len(params) == len(self.query.fields) + len(returning) and (
                    sql.count("%s") == len(params)
                ):
                    self._statements[key] = (sql, returning)
            return built
        sql, returning = cached
        obj = self.query.objs[0]
        values = [
            self.prepare_value(field, self.pre_save_val(field, obj)) for field in self.query.fields
        ]
        if any(hasattr(value, "as_sql") for value in values):
            return super().as_sql()  # an expression as a value: Django writes the statement
        self.returning_params = returning
        return [(sql, (*values, *returning))]
