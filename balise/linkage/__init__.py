"""Duplicate detection and privacy-preserving record linkage.

Python modules with no Django import, usable from commands, benchmarks and plain pytest:
``normalise`` (names, dates, Arabic transliteration), ``clear`` (Splink 5 on DuckDB),
``pprl`` (hardened Bloom-filter encodings, specification in ``docs/linkage-encoding.md``),
``kernels`` (compiled Dice kernels, numba), ``reident`` (re-identification attacks),
``synthetic`` (registers for tests and benchmarks) and ``datasets`` (shared evaluation data).
"""
