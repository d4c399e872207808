"""Synthetic pseudonymised projections for tests and benchmarks (never real data).

Distributions are skewed on purpose (a few large categories, many rare ones, small regions) so
that disclosure control has small cells to protect.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from balise.codelists import (
    AgeBand,
    Channel,
    ExploitationForm,
    LabourSector,
    MeansOfControl,
    RecruiterRelationship,
    ReferrerOrgType,
    ResidenceStatus,
    SexualExploitationType,
    SupportType,
)
from balise.codelists.mappings import EU27

from .schema import PROJECTION_SCHEMA, validate_projection

#: Region codes (INSEE regions of France) with relative sizes.
REGIONS: dict[str, float] = {
    "11": 30, "84": 12, "93": 11, "76": 9, "75": 8, "44": 8, "32": 8, "52": 5, "53": 4,
    "28": 4, "24": 3, "27": 3, "94": 1, "01": 1.2, "02": 0.9, "03": 0.6, "04": 1.1, "06": 0.3,
}  # fmt: skip

_LABOUR = {"forced_labour", "domestic_servitude", "forced_begging", "forced_criminality"}


def _norm(weights: list[float]) -> np.ndarray:
    array = np.asarray(weights, dtype=float)
    return array / array.sum()


def _pick(rng: np.random.Generator, n: int, values: list[str], weights: list[float]) -> np.ndarray:
    return np.asarray(values, dtype=object)[rng.choice(len(values), size=n, p=_norm(weights))]


def _lists(
    rng: np.random.Generator,
    n: int,
    values: list[str],
    weights: list[float],
    *,
    mean_extra: float,
    p_empty: float = 0.0,
    only: np.ndarray | None = None,
) -> pa.Array:
    """Lists of distinct values: one plus a Poisson number of extras (empty outside ``only``)."""
    probabilities = _norm(weights)
    sizes = np.where(rng.random(n) < p_empty, 0, 1 + rng.poisson(mean_extra, n))
    if only is not None:
        sizes = np.where(only, sizes, 0)
    sizes = np.minimum(sizes, len(values))
    total = int(sizes.sum())
    drawn = rng.choice(len(values), size=total, p=probabilities)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    flat = np.asarray(values, dtype=object)[drawn]
    lists = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), pa.array(flat, pa.string()))
    # Remove duplicates inside each list.
    con = duckdb.connect()
    con.register("l", pa.table({"v": lists}))
    out = con.sql("SELECT list_sort(list_distinct(v)) AS v FROM l").to_arrow_table()
    con.close()
    return out.column("v").combine_chunks()


def _contains_any(lists: pa.Array, values: set[str]) -> np.ndarray:
    con = duckdb.connect()
    con.register("l", pa.table({"v": lists}))
    wanted = ", ".join(f"'{v}'" for v in sorted(values))
    out = con.sql(f"SELECT list_has_any(v, [{wanted}]) AS h FROM l").to_arrow_table()
    con.close()
    return out.column("h").to_numpy(zero_copy_only=False).astype(bool)


def generate_projection(
    n: int, *, seed: int = 0, year: int = 2025, reporting_country: str = "FRA"
) -> pa.Table:
    """``n`` synthetic persons for ``year``, validated against ``PROJECTION_SCHEMA``."""
    rng = np.random.default_rng(seed)
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16)
    hexdigits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    chars = np.empty((n, 32), dtype=np.uint8)
    chars[:, 0::2] = hexdigits[raw >> 4]
    chars[:, 1::2] = hexdigits[raw & 15]
    pseudonyms = chars.view("S32").ravel().astype(str)

    region = _pick(rng, n, list(REGIONS), list(REGIONS.values()))
    gender = _pick(
        rng,
        n,
        ["feminine", "masculine", "trans_feminine", "trans_masculine", "non_conforming", "unknown"],
        [60, 37, 0.4, 0.1, 0.1, 2.4],
    )
    ages = np.clip(rng.gamma(5.0, 6.0, n).astype(int) + 4, 0, 90)
    bands = np.asarray([b.value for b in AgeBand], dtype=object)
    lower = np.asarray([0, 9, 18, 21, 24, 27, 30, 39, 48])
    age_band = bands[np.searchsorted(lower, ages, side="right") - 1]
    age_unknown = rng.random(n) < 0.04
    age_band = np.where(age_unknown, "unknown", age_band)
    minor = np.where(age_unknown, "unknown", np.where(ages < 18, "minor", "adult"))
    minor = np.where((ages >= 18) & (ages < 20) & (rng.random(n) < 0.3), "minor", minor)

    countries = [
        "NGA", "FRA", "ROU", "CHN", "BRA", "MAR", "CIV", "BGR", "VNM", "GIN", "ALB",
        "CMR", "UKR", "COL", "PHL", "AFG", "DEU", "ESP", "XXA", "XXX", "ISL", "MLT",
    ]  # fmt: skip
    weights = [25, 18, 10, 8, 5, 5, 4, 4, 3, 3, 2, 2, 2, 1.5, 1, 1, 0.5, 0.4, 0.2, 4, 0.02, 0.01]
    citizenship = _pick(rng, n, countries, weights)
    group = np.where(
        citizenship == reporting_country,
        "reporting_country",
        np.where(
            np.isin(citizenship, list(EU27)),
            "other_eu",
            np.where(citizenship == "XXX", "unknown", "non_eu"),
        ),
    )

    forms = [f.value for f in ExploitationForm]
    form_weights = [55, 15, 8, 6, 7, 0.5, 0.02, 1.5, 0.05, 0.03, 0.01, 0.005, 1.5]
    exploitation = _lists(rng, n, forms, form_weights, mean_extra=0.12, p_empty=0.03)
    has_labour = _contains_any(exploitation, _LABOUR)
    sectors = [s.value for s in LabourSector]
    sector = _pick(rng, n, sectors, [12, 2, 0.5, 5, 15, 10, 3, 14, 5, 1, 6, 20, 4])
    sector = np.where(
        has_labour, np.where(rng.random(n) < 0.1, "unknown", sector), "not_applicable"
    )

    place = _pick(rng, n, ["in_country", "abroad_only", "both", "unknown"], [60, 15, 20, 5])
    exploit_country = np.where(
        place == "in_country", reporting_country, _pick(rng, n, countries[:12], weights[:12])
    )
    duration = _pick(rng, n, ["0_12", "13_24", "25_plus", "unknown"], [45, 25, 20, 10])
    means = _lists(
        rng, n, [m.value for m in MeansOfControl], [10] * 5 + [5] * 13, mean_extra=1.5,
        p_empty=0.2,
    )  # fmt: skip
    sexual = _lists(
        rng, n, [s.value for s in SexualExploitationType], [70, 10, 15, 5], mean_extra=0.1,
        p_empty=0.45,
    )  # fmt: skip
    recruiter = _pick(rng, n, [r.value for r in RecruiterRelationship], [12, 10, 25, 20, 10, 3, 20])
    network = _pick(rng, n, ["yes", "no", "unknown"], [40, 25, 35])
    housed = _pick(rng, n, ["yes", "no", "unknown"], [35, 40, 25])
    referrer = _pick(
        rng, n, [r.value for r in ReferrerOrgType], [40, 15, 3, 8, 12, 6, 1, 2, 8, 2, 0.5, 0.5, 2]
    )
    channel = _pick(rng, n, [c.value for c in Channel], [70, 15, 8, 5, 2])

    referred = np.ones(n, dtype=bool)
    identified = rng.random(n) < 0.55
    accompanied = identified & (rng.random(n) < 0.8) | (~identified & (rng.random(n) < 0.2))
    prelim_taken = rng.random(n) < 0.7
    preliminary = np.where(
        prelim_taken, np.where(identified | (rng.random(n) < 0.3), "positive", "negative"), None
    )
    days_prelim = np.where(prelim_taken, rng.gamma(2.0, 4.0, n).astype(int) + 1, -1)
    conclusive_taken = prelim_taken & (rng.random(n) < 0.5)
    conclusive = np.where(
        conclusive_taken,
        _pick(rng, n, ["positive", "negative", "withdrawn"], [75, 20, 5]),
        None,
    )
    days_conclusive = np.where(conclusive_taken, rng.gamma(3.0, 25.0, n).astype(int) + 10, -1)
    overdue = ~prelim_taken & (rng.random(n) < 0.2)
    reconsideration = np.where(
        (preliminary == "negative") & (rng.random(n) < 0.2),
        _pick(rng, n, ["requested", "accepted", "refused"], [40, 20, 40]),
        None,
    )
    support = _lists(
        rng, n, [s.value for s in SupportType], [30, 25, 20, 20, 10, 3, 4, 8, 15, 1, 0.5, 2],
        mean_extra=1.2, only=accompanied,
    )  # fmt: skip
    residence = _pick(
        rng, n, [r.value for r in ResidenceStatus] + ["unknown"], [20, 15, 25, 15, 18, 7]
    )
    claimed = identified & (rng.random(n) < 0.1)
    awarded = claimed & (rng.random(n) < 0.3)
    quarter = rng.integers(1, 5, n).astype(np.int8)
    cell_key = rng.integers(0, 256, n).astype(np.uint8)

    def nullable_int(values: np.ndarray) -> pa.Array:
        return pa.array(values, pa.int32(), mask=values < 0)

    table = pa.table(
        {
            "pseudonym": pa.array(pseudonyms, pa.string()),
            "year": pa.array(np.full(n, year, dtype=np.int16)),
            "quarter": pa.array(quarter),
            "region": pa.array(region, pa.string()),
            "gender": pa.array(gender, pa.string()),
            "age_band": pa.array(age_band, pa.string()),
            "minor_at_exploitation": pa.array(minor, pa.string()),
            "citizenship": pa.array(citizenship, pa.string()),
            "nationality_group": pa.array(group, pa.string()),
            "exploitation_forms": exploitation,
            "sector": pa.array(sector, pa.string()),
            "place_scope": pa.array(place, pa.string()),
            "country_of_exploitation": pa.array(exploit_country, pa.string()),
            "duration_band": pa.array(duration, pa.string()),
            "means_of_control": means,
            "sexual_types": sexual,
            "recruiter_relationship": pa.array(recruiter, pa.string()),
            "network_involved": pa.array(network, pa.string()),
            "housed_by_exploiter": pa.array(housed, pa.string()),
            "referrer_org_type": pa.array(referrer, pa.string()),
            "channel": pa.array(channel, pa.string()),
            "referred": pa.array(referred),
            "identified": pa.array(identified),
            "accompanied": pa.array(accompanied),
            "preliminary_decision": pa.array(preliminary, pa.string()),
            "days_to_preliminary": nullable_int(days_prelim),
            "conclusive_decision": pa.array(conclusive, pa.string()),
            "days_to_conclusive": nullable_int(days_conclusive),
            "decision_overdue": pa.array(overdue),
            "reconsideration": pa.array(reconsideration, pa.string()),
            "support_types": support,
            "residence_status": pa.array(residence, pa.string()),
            "compensation_claimed": pa.array(claimed),
            "compensation_awarded": pa.array(awarded),
            "cell_key": pa.array(cell_key),
        },
        schema=PROJECTION_SCHEMA,
    )
    return validate_projection(table)


#: Values used for the fields a record leaves out (``projection_from_records``).
DEFAULTS: dict[str, object] = {
    "year": 2025,
    "quarter": 1,
    "region": "11",
    "gender": "feminine",
    "age_band": "24_26",
    "minor_at_exploitation": "adult",
    "citizenship": "NGA",
    "nationality_group": "non_eu",
    "exploitation_forms": ["sexual"],
    "sector": "not_applicable",
    "place_scope": "in_country",
    "country_of_exploitation": "FRA",
    "duration_band": "0_12",
    "means_of_control": [],
    "sexual_types": ["prostitution"],
    "recruiter_relationship": "unknown",
    "network_involved": "unknown",
    "housed_by_exploiter": "unknown",
    "referrer_org_type": "ngo",
    "channel": "professional_form",
    "referred": True,
    "identified": False,
    "accompanied": False,
    "preliminary_decision": None,
    "days_to_preliminary": None,
    "conclusive_decision": None,
    "days_to_conclusive": None,
    "decision_overdue": False,
    "reconsideration": None,
    "support_types": [],
    "residence_status": "unknown",
    "compensation_claimed": False,
    "compensation_awarded": False,
}


def projection_from_records(records: list[dict[str, object]], *, seed: int = 0) -> pa.Table:
    """A projection from partial records (tests): defaults filled, pseudonyms and keys drawn."""
    rng = np.random.default_rng(seed)
    rows = []
    for record in records:
        row = {**DEFAULTS, **record}
        row.setdefault("pseudonym", rng.bytes(16).hex())
        row.setdefault("cell_key", int(rng.integers(0, 256)))
        rows.append(row)
    return validate_projection(pa.Table.from_pylist(rows, schema=PROJECTION_SCHEMA))
