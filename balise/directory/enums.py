from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceKind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    SPECIALISED_ASSOCIATION = "specialised_association", _("Specialised association")
    LEGAL_AID = "legal_aid", _("Legal aid")
    HEALTH = "health", _("Health care")
    PSYCHOLOGICAL = "psychological", _("Psychological care")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    INTERPRETER = "interpreter", _("Interpreting")
    REPATRIATION = "repatriation", _("Repatriation programme")
