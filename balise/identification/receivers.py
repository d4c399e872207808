"""Open a case when a referral is submitted, in the submission's own transaction, without the
referrals app knowing about identification."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from balise.referrals.enums import ReferralStatus
from balise.referrals.models import ReferralTransition


@receiver(post_save, sender=ReferralTransition, dispatch_uid="identification_open_case")
def open_case_on_submission(sender, instance: ReferralTransition, created: bool, **kwargs) -> None:  # noqa: ANN001
    if not created or kwargs.get("raw"):
        return
    from balise.identification import services

    if instance.to_state == ReferralStatus.SUBMITTED:
        services.case_open_for_referral(
            referral=instance.referral,
            actor=instance.actor,
            first_submission=instance.from_state == ReferralStatus.DRAFT,
        )
    elif instance.to_state == ReferralStatus.WITHDRAWN:
        services.case_referral_withdrawn(referral=instance.referral, actor=instance.actor)
