"""Probabilistic record linkage in the clear (Fellegi-Sunter with Splink 5 on DuckDB).

Pure Python, no Django import at module level. Typical use::

    spec = LinkageSpec()
    frame = prepare_frame(records)            # PersonRecord list or a DataFrame
    model = train_model([frame], spec)        # settings + trained parameters (JSON-able)
    save_model(model, "model.json")
    pairs = dedupe(frame, model, threshold=0.9)
    scorer = IncrementalScorer(frame, model)  # keeps the register and TF tables loaded
    scorer.score(new_record)                  # well under a second

Every scored pair carries per-field agreement (``FieldAgreement``) so a user interface can
show which fields agree or disagree side by side.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import math
import numbers
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd

from .normalise import (
    birth_year_of,
    name_key,
    normalise_date,
    normalise_name,
    normalise_sex,
    normalise_text,
)

__all__ = [
    "ExtraField",
    "FieldAgreement",
    "IncrementalScorer",
    "LinkageSpec",
    "PersonRecord",
    "ScoredPair",
    "dedupe",
    "link",
    "load_model",
    "prepare_frame",
    "save_model",
    "train_model",
]

logger = logging.getLogger(__name__)

ExtraKind = Literal["identifier", "text", "exact"]
AgreementStatus = Literal["agree", "partial", "disagree", "missing"]


@dataclass(frozen=True)
class PersonRecord:
    """What linkage needs to know about a person, as recorded by one referral."""

    record_id: str
    first_name: str | None = None
    last_name: str | None = None
    aliases: tuple[str, ...] = ()
    birth_date: dt.date | str | None = None
    birth_year_estimated: int | None = None
    sex: str | None = None
    nationality: str | None = None
    place: str | None = None
    extra: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ExtraField:
    """A deployment-specific field (document number, phone, postcode, street...)."""

    name: str
    kind: ExtraKind = "identifier"
    block: bool = False


@dataclass(frozen=True)
class LinkageSpec:
    """Which fields the model compares and how candidate pairs are generated."""

    extra_fields: tuple[ExtraField, ...] = ()
    use_place: bool = True
    use_nationality: bool = True
    use_sex: bool = True

    def extra_names(self) -> list[str]:
        return [f.name for f in self.extra_fields]


@dataclass(frozen=True)
class FieldAgreement:
    """How one compared field behaved in a pair (for the side-by-side display)."""

    status: AgreementStatus
    level: str
    match_weight: float | None


@dataclass(frozen=True)
class ScoredPair:
    left_id: str
    right_id: str
    match_probability: float
    match_weight: float
    fields: dict[str, FieldAgreement]
    left_source: str | None = None
    right_source: str | None = None


# --------------------------------------------------------------------------- preparation

PERSON_COLUMNS = [
    "unique_id",
    "first_name",
    "last_name",
    "first_key",
    "last_key",
    "full_name",
    "name_pair",
    "initials",
    "alias_keys",
    "dob",
    "birth_year",
    "sex",
    "nationality",
    "place",
]


def _split_aliases(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, float) and pd.isna(value):
        return []
    if isinstance(value, str):
        return [v for v in value.split("|") if v.strip()]
    return [str(v) for v in value if v]


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and not value.strip()


def _normalise_extra(value: object, kind: ExtraKind) -> str | None:
    if _missing(value):
        return None
    return normalise_text(str(value), keep_spaces=kind == "text")


def _records_frame(data: Iterable[PersonRecord], extras: list[str]) -> pd.DataFrame:
    rows = [
        {
            "record_id": rec.record_id,
            "first_name": rec.first_name,
            "last_name": rec.last_name,
            "aliases": list(rec.aliases),
            "birth_date": rec.birth_date,
            "birth_year_estimated": rec.birth_year_estimated,
            "sex": rec.sex,
            "nationality": rec.nationality,
            "place": rec.place,
            **{name: rec.extra.get(name) for name in extras},
        }
        for rec in data
    ]
    return pd.DataFrame(rows, columns=[*_INPUT_COLUMNS, *extras])


_INPUT_COLUMNS = (
    "record_id",
    "first_name",
    "last_name",
    "aliases",
    "birth_date",
    "birth_year_estimated",
    "sex",
    "nationality",
    "place",
)


def _mapped(values: list[Any], fn: Any) -> list[Any]:
    """``fn`` applied once per distinct value (names and dates repeat a lot in a register)."""
    cache: dict[Any, Any] = {}
    out: list[Any] = []
    append = out.append
    for v in values:
        try:
            append(cache[v])
        except KeyError:
            cache[v] = r = fn(v)
            append(r)
        except TypeError:  # unhashable (e.g. a list of aliases)
            append(fn(v))
    return out


def _name_or_none(value: object) -> str | None:
    return None if _missing(value) else normalise_name(str(value))


def _date_or_none(value: object) -> str | None:
    return None if _missing(value) else normalise_date(value)


def _sex_or_none(value: object) -> str | None:
    return None if _missing(value) else normalise_sex(value)


def _year_or_none(value: object) -> object:
    return None if _missing(value) else value


def prepare_frame(
    data: pd.DataFrame | Iterable[PersonRecord], spec: LinkageSpec | None = None
) -> pd.DataFrame:
    """Normalise person records into the columns the model compares.

    A DataFrame input uses the ``PersonRecord`` field names as columns (``aliases`` as a
    list or a ``|``-separated string); missing columns are treated as unknown. Extra
    fields named in ``spec`` are copied after ``normalise_token``. The work is done once
    per distinct value of each column, so a large register is prepared in seconds.
    """
    spec = spec or LinkageSpec()
    extras = spec.extra_names()
    kinds = {f.name: f.kind for f in spec.extra_fields}
    if not isinstance(data, pd.DataFrame):
        data = _records_frame(data, extras)
    n = len(data)

    def column(name: str) -> list[Any]:
        return data[name].tolist() if name in data.columns else [None] * n

    first = _mapped(column("first_name"), _name_or_none)
    last = _mapped(column("last_name"), _name_or_none)
    first_key = _mapped(first, name_key)
    last_key = _mapped(last, name_key)
    aliases = column("aliases")
    alias_keys: list[list[str]] = []
    for fk, lk, al in zip(first_key, last_key, aliases, strict=True):
        # Aliases only: the record's own names are compared by the name levels (with
        # them here, half a swap would pass for an alias).
        keys: set[str] = set()
        if not _missing_aliases(al):
            keys |= {k for k in (name_key(a) for a in _split_aliases(al)) if k} - {fk, lk}
        alias_keys.append(sorted(keys))
    dob = _mapped(column("birth_date"), _date_or_none)
    estimated = column("birth_year_estimated")
    birth_year = [birth_year_of(d, _year_or_none(e)) for d, e in zip(dob, estimated, strict=True)]
    frame = pd.DataFrame(
        {
            "unique_id": [str(v) for v in column("record_id")],
            "first_name": first,
            "last_name": last,
            "first_key": first_key,
            "last_key": last_key,
            "full_name": [
                f"{f or ''} {la or ''}".strip() or None for f, la in zip(first, last, strict=True)
            ],
            "name_pair": [_pair(fk, lk) for fk, lk in zip(first_key, last_key, strict=True)],
            "initials": [
                _pair(fk and fk[0], lk and lk[0])
                for fk, lk in zip(first_key, last_key, strict=True)
            ],
            "alias_keys": alias_keys,
            "dob": dob,
            "birth_year": pd.array(birth_year, dtype="Int64"),
            "sex": _mapped(column("sex"), _sex_or_none),
            "nationality": _mapped(column("nationality"), _name_or_none),
            "place": _mapped(column("place"), _name_or_none),
        },
        columns=PERSON_COLUMNS,
    )
    for name in extras:
        kind = kinds[name]
        frame[name] = _mapped(column(name), lambda v, k=kind: _normalise_extra(v, k))
    return frame


def _pair(a: str | None, b: str | None) -> str | None:
    """Order-free pair (swapped first and last names give the same value)."""
    if not a and not b:
        return None
    return " ".join(sorted((a or "", b or "")))


def _missing_aliases(value: object) -> bool:
    if value is None:
        return True
    return isinstance(value, float) and pd.isna(value)


# --------------------------------------------------------------------------- model settings


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(col: str) -> dict[str, Any]:
    return _level(f'"{col}_l" IS NULL OR "{col}_r" IS NULL', "missing", is_null_level=True)


def _close(col: str, other: str) -> str:
    """``col`` of the left record is close to ``other`` of the right one (same key or JW)."""
    key, okey = f"{col.split('_')[0]}_key", f"{other.split('_')[0]}_key"
    return f'"{key}_l" = "{okey}_r" OR jaro_winkler_similarity("{col}_l", "{other}_r") >= 0.88'


def _name_comparison(col: str, other: str) -> dict[str, Any]:
    key = f"{col.split('_')[0]}_key"
    return {
        "output_column_name": col,
        "comparison_description": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact", tf_adjustment_column=col),
            _level(f'"{key}_l" = "{key}_r"', "same spelling key", tf_adjustment_column=key),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.92', "jaro-winkler>=0.92"),
            # Both names crossed (a lone coincidence, "Thomas Lucas" against "Lucas
            # Martin", is no swap). The frequency of the value keeps "Marie Martin"
            # against "Martin Marie" from weighing like a rare name.
            _level(
                f"({_close(col, other)}) AND ({_close(other, col)})",
                "swapped with other name",
                tf_adjustment_column=col,
            ),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.8', "jaro-winkler>=0.8"),
            _level(
                f'list_contains("alias_keys_r", "{key}_l") '
                f'OR list_contains("alias_keys_l", "{key}_r")',
                "matches an alias",
            ),
            _level("ELSE", "different"),
        ],
    }


def _birth_comparison() -> dict[str, Any]:
    both_dob = '"dob_l" IS NOT NULL AND "dob_r" IS NOT NULL'
    return {
        "output_column_name": "birth",
        "comparison_description": "birth",
        "comparison_levels": [
            _level(
                '"birth_year_l" IS NULL OR "birth_year_r" IS NULL', "missing", is_null_level=True
            ),
            _level('"dob_l" = "dob_r"', "exact date", m_probability=0.85),
            _level(
                f'{both_dob} AND (damerau_levenshtein("dob_l", "dob_r") <= 1 OR '
                '(substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND '
                'substr("dob_l", 5, 2) = substr("dob_r", 7, 2) AND '
                'substr("dob_l", 7, 2) = substr("dob_r", 5, 2)))',
                "date typo or day/month swap",
            ),
            _level('"birth_year_l" = "birth_year_r"', "same year"),
            _level(
                f'{both_dob} AND damerau_levenshtein("dob_l", "dob_r") <= 2',
                "date two edits apart",
            ),
            _level('abs("birth_year_l" - "birth_year_r") <= 2', "years within 2"),
            _level('abs("birth_year_l" - "birth_year_r") <= 5', "years within 5 (estimated age)"),
            _level("ELSE", "different"),
        ],
    }


def _simple_exact(col: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact"),
            _level("ELSE", "different"),
        ],
    }


def _text(col: str, *, tf: bool = True) -> dict[str, Any]:
    exact = {"tf_adjustment_column": col} if tf else {}
    return {
        "output_column_name": col,
        "comparison_description": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact", **exact),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.9', "jaro-winkler>=0.9"),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.7', "jaro-winkler>=0.7"),
            _level("ELSE", "different"),
        ],
    }


def _identifier(col: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact"),
            _level(f'damerau_levenshtein("{col}_l", "{col}_r") <= 1', "one edit"),
            _level(f'damerau_levenshtein("{col}_l", "{col}_r") <= 2', "two edits"),
            _level("ELSE", "different"),
        ],
    }


#: Up to this many records (all tables together), the wide rules below are added to the
#: tight ones: they find the most corrupted pairs and cost little on a small register, but
#: on a million records they would generate over a hundred million pairs.
WIDE_BLOCKING_MAX_RECORDS = 200_000


def prediction_blocking_rules(spec: LinkageSpec, n_records: int | None = None) -> list[str]:
    """Candidate pairs: tight rules, each an equi-join that DuckDB runs as a hash join.

    A person mostly keeps the same birth date, so the date with the initials (or one name
    key) finds pairs with spelling variants; the order-free pair of name keys with the birth
    year, or with the day and month, finds pairs whose date differs; and the name keys alone
    are compared only when one side has no full date (estimated ages) and the birth years,
    when known, are at most five years apart, so that frequent names do not multiply the
    pairs. Registers of at most
    ``WIDE_BLOCKING_MAX_RECORDS`` records (``n_records``; unknown counts as small) also
    get wide rules: the birth date alone, one name key with the birth year, the name keys
    alone.
    """
    near_years = (
        '(l."birth_year" IS NULL OR r."birth_year" IS NULL '
        'OR abs(l."birth_year" - r."birth_year") <= 5)'
    )
    rules = [
        'l."dob" = r."dob" AND l."initials" = r."initials"',
        'l."dob" = r."dob" AND l."first_key" = r."first_key"',
        'l."dob" = r."dob" AND l."last_key" = r."last_key"',
        'l."name_pair" = r."name_pair" AND l."birth_year" = r."birth_year"',
        'l."name_pair" = r."name_pair" AND substr(l."dob", 5, 4) = substr(r."dob", 5, 4)',
        f'l."name_pair" = r."name_pair" AND l."dob" IS NULL AND {near_years}',
        f'l."name_pair" = r."name_pair" AND r."dob" IS NULL AND {near_years}',
    ]
    if n_records is None or n_records <= WIDE_BLOCKING_MAX_RECORDS:
        rules += [
            'l."dob" = r."dob"',
            'l."name_pair" = r."name_pair"',
            'l."last_key" = r."last_key" AND l."birth_year" = r."birth_year"',
            'l."first_key" = r."first_key" AND l."birth_year" = r."birth_year"',
        ]
    rules += [f'l."{f.name}" = r."{f.name}"' for f in spec.extra_fields if f.block]
    return rules


def build_settings(
    spec: LinkageSpec, link_type: str = "dedupe_only", n_records: int | None = None
) -> dict[str, Any]:
    comparisons = [
        _name_comparison("first_name", "last_name"),
        _name_comparison("last_name", "first_name"),
        _birth_comparison(),
    ]
    if spec.use_sex:
        comparisons.append(_simple_exact("sex"))
    if spec.use_nationality:
        comparisons.append(_simple_exact("nationality"))
    if spec.use_place:
        # No term-frequency adjustment: its u would replace the one estimated among
        # persons sharing a surname (``_condition_context_u``).
        comparisons.append(_text("place", tf=False))
    for extra in spec.extra_fields:
        builder = {"identifier": _identifier, "text": _text, "exact": _simple_exact}[extra.kind]
        comparisons.append(builder(extra.name))
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": prediction_blocking_rules(spec, n_records),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
        "max_iterations": 20,
    }


# --------------------------------------------------------------------------- training


try:  # Splink is imported lazily elsewhere; its exception base is light to import.
    from splink.internals.exceptions import SplinkException
except ImportError:  # pragma: no cover - splink is a hard dependency of this module
    SplinkException = RuntimeError  # type: ignore[assignment,misc]


def _splink_imports() -> tuple[Any, Any]:
    from splink import DuckDBAPI, Linker

    return DuckDBAPI, Linker


#: DuckDB limits: linkage shares its machine with the web application and other workers.
#: ``BALISE_LINKAGE_DUCKDB_MEMORY`` and ``BALISE_LINKAGE_DUCKDB_THREADS`` override them.
DUCKDB_MEMORY_LIMIT = os.environ.get("BALISE_LINKAGE_DUCKDB_MEMORY", "2.5GB")
DUCKDB_THREADS = int(os.environ.get("BALISE_LINKAGE_DUCKDB_THREADS", "2"))


def _quiet_api(api_class: Any) -> Any:
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    con.execute(f"SET threads = {DUCKDB_THREADS}")
    # Pair tables need no particular order; dropping it lets DuckDB stream and spill.
    con.execute("SET preserve_insertion_order = false")
    return api_class(connection=con)


def _register(db_api: Any, frames: Sequence[pd.DataFrame], names: Sequence[str]) -> list[Any]:
    return [
        db_api.register(frame, dataset_display_name=name)
        for frame, name in zip(frames, names, strict=True)
    ]


def _source_names(n: int) -> list[str]:
    return [f"source_{i}" for i in range(n)]


#: Comparisons of fields that depend on a person's origin as names do (sex, nationality,
#: place of birth). Two random records rarely share a nationality, but two different
#: persons called Fatima Alaoui usually do: u-probabilities from random pairs would count
#: the same evidence twice (once in the names, once here) and make the model overconfident.
CONTEXT_COMPARISONS = ("sex", "nationality", "place")
#: About this many pairs of different persons sharing a surname key estimate those u.
CONTEXT_U_PAIRS = 1_000_000
#: Pairs whose birth years are further apart than this are taken as different persons.
CONTEXT_YEAR_GAP = 5


def _swap_u_as_exact(model: dict[str, Any]) -> None:
    """Give the swapped-names levels the u of the exact level, in place.

    Splink adjusts a non-exact level for term frequency relative to the *exact* level's u
    (``log2(u_exact / tf)``). Random pairs almost never cross names, so the swap level's
    own u is tiny and "Marie Martin" against "Martin Marie" would weigh like a rare name;
    with the exact level's u, the level weighs ``log2(m / tf)``: the frequency of the name.
    """
    for comp in model["comparisons"]:
        levels = comp["comparison_levels"]
        exact = next((lv for lv in levels if lv.get("label_for_charts") == "exact"), None)
        if exact is None or exact.get("u_probability") is None:
            continue
        for lv in levels:
            if lv.get("label_for_charts") == "swapped with other name":
                lv["u_probability"] = exact["u_probability"]


def _condition_context_u(
    con: duckdb.DuckDBPyConnection,
    frames: Sequence[pd.DataFrame],
    model: dict[str, Any],
    *,
    seed: int,
    target_pairs: int = CONTEXT_U_PAIRS,
) -> None:
    """Re-estimate the u-probabilities of the context comparisons, in place.

    u is measured among pairs that share a surname key but whose birth years are more
    than ``CONTEXT_YEAR_GAP`` years apart (different persons, without any label): the
    kind of non-matching pair that blocking on names actually produces. Both sides are
    sampled with the same deterministic hash so that about ``target_pairs`` pairs are
    read, whatever the register's size. Levels never seen keep a floor of half a pair.
    """
    comps = [c for c in model["comparisons"] if c["output_column_name"] in CONTEXT_COMPARISONS]
    cols = [c["output_column_name"] for c in comps]
    if not comps or any(c not in f.columns for f in frames for c in cols):
        return
    parts = [
        f[["unique_id", "last_key", "birth_year", *cols]].assign(src=i)
        for i, f in enumerate(frames)
    ]
    con.register("linkage_context_input", pd.concat(parts, ignore_index=True))
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE linkage_context AS SELECT * FROM linkage_context_input "
            "WHERE last_key IS NOT NULL AND birth_year IS NOT NULL"
        )
        row = con.execute(
            "SELECT sum(n * n) / 2 FROM (SELECT count(*) AS n FROM linkage_context "
            "GROUP BY last_key)"
        ).fetchone()
        total = float(row[0] or 0) if row else 0.0
        if total <= 0:
            return
        keep = min(1.0, (target_pairs / total) ** 0.5)
        other = "l.src < r.src" if len(frames) > 1 else "l.unique_id < r.unique_id"
        sample = (
            f"(SELECT * FROM linkage_context WHERE "
            f"hash(unique_id || '{int(seed)}') % 1000000 < {int(keep * 1_000_000)})"
        )
        selected = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in cols)
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE linkage_context_pairs AS SELECT {selected} "
            f"FROM {sample} AS l JOIN {sample} AS r ON l.last_key = r.last_key AND {other} "
            f"AND abs(l.birth_year - r.birth_year) > {CONTEXT_YEAR_GAP}"
        )
        for comp in comps:
            levels = comp["comparison_levels"]
            cases = " ".join(
                f"WHEN {lv['sql_condition']} THEN {i}"
                for i, lv in enumerate(levels)
                if lv["sql_condition"].strip().upper() != "ELSE"
            )
            counts = dict(
                con.execute(
                    f"SELECT CASE {cases} ELSE {len(levels) - 1} END AS g, count(*) "
                    "FROM linkage_context_pairs GROUP BY g"
                ).fetchall()
            )
            non_null = [i for i, lv in enumerate(levels) if not lv.get("is_null_level")]
            n = sum(counts.get(i, 0) for i in non_null)
            if n < 1000:
                continue  # too few pairs: keep the random-sampling estimate
            for i in non_null:
                if counts.get(i, 0) > 0:  # a level never seen keeps its random-pair u
                    levels[i]["u_probability"] = counts[i] / n
    finally:
        con.unregister("linkage_context_input")
        con.execute("DROP TABLE IF EXISTS linkage_context")
        con.execute("DROP TABLE IF EXISTS linkage_context_pairs")


def train_model(
    frames: Sequence[pd.DataFrame],
    spec: LinkageSpec | None = None,
    *,
    seed: int = 42,
    max_pairs_u: float = 2e6,
    recall_deterministic: float = 0.7,
    em_max_pairs: float | None = 2e6,
    condition_context_u: bool = True,
) -> dict[str, Any]:
    """Train a model on one register (dedupe) or several tables (link); return its JSON dict.

    u-probabilities come from random sampling, the prior from deterministic rules, and
    m-probabilities from two EM sessions (blocked on names, then on birth date) so every
    comparison is estimated at least once.
    """
    spec = spec or LinkageSpec()
    DuckDBAPI, Linker = _splink_imports()
    link_type = "dedupe_only" if len(frames) == 1 else "link_only"
    db_api = _quiet_api(DuckDBAPI)
    sdfs = _register(db_api, frames, _source_names(len(frames)))
    linker = Linker(
        sdfs if len(sdfs) > 1 else sdfs[0],
        build_settings(spec, link_type, sum(len(f) for f in frames)),
        log_level=None,
    )
    deterministic = [
        'l."first_name" = r."first_name" AND l."last_name" = r."last_name" AND l."dob" = r."dob"'
    ]
    deterministic += [f'l."{f.name}" = r."{f.name}"' for f in spec.extra_fields if f.block][:1]
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=recall_deterministic
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs_u, seed=seed)
    model = linker.misc.save_model_to_json()
    _swap_u_as_exact(model)
    if condition_context_u:
        _condition_context_u(db_api.duckdb_con, frames, model, seed=seed)
    # With no deterministic match at all (e.g. a register without duplicates yet) the
    # estimate is 0, which Splink cannot turn into a match weight: floor it at one match
    # per ten million pairs.
    model["probability_two_random_records_match"] = max(
        float(model["probability_two_random_records_match"]), 1e-7
    )
    # The birth-date session trains the names; the second one, on names *and* place and
    # sex when the spec has them, trains the birth comparison. Names alone come last: with
    # frequent names (Zipf-like registers) EM can mistake "same common name" for "same
    # person", so that rule is only a fallback.
    names = 'l."first_key" = r."first_key" AND l."last_key" = r."last_key"'
    extra = [
        c
        for c, used in (
            ("place", spec.use_place),
            ("sex", spec.use_sex),
            ("nationality", spec.use_nationality),
        )
        if used
    ]
    narrowed = names + "".join(f' AND l."{c}" = r."{c}"' for c in extra)
    sessions = [['l."dob" = r."dob"'], [narrowed, names] if extra else [names]]
    for candidates in sessions:
        for rule in candidates:
            # Each EM session runs on a fresh linker built from the model so far: a session
            # Splink refuses (no pairs, or a level never seen among matches, m = 0) leaves
            # the model as it was instead of half-updated.
            session = Linker(sdfs if len(sdfs) > 1 else sdfs[0], model, log_level=None)
            try:
                # Term frequencies are left out of the EM iterations (much faster; the
                # adjustments themselves are applied at prediction time).
                session.training.estimate_parameters_using_expectation_maximisation(
                    rule, max_pairs=em_max_pairs, estimate_without_term_frequencies=True
                )
            except (ValueError, SplinkException) as exc:
                logger.warning("EM session skipped (%s): %s", rule, type(exc).__name__)
                continue
            model = session.misc.save_model_to_json()
            break
    db_api.duckdb_con.close()
    return model


def save_model(model: dict[str, Any], path: str | Path) -> None:
    Path(path).write_text(json.dumps(model, indent=2), encoding="utf-8")


def load_model(path: str | Path) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- results


def _level_labels(model: dict[str, Any]) -> dict[str, list[tuple[int, str]]]:
    """comparison name -> [(gamma value, label)] with the highest gamma first."""
    out: dict[str, list[tuple[int, str]]] = {}
    for comp in model["comparisons"]:
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        n = len(non_null)
        out[comp["output_column_name"]] = [
            (n - 1 - i, lv.get("label_for_charts", "")) for i, lv in enumerate(non_null)
        ]
    return out


def _pairs_from_frame(df: pd.DataFrame, model: dict[str, Any]) -> list[ScoredPair]:
    labels = _level_labels(model)
    has_source = "source_dataset_l" in df.columns
    records = df.to_dict("records")
    pairs: list[ScoredPair] = []
    for row in records:
        fields: dict[str, FieldAgreement] = {}
        for name, levels in labels.items():
            gamma = int(row[f"gamma_{name}"])
            mw = row.get(f"mw_{name}")
            if gamma == -1:
                fields[name] = FieldAgreement("missing", "missing", None)
                continue
            label = dict(levels).get(gamma, "")
            top = levels[0][0]
            status: AgreementStatus = (
                "agree" if gamma == top else "disagree" if gamma == 0 else "partial"
            )
            fields[name] = FieldAgreement(status, label, None if mw is None else float(mw))
        pairs.append(
            ScoredPair(
                left_id=str(row["unique_id_l"]),
                right_id=str(row["unique_id_r"]),
                match_probability=float(row["match_probability"]),
                match_weight=float(row["match_weight"]),
                fields=fields,
                left_source=str(row["source_dataset_l"]) if has_source else None,
                right_source=str(row["source_dataset_r"]) if has_source else None,
            )
        )
    return pairs


def _predict(
    frames: Sequence[pd.DataFrame], model: dict[str, Any], threshold: float
) -> pd.DataFrame:
    DuckDBAPI, Linker = _splink_imports()
    db_api = _quiet_api(DuckDBAPI)
    try:
        sdfs = _register(db_api, frames, _source_names(len(frames)))
        settings = dict(model)
        settings["link_type"] = "dedupe_only" if len(frames) == 1 else "link_only"
        linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], settings, log_level=None)
        result = linker.inference.predict(
            threshold_match_probability=threshold, warning_mode="never"
        )
        return result.as_pandas_dataframe()
    finally:
        db_api.duckdb_con.close()


def dedupe(
    frame: pd.DataFrame, model: dict[str, Any], *, threshold: float = 0.9
) -> list[ScoredPair]:
    """Scored pairs within one register at or above ``threshold`` match probability."""
    return _pairs_from_frame(_predict([frame], model, threshold), model)


def dedupe_ids(
    frame: pd.DataFrame, model: dict[str, Any], *, threshold: float = 0.9
) -> set[tuple[str, str]]:
    """Only the (sorted) id pairs, without building per-field objects (for large runs)."""
    df = _predict([frame], model, threshold)
    return {
        (a, b) if a < b else (b, a)
        for a, b in zip(df["unique_id_l"].astype(str), df["unique_id_r"].astype(str), strict=True)
    }


def dedupe_scores(
    frame: pd.DataFrame, model: dict[str, Any], *, floor: float = 0.05
) -> pd.DataFrame:
    """Sorted id pairs (``left``, ``right``) and their ``match_probability``, for every
    candidate pair scored at least ``floor`` (to choose a threshold afterwards)."""
    df = _predict([frame], model, floor)
    a, b = df["unique_id_l"].astype(str), df["unique_id_r"].astype(str)
    swap = a > b
    return pd.DataFrame(
        {
            "left": a.where(~swap, b).to_numpy(),
            "right": b.where(~swap, a).to_numpy(),
            "match_probability": df["match_probability"].to_numpy(dtype=float),
        }
    )


def expected_f1_threshold(probabilities: Iterable[float]) -> float:
    """The threshold that maximises the F1 the model itself expects; no labels.

    If the probabilities are calibrated, keeping the pairs at or above ``t`` finds
    ``sum(p >= t)`` true pairs among ``count(p >= t)``, out of ``sum(p)`` true pairs in
    all: the expected F1 is ``2 * sum(p >= t) / (count(p >= t) + sum(p))``. Pairs below
    the scoring floor are ignored, so the threshold leans towards recall when the model
    is confident and towards precision when its probabilities are spread out.
    """
    import numpy as np

    p = np.sort(np.asarray(list(probabilities), dtype=float))[::-1]
    if p.size == 0:
        return 0.5
    kept = np.arange(1, p.size + 1)
    expected = 2 * np.cumsum(p) / (kept + p.sum())
    # Ties: keep every pair with the chosen probability.
    return float(p[int(np.argmax(expected))])


def link(
    left: pd.DataFrame, right: pd.DataFrame, model: dict[str, Any], *, threshold: float = 0.9
) -> list[ScoredPair]:
    """Scored pairs between two tables (``source_0`` = left, ``source_1`` = right)."""
    return _pairs_from_frame(_predict([left, right], model, threshold), model)


def cluster_pairs(ids: Iterable[str], pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Connected components (union-find) of accepted pairs; singletons included."""
    parent: dict[str, str] = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[str, list[str]] = {}
    for i in parent:
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


# --------------------------------------------------------------------------- incremental


_RIGHT_COLUMN = re.compile(r'\br\."([A-Za-z0-9_]+)"')


def _sql_literal(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Real):
        return repr(float(value)) if isinstance(value, float) else str(int(value))
    text = str(value).replace("'", "''")
    return f"'{text}'"


def _bind_right(rule: str, row: dict[str, Any]) -> str:
    """A blocking rule with the right-hand record's values in place of ``r."column"``."""
    return _RIGHT_COLUMN.sub(lambda m: _sql_literal(row.get(m.group(1))), rule)


def _rule_keys(rule: str) -> tuple[str, str] | None:
    """How ``BlockingIndex`` looks a blocking rule up: a build and a probe expression.

    The rule's top-level ``l.x = r.x`` conjuncts are its keys: two records can only be
    paired when these values are equal and not NULL. Conjuncts on the left record alone
    (``l."dob" IS NULL``) decide which register rows are indexed, those on the right one
    alone which new records look the rule up. The build expression hashes the keys of a
    register row (alias ``l``), the probe expression those of a new record (alias ``r``);
    each is NULL when the row cannot be paired by the rule. Other conjuncts (year
    differences...) are checked afterwards on the few rows found. ``None`` when the rule
    has no key (it must then be scanned).
    """
    import sqlglot
    from sqlglot import exp

    def aliases(node: exp.Expression) -> set[str]:
        return {col.table for col in node.find_all(exp.Column)}

    def renamed(node: exp.Expression, alias: str) -> exp.Expression:
        node = node.copy()
        for col in node.find_all(exp.Column):
            col.set("table", exp.to_identifier(alias))
        return node

    tree = sqlglot.parse_one(rule, read="duckdb")
    conjuncts = tree.flatten() if isinstance(tree, exp.And) else [tree]
    keys: list[exp.Expression] = []
    left_only: list[str] = []
    right_only: list[str] = []
    for c in conjuncts:
        used = aliases(c)
        if used == {"l"}:
            left_only.append(c.sql(dialect="duckdb"))
            continue
        if used == {"r"}:
            right_only.append(c.sql(dialect="duckdb"))
            continue
        if not isinstance(c, exp.EQ):
            continue
        left, right = c.left, c.right
        if aliases(left) == {"r"} and aliases(right) == {"l"}:
            left, right = right, left
        if aliases(left) != {"l"} or aliases(right) != {"r"}:
            continue
        if renamed(right, "l").sql(dialect="duckdb") == left.sql(dialect="duckdb"):
            keys.append(left)
    if not keys:
        return None

    def hashed(alias: str, conditions: list[str]) -> str:
        exprs = [renamed(k, alias).sql(dialect="duckdb") for k in keys]
        when = [f"({e}) IS NOT NULL" for e in exprs] + [f"({c})" for c in conditions]
        parts = ", ".join(f"CAST(({e}) AS VARCHAR)" for e in exprs)
        return f"CASE WHEN {' AND '.join(when)} THEN hash({parts}) END"

    return hashed("l", left_only), hashed("r", right_only)


class BlockingIndex:
    """In-memory index of a register's blocking keys, one per prediction rule.

    For each rule with equi-join conjuncts, the key values of every register row are hashed
    (64 bits, computed by DuckDB with the rule's own SQL expressions) and kept sorted with
    the row positions, so the rows sharing a new record's key are found by a binary search
    instead of a scan of the register. Rows added later go to a small dictionary; removed
    rows are masked. The lookup returns a superset (hash collisions, non-equi conjuncts):
    the caller keeps the rows that satisfy the rules themselves. Rules without an equi-join
    conjunct are listed in ``unindexed`` for the caller to scan.
    """

    def __init__(self, rules: Sequence[str]) -> None:
        import numpy as np

        keys = [_rule_keys(rule) for rule in rules]
        self.unindexed = [rule for rule, k in zip(rules, keys, strict=True) if k is None]
        self._indexed = [k for k in keys if k is not None]
        empty = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64))
        self._sorted: list[tuple[Any, Any]] = [empty for _ in self._indexed]
        self._delta: list[dict[int, list[int]]] = [{} for _ in self._indexed]
        self._alive = np.zeros(0, dtype=bool)

    def _hashes(
        self, con: duckdb.DuckDBPyConnection, source: str, *, probe: bool = False
    ) -> list[Any]:
        """Per indexed rule, ``(hashes, valid)`` arrays in the order of ``source``'s rows.

        ``source`` is a table or view with a ``linkage_row`` column giving that order;
        its rows are register rows, or new records when ``probe``.
        """
        import numpy as np

        alias = "r" if probe else "l"
        cols = ", ".join(f"{k[int(probe)]} AS k{i}" for i, k in enumerate(self._indexed))
        # Explicit order: DuckDB may return rows out of order (preserve_insertion_order).
        result = con.execute(
            f"SELECT {cols} FROM {source} AS {alias} ORDER BY linkage_row"
        ).fetchnumpy()
        out = []
        for i in range(len(self._indexed)):
            col = result[f"k{i}"]
            valid = ~np.ma.getmaskarray(col)
            out.append((np.ma.getdata(col).astype(np.uint64), valid))
        return out

    def _frame_hashes(self, con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> list[Any]:
        import numpy as np

        if frame.empty:
            return [(np.empty(0, dtype=np.uint64), np.empty(0, dtype=bool))] * len(self._indexed)
        name = f"linkage_index_input_{id(frame)}"
        con.register(name, frame.assign(linkage_row=np.arange(len(frame), dtype=np.int64)))
        try:
            return self._hashes(con, name)
        finally:
            con.unregister(name)

    def add(self, con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, first: int) -> None:
        """Index ``frame``'s rows as positions ``first``, ``first + 1``...

        The first call (an empty index) builds the sorted arrays; later ones, meant for a
        few edited or new persons, fill the dictionaries.
        """
        import numpy as np

        n = len(frame)
        grown = np.zeros(max(first + n, len(self._alive)), dtype=bool)
        grown[: len(self._alive)] = self._alive
        grown[first : first + n] = True
        self._alive = grown
        hashed = self._frame_hashes(con, frame)
        if first == 0 and not any(len(k) for k, _ in self._sorted):
            for i, (values, valid) in enumerate(hashed):
                rows = np.flatnonzero(valid)
                keys = values[rows]
                order = np.argsort(keys, kind="stable")
                self._sorted[i] = (keys[order], rows[order].astype(np.int64) + first)
            return
        for delta, (values, valid) in zip(self._delta, hashed, strict=True):
            for offset in np.flatnonzero(valid).tolist():
                delta.setdefault(int(values[offset]), []).append(first + offset)

    def discard(self, positions: Iterable[int]) -> None:
        for pos in positions:
            self._alive[pos] = False

    def lookup(self, con: duckdb.DuckDBPyConnection, source: str) -> list[int]:
        """Positions of the live rows sharing an indexed key with a row of ``source``.

        ``source`` is a table or view with a ``linkage_row`` column (any order).
        """
        import numpy as np

        if not self._indexed:
            return []
        found: list[Any] = []
        for (keys, positions), delta, (values, valid) in zip(
            self._sorted, self._delta, self._hashes(con, source, probe=True), strict=True
        ):
            wanted = values[valid]
            lo = np.searchsorted(keys, wanted, side="left").tolist()
            hi = np.searchsorted(keys, wanted, side="right").tolist()
            found.extend(positions[a:b] for a, b in zip(lo, hi, strict=True) if b > a)
            found.extend(np.asarray(delta[int(v)]) for v in wanted if int(v) in delta)
        if not found:
            return []
        hits = np.unique(np.concatenate(found).astype(np.int64))
        return hits[self._alive[hits]].tolist()


class IncrementalScorer:
    """Keeps a register loaded and scores new records against it.

    The register is copied once into a native DuckDB table, its term-frequency tables are
    computed and its blocking keys indexed in memory (``BlockingIndex``) at construction.
    Each ``score`` call then looks the new records' keys up in the index, keeps the few
    register rows that the blocking rules pair with them, and lets Splink score those
    (``predict_between``): milliseconds per record, even against a register of a million
    persons (``bench/bench_linkage.py``, section ``large``). ``upsert`` and ``remove`` keep
    the loaded register and its index in step with the database without reloading them;
    term frequencies are refreshed only on a rebuild.
    """

    REGISTER_TABLE = "linkage_register"

    def __init__(self, register: pd.DataFrame, model: dict[str, Any]) -> None:
        DuckDBAPI, Linker = _splink_imports()
        self._model = dict(model)
        self._model["link_type"] = "dedupe_only"
        self._columns = list(register.columns)
        self._db_api = _quiet_api(DuckDBAPI)
        con = self._db_api.duckdb_con
        con.register("linkage_register_input", register)
        con.execute(f"CREATE TABLE {self.REGISTER_TABLE} AS SELECT * FROM linkage_register_input")
        con.unregister("linkage_register_input")
        self._register = self._db_api.register(self.REGISTER_TABLE, dataset_display_name="register")
        self._types = [
            (str(r[0]), str(r[1]))
            for r in con.execute(f"DESCRIBE {self.REGISTER_TABLE}").fetchall()
        ]
        self._rules = [
            rule["blocking_rule"] if isinstance(rule, dict) else str(rule)
            for rule in self._model["blocking_rules_to_generate_predictions"]
        ]
        self._linker = Linker(self._register, self._model, log_level=None)
        # Term frequencies of the register: tables for Splink, dictionaries for ``score``.
        self._tf: dict[str, dict[Any, float]] = {}
        for col in self._tf_columns():
            values = self._linker.table_management.compute_tf_table(col).as_pandas_dataframe()
            self._tf[col] = dict(zip(values[col], values[f"tf_{col}"].astype(float), strict=True))
        self._counter = itertools.count()
        # Rows by position: the initial register, then the rows upserted later.
        self._rows = register.reset_index(drop=True)
        self._dtypes = self._rows.dtypes.to_dict()
        self._base_ids = pd.Index(self._rows["unique_id"].astype(str))
        self._added: dict[int, dict[str, Any]] = {}
        self._position: dict[str, int] = {}  # ids upserted or removed since the load
        self._size = len(self._rows)
        self._next = len(self._rows)
        self._index = BlockingIndex(self._rules)
        self._index.add(con, self._rows, 0)
        self._sides: tuple[Any, Any] | None = None
        self._compile_scoring()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own: Splink may leave a result pending on the main connection."""
        return self._db_api.duckdb_con.cursor()

    def __len__(self) -> int:
        return self._size

    def _load(self, con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> None:
        """(Re)create table ``name`` holding ``frame`` with the register's column types.

        A ``linkage_row`` column numbers the rows (for ``BlockingIndex.lookup``).
        """
        frame = frame.reindex(columns=self._columns)
        raw = f"{name}_raw"
        # Cast to the register's column types: a lone record with empty fields would
        # otherwise be typed by DuckDB's inference (DOUBLE for an all-null column).
        con.register(raw, frame)
        casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in self._types)
        con.execute(
            f"CREATE OR REPLACE TABLE {name} AS SELECT {casts}, "
            f"CAST(row_number() OVER () - 1 AS BIGINT) AS linkage_row FROM {raw}"
        )
        con.unregister(raw)

    def _live_position(self, record_id: str) -> int | None:
        if record_id in self._position:
            pos = self._position[record_id]
            return pos if pos >= 0 else None
        pos = self._base_ids.get_indexer([record_id])[0]
        return int(pos) if pos >= 0 else None

    def remove(self, record_ids: Iterable[str]) -> None:
        """Forget register records (merged into another person, deleted)."""
        ids = [str(i) for i in record_ids]
        if not ids:
            return
        for rid in ids:
            pos = self._live_position(rid)
            if pos is not None:
                self._index.discard([pos])
                self._added.pop(pos, None)
                self._size -= 1
            self._position[rid] = -1
        with self._cursor() as con:
            con.register("linkage_removed_ids", pd.DataFrame({"unique_id": ids}))
            con.execute(
                f"DELETE FROM {self.REGISTER_TABLE} "
                "WHERE unique_id IN (SELECT unique_id FROM linkage_removed_ids)"
            )
            con.unregister("linkage_removed_ids")

    def upsert(self, records: pd.DataFrame) -> None:
        """Add new register records, or replace those already loaded (edited persons)."""
        if records.empty:
            return
        records = self._conform(records)
        self.remove(records["unique_id"].tolist())
        with self._cursor() as con:
            self._load(con, "linkage_upserted", records)
            cols = ", ".join(f'"{c}"' for c, _ in self._types)
            con.execute(f"INSERT INTO {self.REGISTER_TABLE} SELECT {cols} FROM linkage_upserted")
            con.execute("DROP TABLE linkage_upserted")
            self._index.add(con, records, self._next)
        for offset, row in enumerate(records.to_dict("records")):
            self._added[self._next + offset] = row
            self._position[str(row["unique_id"])] = self._next + offset
        self._next += len(records)
        self._size += len(records)

    def _conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the register's columns and pandas types (same key hashes)."""
        import numpy as np

        frame = frame.reindex(columns=self._columns).reset_index(drop=True)
        for col, dtype in self._dtypes.items():
            if frame[col].dtype != dtype and dtype is not np.dtype(object):
                frame[col] = frame[col].astype(dtype)
        frame["unique_id"] = frame["unique_id"].astype(str)
        return frame

    def _rows_at(self, positions: list[int]) -> pd.DataFrame:
        base = [p for p in positions if p < len(self._rows)]
        added = [self._added[p] for p in positions if p >= len(self._rows)]
        parts = [self._rows.iloc[base]]
        if added:
            parts.append(self._conform(pd.DataFrame.from_records(added, columns=self._columns)))
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def _tf_columns(self) -> list[str]:
        cols: list[str] = []
        for comp in self._model["comparisons"]:
            for lv in comp["comparison_levels"]:
                col = lv.get("tf_adjustment_column")
                if col and col not in cols:
                    cols.append(col)
        return cols

    def _bound_rules(self, frame: pd.DataFrame, rules: Sequence[str]) -> str:
        rows = frame.reindex(columns=self._columns).to_dict("records")
        return " OR ".join(f"({_bind_right(rule, row)})" for row in rows for rule in rules)

    def _load_sides(self, con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
        """Fill the two tables scored by ``predict_between``: the new records (right) and
        the register rows sharing a blocking key with one of them (left, a superset of
        the pairs: the blocking rules themselves are applied when scoring)."""
        self._load(con, self.RIGHT_TABLE, frame)
        positions = self._index.lookup(con, self.RIGHT_TABLE)
        if self._index.unindexed:  # rules without an equi-join: scan for those
            others = self._bound_rules(frame, self._index.unindexed)
            ids = con.execute(
                f"SELECT unique_id FROM {self.REGISTER_TABLE} AS l WHERE {others}"
            ).fetchall()
            more = (self._live_position(str(r[0])) for r in ids)
            positions = sorted(set(positions) | {p for p in more if p is not None})
        candidates = self._rows_at(positions)
        self._load(con, self.LEFT_TABLE, candidates)
        return candidates

    def candidate_ids(self, record: PersonRecord | pd.DataFrame, *, scan: bool = False) -> set[str]:
        """Ids of the register records that the blocking rules pair with ``record``.

        ``scan=True`` applies the rules, with the record's values written in, to the whole
        register instead of the index: the reference the index is tested against.
        """
        frame = record if isinstance(record, pd.DataFrame) else prepare_frame([record])
        frame = self._conform(frame)
        rules = self._bound_rules(frame, self._rules) or "false"
        with self._cursor() as con:
            if scan:
                source = self.REGISTER_TABLE
            else:
                self._load_sides(con, frame)
                source = self.LEFT_TABLE
            rows = con.execute(f"SELECT unique_id FROM {source} AS l WHERE {rules}").fetchall()
        return {str(r[0]) for r in rows}

    def score(
        self, record: PersonRecord | pd.DataFrame, *, threshold: float = 0.5
    ) -> list[ScoredPair]:
        """Candidates for one new record (or a small batch), best first.

        The new record is the right-hand side: ``right_id`` is its id, ``left_id`` the
        register's. The pairs and probabilities are Splink's (``score_with_splink``
        computes them through Splink itself, as the tests do), but Splink spends about
        100 ms building and planning its SQL for a handful of rows, so the comparison
        vectors come from one compact query and the match weights are added up here from
        the trained model's own weights (``_compile_scoring``).
        """
        frame = record if isinstance(record, pd.DataFrame) else prepare_frame([record])
        frame = self._conform(frame)
        with self._cursor() as con:
            self._load_sides(con, frame)
            rows = con.execute(self._scoring_sql).df()
        df = self._weigh(rows, threshold)
        pairs = _pairs_from_frame(df, self._model)
        return sorted(pairs, key=lambda p: p.match_probability, reverse=True)

    #: The two sides scored: the register's candidates (left) and the new records (right).
    LEFT_TABLE = "linkage_scored_candidates"
    RIGHT_TABLE = "linkage_scored_incoming"

    def _compile_scoring(self) -> None:
        """The comparison-vector query and the weights of the trained model, once.

        Everything is read from Splink's settings object: the CASE statement of each
        comparison, the match weight of each level, and for term-frequency levels the
        adjustment weight, the u of the exact level and the minimum u, so that
        ``_weigh`` computes what Splink's SQL computes.
        """
        settings = self._linker._settings_obj
        prior = float(settings._probability_two_random_records_match)
        self._prior_weight = math.log2(prior / (1 - prior))
        self._comparisons: list[tuple[str, dict[int, tuple[float, Any]]]] = []
        cases: list[str] = []
        used: list[str] = ["unique_id"]
        for comp in settings.comparisons:
            name = comp.output_column_name
            cases.append(comp._case_statement)
            for col in comp._input_columns_used_by_case_statement:
                if col.input_name not in used:
                    used.append(col.input_name)
            levels: dict[int, tuple[float, Any]] = {}
            for lv in comp.comparison_levels:
                gamma = lv.comparison_vector_value
                weight = 0.0 if lv.is_null_level else float(lv._match_weight)
                tf = None
                if (
                    gamma != -1
                    and lv._has_tf_adjustments
                    and lv._tf_adjustment_weight != 0
                    and not lv._is_else_level
                ):
                    col = lv._tf_adjustment_column
                    if col not in used:
                        used.append(col)
                    u_exact = lv._u_probability_corresponding_to_exact_match(comp.comparison_levels)
                    tf = (
                        col,
                        float(lv._tf_adjustment_weight),
                        math.log2(u_exact),
                        float(lv._tf_minimum_u_value),
                    )
                levels[gamma] = (weight, tf)
            self._comparisons.append((name, levels))
        columns = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in used)
        rules = " OR ".join(f"({rule})" for rule in self._rules) or "false"
        self._scoring_sql = (
            f"SELECT *, {', '.join(cases)} FROM (SELECT {columns} "
            f"FROM {self.LEFT_TABLE} AS l JOIN {self.RIGHT_TABLE} AS r ON {rules})"
        )

    def _weigh(self, rows: pd.DataFrame, threshold: float) -> pd.DataFrame:
        """Splink's match weights and probabilities for the comparison vectors ``rows``."""
        out: dict[str, list[Any]] = {
            "unique_id_l": rows["unique_id_l"].astype(str).tolist(),
            "unique_id_r": rows["unique_id_r"].astype(str).tolist(),
        }
        total = [self._prior_weight] * len(rows)
        for name, levels in self._comparisons:
            gammas = rows[f"gamma_{name}"].astype(int).tolist()
            weights = []
            for i, gamma in enumerate(gammas):
                weight, tf = levels[gamma]
                total[i] += weight
                if tf is not None:
                    col, adjustment, log_u_exact, minimum = tf
                    freq = self._tf[col]
                    values = [freq.get(rows[f"{col}_{side}"].iat[i]) for side in "lr"]
                    known = [v for v in values if v is not None]
                    if known:
                        total[i] += adjustment * (log_u_exact - math.log2(max(*known, minimum)))
                weights.append(weight)
            out[f"gamma_{name}"] = gammas
            out[f"mw_{name}"] = weights
        out["match_weight"] = total
        out["match_probability"] = [
            1.0 / (1.0 + 2.0 ** (-w)) if w >= 0 else 2.0**w / (1.0 + 2.0**w) for w in total
        ]
        df = pd.DataFrame(out)
        if threshold > 0:
            floor = math.log2(threshold / (1 - threshold)) if threshold < 1 else math.inf
            df = df[df["match_weight"] >= floor]
        return df

    def score_with_splink(
        self, record: PersonRecord | pd.DataFrame, *, threshold: float = 0.5
    ) -> list[ScoredPair]:
        """Like ``score``, through Splink's ``predict_between`` (slow): the reference."""
        frame = record if isinstance(record, pd.DataFrame) else prepare_frame([record])
        frame = self._conform(frame)
        with self._cursor() as con:
            self._load_sides(con, frame)
        if self._sides is None:  # registered once; the tables are re-created per call
            self._sides = (
                self._db_api.register(self.LEFT_TABLE, dataset_display_name=self.LEFT_TABLE),
                self._db_api.register(self.RIGHT_TABLE, dataset_display_name=self.RIGHT_TABLE),
            )
        left, right = self._sides
        result = self._linker.inference.predict_between(
            left, right, threshold_match_probability=threshold, warning_mode="never"
        )
        df = result.as_pandas_dataframe()
        result.drop_table_from_database_and_remove_from_cache()
        pairs = _pairs_from_frame(df, self._model)
        return sorted(pairs, key=lambda p: p.match_probability, reverse=True)

    def close(self) -> None:
        con: duckdb.DuckDBPyConnection = self._db_api.duckdb_con
        con.close()
