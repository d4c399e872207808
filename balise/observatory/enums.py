from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded by a correction")


class ExternalProducer(models.TextChoices):
    ASSOCIATION_SURVEY = "association_survey", _("Yearly association survey")
    POLICE = "police", _("Police statistics")
    JUSTICE = "justice", _("Justice statistics")
    OTHER = "other", _("Other producer")


class AssemblyStatus(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("release assembly", "Waiting to start")
    RUNNING = "running", pgettext_lazy("release assembly", "Being assembled")
    SUCCEEDED = "succeeded", pgettext_lazy("release assembly", "Assembled")
    FAILED = "failed", pgettext_lazy("release assembly", "Failed")


#: Assemblies that may still produce a release (at most one per period and area).
ACTIVE_ASSEMBLY = (AssemblyStatus.QUEUED, AssemblyStatus.RUNNING)


class AssemblyError(models.TextChoices):
    """Why an assembly failed; the message is shown in the reader's language."""

    AUDIT_FAILED = (
        "audit_failed",
        _("The release failed its disclosure audit. No draft was created."),
    )
    CORRECTION_EXISTS = (
        "correction_exists",
        _("A correction of this release already exists. No draft was created."),
    )
    NOT_ALLOWED = (
        "not_allowed",
        _("The person who asked for it may no longer assemble releases. No draft was created."),
    )
    INTERRUPTED = (
        "interrupted",
        _("The assembly was interrupted before it finished. No draft was created: ask for it "
          "again."),
    )  # fmt: skip
    UNEXPECTED = (
        "unexpected",
        _("The assembly failed unexpectedly. No draft was created: ask for it again, and tell "
          "the administrators if it fails again."),
    )  # fmt: skip


class ObservatoryAction:
    REFRESH = "observatory.refresh"
    PRUNE_CELL_KEYS = "observatory.prune_cell_keys"
    RELEASE_CREATE = "observatory.release_create"
    ASSEMBLY_REQUEST = "observatory.assembly_request"
    ASSEMBLY_FAILED = "observatory.assembly_failed"
    EXPORT = "export"
    IMPORT = "observatory.import"
