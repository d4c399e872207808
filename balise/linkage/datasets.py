"""Loaders for the shared evaluation data (FEBRL, fake_1000) and truth-pair helpers.

The data lives outside the repository, in ``shared/data/linkage`` beside the repository
root (the CI clones the repository with ``shared/`` next to it). ``BALISE_LINKAGE_DATA``
overrides the location. Nothing is downloaded.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .clear import ExtraField, LinkageSpec

__all__ = [
    "FEBRL_SPEC",
    "FAKE_SPEC",
    "NAMES_DOB_SPEC",
    "data_dir",
    "load_fake_1000",
    "load_febrl",
    "pair_metrics",
    "truth_pairs_from_clusters",
]

REPO_ROOT = Path(__file__).resolve().parents[2]

FEBRL_SPEC = LinkageSpec(
    extra_fields=(
        ExtraField("soc_sec_id", "identifier", block=True),
        ExtraField("postcode", "identifier", block=True),
        ExtraField("street_number", "exact"),
        ExtraField("address_1", "text"),
        ExtraField("address_2", "text"),
        ExtraField("state", "exact"),
    ),
    use_nationality=False,
    use_sex=False,
)
NAMES_DOB_SPEC = LinkageSpec(use_place=False, use_nationality=False, use_sex=False)
FAKE_SPEC = LinkageSpec(
    extra_fields=(ExtraField("email", "identifier", block=True),),
    use_nationality=False,
    use_sex=False,
)


def data_dir() -> Path:
    env = os.environ.get("BALISE_LINKAGE_DATA")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "data" / "linkage"


def _febrl_frame(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, skipinitialspace=True, keep_default_na=False)
    raw.columns = [c.strip() for c in raw.columns]
    raw = raw.apply(lambda s: s.str.strip())
    return pd.DataFrame(
        {
            "record_id": raw["rec_id"],
            "first_name": raw["given_name"],
            "last_name": raw["surname"],
            "birth_date": raw["date_of_birth"],
            "place": raw["suburb"],
            "soc_sec_id": raw["soc_sec_id"],
            "postcode": raw["postcode"],
            "street_number": raw["street_number"],
            "address_1": raw["address_1"],
            "address_2": raw["address_2"],
            "state": raw["state"],
            "entity": raw["rec_id"].str.extract(r"rec-(\d+)-")[0],
        }
    )


def load_febrl(name: str) -> pd.DataFrame:
    """``dataset3``, ``dataset4a`` or ``dataset4b`` as a PersonRecord-shaped DataFrame.

    The ``entity`` column holds the true person number taken from ``rec_id``.
    """
    return _febrl_frame(data_dir() / "febrl" / f"{name}.csv")


def load_fake_1000() -> pd.DataFrame:
    raw = pd.read_csv(data_dir() / "fake_1000.csv", dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {
            "record_id": raw["unique_id"],
            "first_name": raw["first_name"],
            "last_name": raw["surname"],
            "birth_date": raw["dob"],
            "place": raw["city"],
            "email": raw["email"],
            "entity": raw["cluster"],
        }
    )


def truth_pairs_from_clusters(ids: Iterable[str], entities: Iterable[str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = {}
    for i, e in zip(ids, entities, strict=True):
        groups.setdefault(str(e), []).append(str(i))
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        for a, b in itertools.combinations(sorted(members), 2):
            out.add((a, b))
    return out


def pair_metrics(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall and F1 over sorted id pairs."""
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": float(tp)}
