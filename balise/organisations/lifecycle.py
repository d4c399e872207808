"""The organisation's two lifecycles: access (active/suspended) and accreditation as a first
responder (pending/accredited/suspended)."""

from balise.core.state_machine import StateMachine
from balise.organisations.enums import Accreditation as A
from balise.organisations.enums import OrganisationStatus as S


def _log():  # noqa: ANN202
    from balise.organisations.models import OrganisationTransition

    return OrganisationTransition


ACCESS = StateMachine(
    field="status",
    transitions={
        "suspend": ([S.ACTIVE], S.SUSPENDED),
        "reactivate": ([S.SUSPENDED], S.ACTIVE),
    },
    log_model=_log,
    log_fk="organisation",
    log_defaults={"field": "status"},
)

ACCREDITATION = StateMachine(
    field="accreditation",
    transitions={
        "accredit": ([A.PENDING, A.SUSPENDED], A.ACCREDITED),
        "suspend_accreditation": ([A.ACCREDITED, A.PENDING], A.SUSPENDED),
    },
    log_model=_log,
    log_fk="organisation",
    log_defaults={"field": "accreditation"},
)
