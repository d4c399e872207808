"""A public report is received, taken up by the team, then turned into a referral or closed
with a reason; a closed report can be reopened when its author brings new information."""

from balise.core.state_machine import StateMachine
from balise.public_reports.enums import ReportStatus as S


def _log():  # noqa: ANN202
    from balise.public_reports.models import PublicReportTransition

    return PublicReportTransition


REPORT = StateMachine(
    field="status",
    transitions={
        "take_up": ([S.RECEIVED], S.IN_REVIEW),
        "turn_into_referral": ([S.RECEIVED, S.IN_REVIEW], S.TURNED_INTO_REFERRAL),
        "close": ([S.RECEIVED, S.IN_REVIEW], S.CLOSED),
        "reopen": ([S.CLOSED], S.IN_REVIEW),
    },
    log_model=_log,
    log_fk="report",
)
