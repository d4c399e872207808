"""Who may orient, answer, follow up: small functions of the user (and object)."""

from __future__ import annotations

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind

AUTHORITY_ROLES = (Role.CASE_OFFICER, Role.TEAM_LEAD)
#: Members of a service's organisation who answer orientations and follow people up.
SERVICE_STAFF_ROLES = (Role.SUPPORT_WORKER, Role.SHELTER_MANAGER)


def is_authority_staff(user) -> bool:  # noqa: ANN001
    return bool(
        user.is_authenticated
        and user.has_role(
            Role.CASE_OFFICER,
            Role.TEAM_LEAD,
            Role.REVIEWER,
            organisation_kinds=[OrganisationKind.COMPETENT_AUTHORITY],
        )
    )


def orienting_organisations(user) -> list:  # noqa: ANN001
    """Organisations on whose behalf ``user`` may send orientations: the competent authority's
    case officers and team leads; support workers too when the jurisdiction allows it."""
    from balise.jurisdictions.profiles import get_profile

    if not user.is_authenticated:
        return []
    orgs = [
        o
        for o in user.organisations_with_role(*AUTHORITY_ROLES)
        if o.kind == OrganisationKind.COMPETENT_AUTHORITY
    ]
    if get_profile().orientation_by_support_worker:
        orgs += list(user.organisations_with_role(Role.SUPPORT_WORKER))
    return list(dict.fromkeys(orgs))


def can_orient(user) -> bool:  # noqa: ANN001
    return bool(orienting_organisations(user))


def can_override_consent(user) -> bool:  # noqa: ANN001
    """The emergency override of consent to sharing is a team lead's decision."""
    return bool(user.is_authenticated and user.has_role(Role.TEAM_LEAD))


def service_staff_organisations(user) -> list:  # noqa: ANN001
    if not user.is_authenticated:
        return []
    return list(dict.fromkeys(user.organisations_with_role(*SERVICE_STAFF_ROLES)))


def is_service_staff(user, service) -> bool:  # noqa: ANN001
    return service.organisation in service_staff_organisations(user)
