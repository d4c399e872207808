"""Release lifecycle: draft → reviewed (by another statistician) → published; a published
release is immutable and is superseded by its correction (a new version). Assembly lifecycle:
queued → running → succeeded (with its draft) or failed (with nothing)."""

from balise.core.state_machine import StateMachine

from .enums import AssemblyStatus as A
from .enums import ReleaseStatus as S


def _log():  # noqa: ANN202
    from .models import ReleaseTransition

    return ReleaseTransition


RELEASE = StateMachine(
    field="status",
    transitions={
        "review": ([S.DRAFT], S.REVIEWED),
        "reopen": ([S.REVIEWED], S.DRAFT),
        "publish": ([S.REVIEWED], S.PUBLISHED),
        "supersede": ([S.PUBLISHED], S.SUPERSEDED),
    },
    log_model=_log,
    log_fk="release",
)


def _assembly_log():  # noqa: ANN202
    from .models import ReleaseAssemblyTransition

    return ReleaseAssemblyTransition


ASSEMBLY = StateMachine(
    field="status",
    transitions={
        "start": ([A.QUEUED], A.RUNNING),
        "succeed": ([A.RUNNING], A.SUCCEEDED),
        "fail": ([A.QUEUED, A.RUNNING], A.FAILED),
    },
    log_model=_assembly_log,
    log_fk="assembly",
)
