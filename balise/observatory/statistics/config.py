"""Disclosure-control parameters: one object, recorded with every release."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

Method = Literal["secondary_suppression", "cell_key"]

#: Version of the disclosure-control rules implemented here, recorded in each release.
RULES_VERSION = "1"


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

    def as_dict(self) -> dict[str, object]:
        """The parameters as written into a release."""
        return {"rules_version": RULES_VERSION, **dataclasses.asdict(self)}

    @property
    def noise(self) -> int:
        """Largest absolute perturbation an attacker must allow for."""
        return self.max_noise if self.method == "cell_key" else 0
