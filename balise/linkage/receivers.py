"""Look for possible matches once a referral's submission has committed, in a task, so that
submitting stays fast and the referrals app knows nothing about linkage."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from balise.referrals.enums import ReferralStatus
from balise.referrals.models import ReferralTransition


@receiver(post_save, sender=ReferralTransition, dispatch_uid="linkage_score_on_submission")
def score_on_submission(sender, instance: ReferralTransition, created: bool, **kwargs) -> None:  # noqa: ANN001
    if not created or kwargs.get("raw") or instance.to_state != ReferralStatus.SUBMITTED:
        return
    person_id = instance.referral.person_id
    if person_id is None:
        return
    transaction.on_commit(lambda: _enqueue(str(person_id)))


def _enqueue(person_id: str) -> None:
    from balise.linkage.tasks import score_person_task

    score_person_task.enqueue(person_id)
