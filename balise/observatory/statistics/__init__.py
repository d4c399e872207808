"""Disclosure-controlled statistics over the pseudonymised person-level projection.

A plain library (no Django models): ``schema`` (the projection), ``tables`` (standard tables
counted with DuckDB), ``disclosure`` (threshold, rounding, secondary suppression or cell-key
perturbation), ``audit`` (proof by linear programming that no suppressed cell can be
recomputed), ``release`` (assembling and auditing a release) and ``exports``.
"""
