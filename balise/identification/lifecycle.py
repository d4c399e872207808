"""The identification case's lifecycle. Every event is logged (who, when, why) in
``CaseTransition`` by :class:`balise.core.state_machine.StateMachine`.

received → under_assessment → preliminary decision:
  positive → reflection_period → conclusive decision:
      positive → identified → closed
      negative → conclusive_review → confirmed: conclusive_negative | sent back: reflection_period
  negative → preliminary_review → confirmed: preliminary_negative | sent back: under_assessment
A final negative may be reconsidered within the window (reopens the stage it was taken at).
No state blocks protection: support, shelter and child protection never wait for a decision."""

from balise.core.state_machine import StateMachine
from balise.identification.enums import CaseEvent as E
from balise.identification.enums import CaseState as S


def _log():  # noqa: ANN202
    from balise.identification.models import CaseTransition

    return CaseTransition


CASE = StateMachine(
    field="state",
    transitions={
        E.START_ASSESSMENT: ([S.RECEIVED], S.UNDER_ASSESSMENT),
        E.PRELIMINARY_POSITIVE: ([S.UNDER_ASSESSMENT], S.REFLECTION_PERIOD),
        E.PRELIMINARY_NEGATIVE: ([S.UNDER_ASSESSMENT], S.PRELIMINARY_REVIEW),
        E.CONFIRM_PRELIMINARY_NEGATIVE: ([S.PRELIMINARY_REVIEW], S.PRELIMINARY_NEGATIVE),
        E.SEND_BACK_PRELIMINARY: ([S.PRELIMINARY_REVIEW], S.UNDER_ASSESSMENT),
        E.CONCLUSIVE_POSITIVE: ([S.REFLECTION_PERIOD], S.IDENTIFIED),
        E.CONCLUSIVE_NEGATIVE: ([S.REFLECTION_PERIOD], S.CONCLUSIVE_REVIEW),
        E.CONFIRM_CONCLUSIVE_NEGATIVE: ([S.CONCLUSIVE_REVIEW], S.CONCLUSIVE_NEGATIVE),
        E.SEND_BACK_CONCLUSIVE: ([S.CONCLUSIVE_REVIEW], S.REFLECTION_PERIOD),
        E.RECONSIDER_PRELIMINARY: ([S.PRELIMINARY_NEGATIVE], S.UNDER_ASSESSMENT),
        E.RECONSIDER_CONCLUSIVE: ([S.CONCLUSIVE_NEGATIVE], S.REFLECTION_PERIOD),
        E.CLOSE: ([S.IDENTIFIED, S.PRELIMINARY_NEGATIVE, S.CONCLUSIVE_NEGATIVE], S.CLOSED),
        E.WITHDRAW: (
            [
                S.RECEIVED,
                S.UNDER_ASSESSMENT,
                S.PRELIMINARY_REVIEW,
                S.REFLECTION_PERIOD,
                S.CONCLUSIVE_REVIEW,
            ],
            S.WITHDRAWN,
        ),
        E.MERGE: ([S.RECEIVED, S.UNDER_ASSESSMENT], S.MERGED),
    },
    log_model=_log,
    log_fk="case",
)
