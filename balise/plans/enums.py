from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ENGAGED = "engaged", _("Engaged")
    ACHIEVED = "achieved", _("Achieved")
    ABANDONED = "abandoned", _("Abandoned")


# The event that brings a measure to each status (used by progress updates and imports).
EVENT_FOR_STATUS = {
    MeasureStatus.ENGAGED: "engage",
    MeasureStatus.ACHIEVED: "achieve",
    MeasureStatus.ABANDONED: "abandon",
}


class UpdateStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("progress update", "Submitted")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Returned")


class ValueSource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    AUTOMATIC = "automatic", _("Automatic")


class PlanAction(models.TextChoices):
    """Audit action codes of this app."""

    PUBLISH = "plan_publish", _("Plan published")
    UNPUBLISH = "plan_unpublish", _("Plan unpublished")
    IMPORT = "plan_import", _("Plan measures imported")
    REMIND = "plan_milestone_reminder", _("Milestone reminder sent")
