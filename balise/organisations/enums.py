from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMPETENT_AUTHORITY = "competent_authority", _("Competent authority")
    POLICE = "police", _("Police")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    LABOUR_INSPECTION = "labour_inspection", _("Labour inspection")
    SOCIAL_SERVICES = "social_services", _("Social services")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    HEALTH = "health", _("Health")
    NGO = "ngo", _("Association (NGO)")
    SHELTER = "shelter", _("Shelter")
    HOTLINE = "hotline", _("Hotline")
    IMMIGRATION_ASYLUM = "immigration_asylum", _("Immigration and asylum office")
    OBSERVATORY = "observatory", _("Observatory")
    PRIVATE_PARTNER = "private_partner", _("Private-sector partner")
    COORDINATION = "coordination", _("Coordination body or ministry")
    OTHER = "other", _("Other")


# HTCDS referrer organisation type for statistics (reference/codelists.md).
HTCDS_REFERRER_TYPE = {
    OrganisationKind.COMPETENT_AUTHORITY: "central_government",
    OrganisationKind.POLICE: "law_enforcement",
    OrganisationKind.GENDARMERIE: "law_enforcement",
    OrganisationKind.LABOUR_INSPECTION: "labour_inspection",
    OrganisationKind.SOCIAL_SERVICES: "social_services",
    OrganisationKind.CHILD_PROTECTION: "child_protection",
    OrganisationKind.HEALTH: "health",
    OrganisationKind.NGO: "ngo",
    OrganisationKind.SHELTER: "ngo",
    OrganisationKind.HOTLINE: "ngo",
    OrganisationKind.IMMIGRATION_ASYLUM: "immigration_asylum",
    OrganisationKind.OBSERVATORY: "central_government",
    OrganisationKind.PRIVATE_PARTNER: "business",
    OrganisationKind.COORDINATION: "central_government",
    OrganisationKind.OTHER: "other",
}


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")


class Accreditation(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCREDITED = "accredited", _("Accredited")
    SUSPENDED = "suspended", _("Suspended")
