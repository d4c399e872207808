"""Reads, always scoped to what the user needs to know."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from balise.referrals.enums import ReferralStatus
from balise.referrals.models import Attachment, InformationRequest, Referral
from balise.referrals.permissions import is_authority_staff, referring_organisations


def referral_queryset_for_user(user) -> QuerySet[Referral]:  # noqa: ANN001
    """A referrer sees their organisation's referrals (drafts only their own); the competent
    authority's case officers, team leads and reviewers see every submitted referral; everyone
    else sees nothing."""
    qs = Referral.objects.select_related("organisation", "referrer", "person")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = Q(pk__in=[])
    orgs = referring_organisations(user)
    if orgs:
        scope |= Q(organisation__in=orgs) & (~Q(status=ReferralStatus.DRAFT) | Q(referrer=user))
    if is_authority_staff(user):
        scope |= ~Q(status=ReferralStatus.DRAFT)
    if orgs or is_authority_staff(user):
        # One's own drafts (for example a public report being triaged by the authority).
        scope |= Q(status=ReferralStatus.DRAFT, referrer=user)
    return qs.filter(scope)


def referral_list_for_user(user, *, status: str = "") -> QuerySet[Referral]:  # noqa: ANN001
    qs = referral_queryset_for_user(user)
    if status in ReferralStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def attachment_queryset_for_user(user) -> QuerySet[Attachment]:  # noqa: ANN001
    return Attachment.objects.filter(referral__in=referral_queryset_for_user(user)).select_related(
        "referral"
    )


def information_request_queryset_for_user(user) -> QuerySet[InformationRequest]:  # noqa: ANN001
    return InformationRequest.objects.filter(
        referral__in=referral_queryset_for_user(user)
    ).select_related("referral")
