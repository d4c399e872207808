"""Look for possible matches in a task enqueued with a referral's submission, so that
submitting stays fast and the referrals app knows nothing about linkage."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from balise.core.tasks import enqueue_with_change
from balise.referrals.enums import ReferralStatus
from balise.referrals.models import ReferralTransition


@receiver(post_save, sender=ReferralTransition, dispatch_uid="linkage_score_on_submission")
def score_on_submission(sender, instance: ReferralTransition, created: bool, **kwargs) -> None:  # noqa: ANN001
    if not created or kwargs.get("raw") or instance.to_state != ReferralStatus.SUBMITTED:
        return
    person_id = instance.referral.person_id
    if person_id is None:
        return
    from balise.linkage.tasks import score_person_task

    enqueue_with_change(score_person_task, str(person_id))
