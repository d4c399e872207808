from django.db.backends.postgresql.compiler import (  # noqa: F401
    SQLAggregateCompiler,
    SQLCompiler,
    SQLDeleteCompiler,
    SQLUpdateCompiler,
)
from django.db.backends.postgresql.compiler import SQLInsertCompiler as _SQLInsertCompiler

from balise.core.db.inserts import CachedInsertMixin


class SQLInsertCompiler(CachedInsertMixin, _SQLInsertCompiler):
    pass
