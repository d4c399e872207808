"""Settings of the public reporting pages, each overridable in Django settings or the
environment. Nothing here is law: these are operational choices of a deployment."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from balise.jurisdictions.profiles import get_profile

#: Neutral sites the quick-exit button leaves for, per jurisdiction (weather services).
QUICK_EXIT_DEFAULTS = {
    "fr": "https://meteofrance.com/",
    "ma": "https://www.marocmeteo.ma/",
}
QUICK_EXIT_FALLBACK = "https://www.wikipedia.org/"


def _get(name: str, default: Any, cast: type = str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    raw = os.environ.get(name)
    return cast(raw) if raw not in (None, "") else default


def quick_exit_url() -> str:
    return _get(
        "BALISE_QUICK_EXIT_URL", QUICK_EXIT_DEFAULTS.get(get_profile().code, QUICK_EXIT_FALLBACK)
    )


def receipt_code_idle_days() -> int:
    """A receipt code stops working after this many days without the reporter using it."""
    return _get("BALISE_RECEIPT_CODE_IDLE_DAYS", 90, int)


def retention_days() -> int:
    """A closed (or converted) public report is deleted this many days after it was closed."""
    return _get("BALISE_PUBLIC_REPORT_RETENTION_DAYS", 365, int)


def pow_difficulty() -> int:
    """Leading zero bits the proof-of-work must reach (each bit doubles the average work)."""
    return _get("BALISE_POW_DIFFICULTY", 18, int)


def pow_max_age_seconds() -> int:
    return _get("BALISE_POW_MAX_AGE_SECONDS", 30 * 60, int)


def submission_rate() -> tuple[int, int]:
    """(reports, seconds) allowed per address."""
    return _get("BALISE_PUBLIC_REPORT_RATE", (5, 3600))


def code_attempt_rate() -> tuple[int, int]:
    """(attempts, seconds) to open a report with a receipt code, per address."""
    return _get("BALISE_RECEIPT_CODE_RATE", (10, 900))


def argon2_parameters() -> dict[str, int]:
    """Argon2id cost. Deployments keep the default, OWASP's recommended Argon2id setting (2
    passes, 19 MiB, 1 lane): enough for 75 secret bits, and cheap enough that code attempts
    (rate-limited) cannot tie up the servers. The test settings use a lighter cost."""
    default = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
    if getattr(settings, "BALISE_ENV", "") == "test":
        default = {"time_cost": 1, "memory_cost": 8192, "parallelism": 1}
    return _get("BALISE_RECEIPT_ARGON2", default)
