"""The referral's lifecycle in this app: draft → submitted; a draft or a submitted referral may be
withdrawn by its organisation. Later apps (triage, identification) add their own events after
``submitted``."""

from balise.core.state_machine import StateMachine
from balise.referrals.enums import ReferralStatus as S


def _log():  # noqa: ANN202
    from balise.referrals.models import ReferralTransition

    return ReferralTransition


REFERRAL = StateMachine(
    field="status",
    transitions={
        "submit": ([S.DRAFT], S.SUBMITTED),
        "withdraw": ([S.DRAFT, S.SUBMITTED], S.WITHDRAWN),
    },
    log_model=_log,
    log_fk="referral",
)
