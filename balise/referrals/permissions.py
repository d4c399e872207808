"""Who may do what with referrals, as small functions of the user (and object)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from balise.accounts.enums import Role
from balise.codelists.lists import Channel
from balise.organisations.enums import OrganisationKind

#: Roles that write referrals for their organisation.
REFERRING_ROLES = (Role.REFERRER, Role.HOTLINE_OPERATOR)
#: Competent-authority roles that see every submitted referral.
AUTHORITY_ROLES = (Role.CASE_OFFICER, Role.TEAM_LEAD, Role.REVIEWER)


def is_authority_staff(user) -> bool:  # noqa: ANN001
    return user.is_authenticated and user.has_role(
        *AUTHORITY_ROLES, organisation_kinds=[OrganisationKind.COMPETENT_AUTHORITY]
    )


def referring_organisations(user) -> list:  # noqa: ANN001
    if not user.is_authenticated:
        return []
    return list(dict.fromkeys(user.organisations_with_role(*REFERRING_ROLES)))


#: Roles that may turn an anonymous public report into a referral (hotline or authority team).
TRIAGE_ROLES = (Role.HOTLINE_OPERATOR, Role.CASE_OFFICER, Role.TEAM_LEAD)


def why_cannot_refer(user, organisation, channel: str) -> str | None:  # noqa: ANN001
    """``None`` when ``user`` may write a referral for ``organisation`` through ``channel``,
    else the reason, in words a user understands."""
    if channel == Channel.ANONYMOUS_PUBLIC:
        if (
            organisation is not None
            and organisation.is_active
            and organisation.kind
            in (OrganisationKind.HOTLINE, OrganisationKind.COMPETENT_AUTHORITY)
            and organisation in user.organisations_with_role(*TRIAGE_ROLES)
        ):
            return None
        return str(_("Only the hotline or the competent authority may triage public reports."))
    if organisation is None or organisation not in referring_organisations(user):
        return str(_("You are not a referrer or hotline operator of this organisation."))
    if channel in (Channel.PROFESSIONAL_FORM, Channel.API):
        if not organisation.can_submit_professional_referrals:
            return str(
                _(
                    "Your organisation is not accredited to submit professional referrals. "
                    "Please call the hotline or ask your administrator about accreditation."
                )
            )
    elif channel == Channel.HOTLINE:
        if organisation.kind != OrganisationKind.HOTLINE or not organisation.is_active:
            return str(_("Only an active hotline may create hotline referrals."))
    else:
        return str(_("This channel cannot be chosen for a new referral."))
    return None


def can_edit_draft(user, referral) -> bool:  # noqa: ANN001
    return referral.is_draft and referral.referrer_id == user.pk


def can_answer_information_requests(user, referral) -> bool:  # noqa: ANN001
    return referral.organisation in referring_organisations(user)


def can_ask_information(user) -> bool:  # noqa: ANN001
    return is_authority_staff(user)
