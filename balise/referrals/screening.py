"""Indicator screening (ILO / European Commission operational indicators).

The catalogue is data: one JSON file per list in ``indicators/`` (adults-labour, adults-sexual,
children-labour, children-sexual), each with its own ``version``, so a deployment can correct or
extend weights without touching code. ``BALISE_INDICATORS_DIR`` points to a replacement folder.

The result is advice for the referrer and the case officer. It never blocks a referral.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from balise.codelists.lists import ExploitationForm
from balise.referrals.enums import ScreeningList

DEFAULT_DIR = Path(__file__).parent / "indicators"
WEIGHTS = ("S", "M", "W")
RECRUITMENT_DIMENSIONS = (1, 2, 3)
EXPLOITATION_DIMENSION = 4
MEANS_AT_DESTINATION = (5, 6)


class CatalogueError(ValueError):
    """A catalogue file is malformed."""


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: int
    weight: str
    label: dict[str, str]

    def display(self, lang: str | None = None) -> str:
        lang = (lang or get_language() or "fr")[:2]
        return self.label.get(lang) or self.label.get("en") or self.code


@dataclass(frozen=True)
class Catalogue:
    list: str
    version: str
    population: str
    exploitation: str
    dimensions: dict[int, dict[str, str]]
    indicators: dict[str, Indicator]

    @property
    def versioned_name(self) -> str:
        return f"{self.list}@{self.version}"

    def by_dimension(self) -> list[tuple[int, str, list[Indicator]]]:
        lang = (get_language() or "fr")[:2]
        return [
            (
                number,
                label.get(lang) or label.get("en", ""),
                [i for i in self.indicators.values() if i.dimension == number],
            )
            for number, label in sorted(self.dimensions.items())
        ]


def _directory() -> Path:
    return Path(getattr(settings, "BALISE_INDICATORS_DIR", "") or DEFAULT_DIR)


def parse_catalogue(data: dict[str, Any]) -> Catalogue:
    try:
        dims = {int(d["number"]): dict(d["label"]) for d in data["dimensions"]}
        if sorted(dims) != [1, 2, 3, 4, 5, 6]:
            raise CatalogueError("a catalogue has exactly the six dimensions 1–6")
        indicators: dict[str, Indicator] = {}
        for raw in data["indicators"]:
            ind = Indicator(
                code=str(raw["code"]),
                dimension=int(raw["dimension"]),
                weight=str(raw["weight"]),
                label=dict(raw["label"]),
            )
            if ind.weight not in WEIGHTS:
                raise CatalogueError(f"indicator {ind.code}: weight must be S, M or W")
            if ind.dimension not in dims:
                raise CatalogueError(f"indicator {ind.code}: unknown dimension")
            if ind.code in indicators:
                raise CatalogueError(f"indicator {ind.code} is listed twice")
            indicators[ind.code] = ind
        return Catalogue(
            list=str(data["list"]),
            version=str(data["version"]),
            population=str(data["population"]),
            exploitation=str(data["exploitation"]),
            dimensions=dims,
            indicators=indicators,
        )
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CatalogueError):
            raise
        raise CatalogueError(f"malformed catalogue: {exc}") from exc


@lru_cache(maxsize=16)
def _load(directory: str, name: str) -> Catalogue:
    path = Path(directory) / f"{name}.json"
    catalogue = parse_catalogue(json.loads(path.read_text(encoding="utf-8")))
    if catalogue.list != name:
        raise CatalogueError(f"{path.name} declares list {catalogue.list!r}")
    return catalogue


def get_catalogue(name: str) -> Catalogue:
    if name not in ScreeningList.values:
        raise CatalogueError(f"unknown indicator list {name!r}")
    return _load(str(_directory()), name)


def choose_list(*, presumed_minor: bool, exploitation_forms: Iterable[str]) -> str:
    """Children's list for a child or presumed child; sexual list when sexual exploitation is
    among the (canonical) forms, else the labour list."""
    population = "children" if presumed_minor else "adults"
    kind = "sexual" if ExploitationForm.SEXUAL in set(exploitation_forms) else "labour"
    return f"{population}-{kind}"


def dimension_met(weights: Iterable[str]) -> bool:
    """At least: 2 strong; or 1 strong + 1 medium or weak; or 3 medium; or 2 medium + 1 weak."""
    ws = list(weights)
    s, m, w = ws.count("S"), ws.count("M"), ws.count("W")
    return s >= 2 or (s >= 1 and m + w >= 1) or m >= 3 or (m >= 2 and w >= 1)


def screen(list_name: str, answers: Iterable[str]) -> dict[str, Any]:
    """Apply the combination rule of ``list_name`` to the indicators observed.

    Returns a JSON-serialisable result: the list and catalogue version, each dimension with the
    indicators behind it and whether it is met, whether the combination points to trafficking,
    and the observed codes that the list does not know (kept, never silently dropped).
    """
    catalogue = get_catalogue(list_name)
    observed = list(dict.fromkeys(answers))
    unknown = [c for c in observed if c not in catalogue.indicators]
    dims: dict[int, dict[str, Any]] = {}
    for number in sorted(catalogue.dimensions):
        hits = [
            catalogue.indicators[c]
            for c in observed
            if c in catalogue.indicators and catalogue.indicators[c].dimension == number
        ]
        dims[number] = {
            "number": number,
            "met": dimension_met(i.weight for i in hits),
            "indicators": [{"code": i.code, "weight": i.weight} for i in hits],
        }
    met = {n for n, d in dims.items() if d["met"]}
    recruitment = bool(met & set(RECRUITMENT_DIMENSIONS))
    exploitation = EXPLOITATION_DIMENSION in met
    means = bool(met & set(MEANS_AT_DESTINATION))
    if catalogue.population == "children":
        positive = recruitment and exploitation
    else:
        positive = recruitment and exploitation and means
    return {
        "list": catalogue.list,
        "version": catalogue.version,
        "catalogue": catalogue.versioned_name,
        "population": catalogue.population,
        "dimensions": [dims[n] for n in sorted(dims)],
        "dimensions_met": sorted(met),
        "recruitment": recruitment,
        "exploitation": exploitation,
        "means": means,
        "points_to_trafficking": positive,
        "unknown_indicators": unknown,
    }


def all_indicator_codes() -> frozenset[str]:
    """Codes known to at least one list."""
    return _all_codes(str(_directory()))


@lru_cache(maxsize=16)
def _all_codes(directory: str) -> frozenset[str]:
    codes: set[str] = set()
    for name in ScreeningList.values:
        codes |= set(_load(directory, name).indicators)
    return frozenset(codes)


def indicator_choices() -> list[tuple[str, str]]:
    """Every indicator of every list, labelled in the current language."""
    return _indicator_choices(str(_directory()), (get_language() or "fr")[:2])


@lru_cache(maxsize=16)
def _indicator_choices(directory: str, lang: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for name in ScreeningList.values:
        for code, ind in get_catalogue(name).indicators.items():
            seen.setdefault(code, ind.display(lang))
    return sorted(seen.items())


def describe(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The result with labels in the current language, for pages and the receipt."""
    catalogue = get_catalogue(result["list"])
    lang = (get_language() or "fr")[:2]
    rows = []
    for dim in result["dimensions"]:
        label = catalogue.dimensions[dim["number"]]
        rows.append(
            {
                "number": dim["number"],
                "label": label.get(lang) or label.get("en", ""),
                "met": dim["met"],
                "indicators": [
                    {
                        "code": i["code"],
                        "weight": i["weight"],
                        "label": catalogue.indicators[i["code"]].display(lang)
                        if i["code"] in catalogue.indicators
                        else i["code"],
                    }
                    for i in dim["indicators"]
                ],
            }
        )
    return rows
