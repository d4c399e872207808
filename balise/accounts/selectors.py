"""Account reads. Administrators see every account; nobody else lists accounts."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from balise.accounts.models import Membership, User
from balise.accounts.permissions import can_manage_users
from balise.api.models import ApiToken


def user_queryset_for_user(user) -> QuerySet[User]:  # noqa: ANN001
    if can_manage_users(user):
        return User.objects.all()
    return User.objects.none()


def user_list(
    *,
    user,  # noqa: ANN001
    q: str = "",
    status: str = "",
    organisation: str = "",
    role: str = "",
) -> QuerySet[User]:
    """Accounts matching the filters, with their active memberships prefetched."""
    qs = user_queryset_for_user(user)
    if q:
        qs = qs.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "inactive":
        qs = qs.filter(is_active=False)
    # One filter() call, so that organisation and role must hold in the same membership.
    membership_lookup: dict[str, object] = {}
    if organisation:
        membership_lookup["memberships__organisation_id"] = organisation
    if role:
        membership_lookup["memberships__role"] = role
    if membership_lookup:
        qs = qs.filter(memberships__is_active=True, **membership_lookup)
    current = Membership.objects.filter(is_active=True).select_related("organisation")
    return (
        qs.distinct()
        .prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))
        .order_by("full_name", "email")
    )


def membership_queryset_for_user(user) -> QuerySet[Membership]:  # noqa: ANN001
    if can_manage_users(user):
        return Membership.objects.select_related("user", "organisation")
    return Membership.objects.none()


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")
