"""Optional differential privacy (OpenDP): noisy counts of one single-valued breakdown, for an
interactive dashboard, charged to a ledger of privacy budget per dataset.

One person is in exactly one category of a single-valued breakdown, so adding or removing a
person changes the vector of counts by 1 in L1 norm: the discrete Laplace mechanism with scale
1/ε is ε-differentially private (OpenDP computes the ε it guarantees). Categories are public
lists (the code lists), never taken from the data. The budget is checked and charged under a
row lock, so two requests cannot overspend it.
"""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from balise.audit.services import audit_record
from balise.codelists import AgeBand, AgeGroup, Channel, CitizenshipGroup, ReferrerOrgType

from .models import PrivacyBudget, PrivacySpend, Release
from .permissions import is_statistician

#: Single-valued breakdowns and their public categories (projection column, categories).
BREAKDOWNS: dict[str, tuple[str, list[str]]] = {
    "age_band": ("age_band", [*AgeBand.values, "unknown"]),
    "minor": ("minor_at_exploitation", list(AgeGroup.values)),
    "nationality_group": ("nationality_group", list(CitizenshipGroup.values)),
    "channel": ("channel", [*Channel.values, "unknown"]),
    "referrer_org_type": ("referrer_org_type", list(ReferrerOrgType.values)),
}

DEFAULT_DATASET = "projection"


def _mechanism(epsilon: float) -> Any:
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=1.0 / epsilon
    )


def noisy_counts(
    release: Release,
    breakdown: str,
    *,
    epsilon: float,
    actor: Any,
    stage: str = "referred",
    dataset: str = DEFAULT_DATASET,
) -> PrivacySpend:
    """Noisy counts of ``stage`` persons of the release's period by ``breakdown``."""
    if not is_statistician(actor):
        raise PermissionDenied
    if breakdown not in BREAKDOWNS:
        raise ValidationError({"breakdown": _("Choose a breakdown.")})
    if not 0 < epsilon <= 10:
        raise ValidationError({"epsilon": _("ε must be above 0 and at most 10.")})
    column, categories = BREAKDOWNS[breakdown]
    projection = release.refresh.projection()
    keep = pc.and_(pc.equal(projection["year"], release.year), projection[stage])
    if release.quarter:
        keep = pc.and_(keep, pc.equal(projection["quarter"], release.quarter))
    if release.area != "national":
        keep = pc.and_(keep, pc.equal(projection["region"], release.area))
    values = projection.filter(keep)[column].to_pylist()
    true_counts = [sum(1 for v in values if v == c) for c in categories]
    mechanism = _mechanism(epsilon)
    guaranteed = float(mechanism.map(1))
    with transaction.atomic():
        budget, _created = PrivacyBudget.objects.get_or_create(dataset=dataset)
        budget = PrivacyBudget.objects.select_for_update().get(pk=budget.pk)
        if budget.spent() + guaranteed > budget.epsilon_limit + 1e-9:
            raise ValidationError(
                {"epsilon": _("Not enough privacy budget left for this dataset.")}
            )
        noisy = [max(0, int(v)) for v in mechanism(true_counts)]
        spend = PrivacySpend.objects.create(
            budget=budget,
            epsilon=guaranteed,
            purpose=f"{stage} by {breakdown}",
            release=release,
            result={"categories": categories, "counts": noisy},
            spent_by=actor,
        )
        audit_record(
            actor=actor,
            action="observatory.dp_release",
            obj=spend,
            details={"epsilon": guaranteed, "dataset": dataset, "breakdown": breakdown},
        )
    return spend
