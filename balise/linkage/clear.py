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
        keys = {k for k in (fk, lk) if k}
        if not _missing_aliases(al):
            keys |= {k for k in (name_key(a) for a in _split_aliases(al)) if k}
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


def _name_comparison(col: str, other: str) -> dict[str, Any]:
    key, okey = f"{col.split('_')[0]}_key", f"{other.split('_')[0]}_key"
    return {
        "output_column_name": col,
        "comparison_description": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact", tf_adjustment_column=col),
            _level(f'"{key}_l" = "{key}_r"', "same spelling key"),
            _level(f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.92', "jaro-winkler>=0.92"),
            _level(
                f'"{col}_l" = "{other}_r" OR "{other}_l" = "{col}_r" '
                f'OR "{key}_l" = "{okey}_r" OR "{okey}_l" = "{key}_r"',
                "swapped with other name",
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


def _text(col: str) -> dict[str, Any]:
    return {
        "output_column_name": col,
        "comparison_description": col,
        "comparison_levels": [
            _null(col),
            _level(f'"{col}_l" = "{col}_r"', "exact", tf_adjustment_column=col),
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
        comparisons.append(_text("place"))
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


def train_model(
    frames: Sequence[pd.DataFrame],
    spec: LinkageSpec | None = None,
    *,
    seed: int = 42,
    max_pairs_u: float = 2e6,
    recall_deterministic: float = 0.7,
    em_max_pairs: float | None = 2e6,
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


class IncrementalScorer:
    """Keeps a register loaded in DuckDB and scores new records against it.

    The register is copied once into a native DuckDB table and its term-frequency tables
    are computed at construction, so each ``score`` call only blocks and scores the pairs
    involving the new records (Splink ``predict_between``): milliseconds per record, even
    against a register of a million persons (``bench/bench_linkage.py``, section
    ``incremental``). ``upsert`` and ``remove`` keep the loaded register in step with the
    database without reloading it; term frequencies are refreshed only on a rebuild.
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
        for col in self._tf_columns():
            self._linker.table_management.compute_tf_table(col)
        self._counter = itertools.count()

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own: Splink may leave a result pending on the main connection."""
        return self._db_api.duckdb_con.cursor()

    def __len__(self) -> int:
        with self._cursor() as cur:
            row = cur.execute(f"SELECT count(*) FROM {self.REGISTER_TABLE}").fetchone()
        return int(row[0]) if row else 0

    def _typed_table(self, frame: pd.DataFrame) -> str:
        """A DuckDB table holding ``frame`` with the register's column types."""
        frame = frame.reindex(columns=self._columns)
        name = f"new_records_{next(self._counter)}"
        con = self._cursor()
        # Cast to the register's column types: a lone record with empty fields would
        # otherwise be typed by DuckDB's inference (DOUBLE for an all-null column).
        con.register(f"{name}_raw", frame)
        casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in self._types)
        con.execute(f"CREATE TABLE {name} AS SELECT {casts} FROM {name}_raw")
        con.unregister(f"{name}_raw")
        con.close()
        return name

    def remove(self, record_ids: Iterable[str]) -> None:
        """Forget register records (merged into another person, deleted)."""
        ids = pd.DataFrame({"unique_id": [str(i) for i in record_ids]})
        if ids.empty:
            return
        with self._cursor() as con:
            con.register("linkage_removed_ids", ids)
            con.execute(
                f"DELETE FROM {self.REGISTER_TABLE} "
                "WHERE unique_id IN (SELECT unique_id FROM linkage_removed_ids)"
            )
            con.unregister("linkage_removed_ids")

    def upsert(self, records: pd.DataFrame) -> None:
        """Add new register records, or replace those already loaded (edited persons)."""
        if records.empty:
            return
        self.remove(records["unique_id"].tolist())
        name = self._typed_table(records)
        with self._cursor() as con:
            con.execute(f"INSERT INTO {self.REGISTER_TABLE} SELECT * FROM {name}")
            con.execute(f"DROP TABLE {name}")

    def _tf_columns(self) -> list[str]:
        cols: list[str] = []
        for comp in self._model["comparisons"]:
            for lv in comp["comparison_levels"]:
                col = lv.get("tf_adjustment_column")
                if col and col not in cols:
                    cols.append(col)
        return cols

    def score(
        self, record: PersonRecord | pd.DataFrame, *, threshold: float = 0.5
    ) -> list[ScoredPair]:
        """Candidates for one new record (or a small batch), best first.

        The new record is the right-hand side: ``right_id`` is its id, ``left_id`` the
        register's.
        """
        frame = record if isinstance(record, pd.DataFrame) else prepare_frame([record])
        name = self._typed_table(frame)
        # The register rows that any blocking rule pairs with the new records, found by one
        # scan of the register with the new records' values written into the rules (no join
        # over a million rows): Splink then blocks and scores this handful of rows only,
        # with the register's term frequencies computed at load.
        rows = frame.reindex(columns=self._columns).to_dict("records")
        rules = " OR ".join(f"({_bind_right(rule, row)})" for row in rows for rule in self._rules)
        candidates = f"{name}_candidates"
        with self._cursor() as con:
            con.execute(
                f"CREATE TABLE {candidates} AS SELECT l.* FROM {self.REGISTER_TABLE} AS l "
                f"WHERE {rules or 'false'}"
            )
        left = self._db_api.register(candidates, dataset_display_name=candidates)
        sdf = self._db_api.register(name, dataset_display_name=name)
        try:
            result = self._linker.inference.predict_between(
                left,
                sdf,
                threshold_match_probability=threshold,
                warning_mode="never",
            )
            df = result.as_pandas_dataframe()
            result.drop_table_from_database_and_remove_from_cache()
        finally:
            sdf.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
            left.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
        pairs = _pairs_from_frame(df, self._model)
        return sorted(pairs, key=lambda p: p.match_probability, reverse=True)

    def close(self) -> None:
        con: duckdb.DuckDBPyConnection = self._db_api.duckdb_con
        con.close()
