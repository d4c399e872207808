"""What the referrer's page shows of the identification: stage and final outcomes only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from balise.identification.selectors import referral_outcome_for_referrer
from balise.referrals.models import Referral


def referrer_outcome_panel(
    request: HttpRequest, referral: Referral
) -> tuple[str, dict[str, Any]] | None:
    outcome = referral_outcome_for_referrer(referral)
    if outcome is None:
        return None
    return "identification/_referrer_outcome.html", {"outcome": outcome}
