from django.db import models
from django.utils.translation import gettext_lazy as _


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


class ObservatoryAction:
    REFRESH = "observatory.refresh"
    RELEASE_CREATE = "observatory.release_create"
    EXPORT = "export"
    IMPORT = "observatory.import"
