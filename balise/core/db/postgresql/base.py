from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import DatabaseOperations as _DatabaseOperations


class DatabaseOperations(_DatabaseOperations):
    compiler_module = "balise.core.db.postgresql.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
