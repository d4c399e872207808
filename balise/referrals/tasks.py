"""Background work of referrals: alerting child protection when a child is referred."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from balise.organisations.enums import OrganisationKind, OrganisationStatus
from balise.referrals.models import Referral, ReferralAlert


@task()
def notify_child_protection(referral_id: str) -> int:
    """Tell the members of child-protection organisations (of the referring organisation's
    region when there are some, else all) that a child or presumed child has been referred.
    The notice carries the reference and urgency only, never personal data. Returns the number
    of people alerted."""
    from balise.accounts.models import Membership

    referral = Referral.objects.select_related("organisation").get(pk=referral_id)
    memberships = Membership.objects.filter(
        is_active=True,
        user__is_active=True,
        organisation__kind=OrganisationKind.CHILD_PROTECTION,
        organisation__status=OrganisationStatus.ACTIVE,
    ).select_related("user", "organisation")
    regional = memberships.filter(organisation__region=referral.organisation.region)
    if referral.organisation.region and regional.exists():
        memberships = regional
    alerted = 0
    for user in {m.user for m in memberships}:
        _alert, created = ReferralAlert.objects.get_or_create(
            user=user, referral=referral, kind=ReferralAlert.Kind.CHILD_REFERRED
        )
        if not created:
            continue
        alerted += 1
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Balise: a child has been referred (%(ref)s)") % {"ref": referral.reference}
            body = _(
                "A child or presumed child has been referred by %(org)s under reference %(ref)s."
                "%(danger)s Sign in to Balise for what you need to know."
            ) % {
                "org": referral.organisation.name,
                "ref": referral.reference,
                "danger": (" " + _("The child is reported to be in immediate danger."))
                if referral.immediate_danger
                else "",
            }
        send_mail(subject, body, None, [user.email], fail_silently=True)
    return alerted
