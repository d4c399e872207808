"""Database backend of Balise: Django's PostgreSQL backend, with single-row
inserts compiled to SQL once per model and set of columns (see ``inserts``)."""
