"""Disclosure-control parameters: one object, recorded with every release."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

Method = Literal["secondary_suppression", "cell_key"]

#: Version of the disclosure-control rules implemented here, recorded in each release.
RULES_VERSION = "2"


@dataclass(frozen=True)
class DisclosureConfig:
    """Defaults follow reference/observatory.md; every one may be changed per deployment.

    * ``threshold``: published counts from 1 to ``threshold - 1`` are suppressed (``<10``).
    * ``rounding_base``: published counts, totals included (each rounded on its own), are
      rounded to this base (1 disables rounding).
    * ``method``: protection against differencing, ``secondary_suppression`` or ``cell_key``
      (cell-key perturbation; ``max_noise`` is the largest absolute noise).
    * ``min_protection_width``: a release passes the audit only if every primary-suppressed
      cell keeps a feasible interval at least this wide given everything published with it.
    * ``max_breakdowns``: at most this many breakdowns per table, plus geography.
    * ``rare_form_min``: exploitation forms with fewer referred persons nationally in the
      period are folded into "other".
    * ``top_countries`` / ``top_country_min``: citizenships shown individually (at most this
      many, each with at least this many referred persons); the rest are grouped.
    * ``delay_min_count``: delays (median, 90th percentile) need this many decisions.
    * ``reporting_country``: ISO alpha-3 of the deployment (citizenship groups).
    * ``group_below``: sparse data: a region, or a category of a foldable breakdown, with fewer
      persons is gathered with others (default: the threshold; a second gathering of the other
      breakdowns uses twice this limit).
    * ``omit_below``: sparse data: a region (or group of regions) with fewer persons whose rows
      still cannot be protected is omitted (default: twice the threshold); a larger one keeps
      its row and its too detailed tables are published for the country only.
    * ``optimal_suppression``: choose complementary suppressions with a small integer program
      minimising the persons hidden (``disclosure``); ``optimal_max_cells`` and
      ``optimal_time_limit`` (seconds) bound the model, beyond which (or when it leaves a
      figure that cannot be protected) the greedy method is used.
    """

    threshold: int = 10
    rounding_base: int = 5
    method: Method = "secondary_suppression"
    max_noise: int = 2
    min_protection_width: int = 5
    max_breakdowns: int = 3
    rare_form_min: int = 20
    top_countries: int = 10
    top_country_min: int = 50
    delay_min_count: int = 10
    percentage_decimals: int = 1
    reporting_country: str = "FRA"
    max_audit_rounds: int = 200
    group_below: int | None = None
    omit_below: int | None = None
    optimal_suppression: bool = True
    optimal_max_cells: int = 20000
    optimal_time_limit: float = 10.0

    def __post_init__(self) -> None:
        if self.threshold < 1:
            raise ValueError("threshold must be at least 1")
        if self.rounding_base < 1:
            raise ValueError("rounding_base must be at least 1")
        if self.method not in ("secondary_suppression", "cell_key"):
            raise ValueError(f"unknown method {self.method!r}")
        if self.method == "cell_key" and not 1 <= self.max_noise <= 10:
            raise ValueError("max_noise must be between 1 and 10")
        if self.max_breakdowns < 1:
            raise ValueError("max_breakdowns must be at least 1")
        for name in ("group_below", "omit_below"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.optimal_time_limit <= 0 or self.optimal_max_cells < 1:
            raise ValueError("the optimal suppression needs a positive time limit and size")

    def as_dict(self) -> dict[str, object]:
        """The parameters as written into a release."""
        return {
            "rules_version": RULES_VERSION,
            **dataclasses.asdict(self),
            "group_below": self.group_limit,
            "omit_below": self.omit_limit,
        }

    @property
    def group_limit(self) -> int:
        """Persons below which a region or category is gathered with others."""
        return self.threshold if self.group_below is None else self.group_below

    @property
    def omit_limit(self) -> int:
        """Persons below which a region whose rows cannot be protected is omitted."""
        return 2 * self.threshold if self.omit_below is None else self.omit_below

    @property
    def noise(self) -> int:
        """Largest absolute perturbation an attacker must allow for."""
        return self.max_noise if self.method == "cell_key" else 0
