"""The call's lifecycle. An operator closes a call with the advice given, turns it into a referral
or keeps it for a follow-up, which is later closed (or turned into a referral)."""

from balise.core.state_machine import StateMachine
from balise.hotline.enums import CallStatus as S


def _log():  # noqa: ANN202
    from balise.hotline.models import CallTransition

    return CallTransition


CALL = StateMachine(
    field="status",
    transitions={
        "close_with_advice": ([S.OPEN, S.NEEDS_FOLLOW_UP], S.CLOSED_WITH_ADVICE),
        "turn_into_referral": ([S.OPEN, S.NEEDS_FOLLOW_UP], S.TURNED_INTO_REFERRAL),
        "require_follow_up": ([S.OPEN], S.NEEDS_FOLLOW_UP),
        "close": ([S.NEEDS_FOLLOW_UP], S.CLOSED),
    },
    log_model=_log,
    log_fk="call",
)
