"""Release lifecycle: draft → reviewed (by another statistician) → published; a published
release is immutable and is superseded by its correction (a new version)."""

from balise.core.state_machine import StateMachine

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
