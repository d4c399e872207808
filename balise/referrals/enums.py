from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    """States this app owns. Later apps (triage, identification) add theirs after ``submitted``."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ScreeningList(models.TextChoices):
    ADULTS_LABOUR = "adults-labour", _("Adults – labour exploitation")
    ADULTS_SEXUAL = "adults-sexual", _("Adults – sexual exploitation")
    CHILDREN_LABOUR = "children-labour", _("Children – labour exploitation")
    CHILDREN_SEXUAL = "children-sexual", _("Children – sexual exploitation")


class ReferralAction(models.TextChoices):
    """Audit action codes of this app (besides the common ones)."""

    DRAFT_SAVED = "referral_draft_saved", _("Referral draft saved")
    SUBMITTED = "referral_submitted", _("Referral submitted")
    RECEIPT = "referral_receipt", _("Referral receipt downloaded")
    CHILD_PATHWAY = "referral_child_pathway", _("Child pathway flagged")
