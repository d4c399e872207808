"""Lifecycles of an orientation request and of a support file."""

from balise.core.state_machine import StateMachine
from balise.orientation.enums import FileStatus as F
from balise.orientation.enums import OrientationStatus as S


def _orientation_log():  # noqa: ANN202
    from balise.orientation.models import OrientationTransition

    return OrientationTransition


def _file_log():  # noqa: ANN202
    from balise.orientation.models import SupportFileTransition

    return SupportFileTransition


ORIENTATION = StateMachine(
    field="status",
    transitions={
        "accept": ([S.PENDING], S.ACCEPTED),
        "decline": ([S.PENDING], S.DECLINED),
        "expire": ([S.PENDING], S.EXPIRED),
        "withdraw": ([S.PENDING], S.WITHDRAWN),
    },
    log_model=_orientation_log,
    log_fk="orientation",
)

SUPPORT_FILE = StateMachine(
    field="status",
    transitions={
        "close": ([F.OPEN], F.CLOSED),
        "reopen": ([F.CLOSED], F.OPEN),
    },
    log_model=_file_log,
    log_fk="support_file",
)


def _labels():  # noqa: ANN202
    from django.utils.translation import gettext_lazy as _

    return {
        "send": _("Sent"),
        "accept": _("Accepted"),
        "decline": _("Declined"),
        "expire": _("Expired without answer"),
        "withdraw": _("Withdrawn"),
        "close": _("Closed"),
        "reopen": _("Reopened"),
    }


def history(transitions) -> list[dict]:  # noqa: ANN001
    """Transition log rows in words: when, what, and why (closure and decline reasons by
    their label)."""
    from balise.codelists.lists import ClosureReason
    from balise.orientation.enums import DeclineReason

    labels = _labels()
    reasons = {**dict(ClosureReason.choices), **dict(DeclineReason.choices)}
    return [
        {
            "at": t.at,
            "event": labels.get(t.event, t.event),
            "reason": reasons.get(t.reason, t.reason),
        }
        for t in transitions
    ]
