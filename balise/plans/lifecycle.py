"""Lifecycles of measures and of progress updates."""

from balise.core.state_machine import StateMachine
from balise.plans.enums import MeasureStatus as M
from balise.plans.enums import UpdateStatus as U


def _measure_log():  # noqa: ANN202
    from balise.plans.models import MeasureTransition

    return MeasureTransition


def _update_log():  # noqa: ANN202
    from balise.plans.models import ProgressUpdateTransition

    return ProgressUpdateTransition


MEASURE = StateMachine(
    field="status",
    transitions={
        "engage": ([M.NOT_STARTED], M.ENGAGED),
        "achieve": ([M.ENGAGED], M.ACHIEVED),
        "abandon": ([M.NOT_STARTED, M.ENGAGED, M.ACHIEVED], M.ABANDONED),
    },
    log_model=_measure_log,
    log_fk="measure",
)

UPDATE = StateMachine(
    field="status",
    transitions={
        "validate": ([U.SUBMITTED], U.VALIDATED),
        "return": ([U.SUBMITTED], U.RETURNED),
    },
    log_model=_update_log,
    log_fk="update",
)
