from django.db import models
from django.utils.translation import gettext_lazy as _


class CallerType(models.TextChoices):
    VICTIM = "victim", _("Victim (presumed)")
    WITNESS = "witness", _("Witness or relative")
    PROFESSIONAL = "professional", _("Professional")
    ANONYMOUS = "anonymous", _("Anonymous caller")


class CallLanguage(models.TextChoices):
    FRENCH = "fr", _("French")
    ARABIC = "ar", _("Arabic")
    AMAZIGH = "zgh", _("Amazigh")
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    OTHER = "other", _("Other language")


class SituationType(models.TextChoices):
    SUSPECTED_TRAFFICKING = "suspected_trafficking", _("Suspected trafficking or exploitation")
    IMMEDIATE_DANGER = "immediate_danger", _("Person in immediate danger")
    WORKING_CONDITIONS = "working_conditions", _("Working conditions or labour rights")
    INFORMATION_REQUEST = "information_request", _("Request for information")
    OTHER_VIOLENCE = "other_violence", _("Other violence (not trafficking)")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate danger")
    URGENT = "urgent", _("Urgent (within 48 hours)")
    NOT_URGENT = "not_urgent", _("Not urgent")


class AdviceGiven(models.TextChoices):
    RIGHTS_INFORMATION = "rights_information", _("Information on rights")
    EMERGENCY_SERVICES = "emergency_services", _("Call the emergency services")
    POLICE = "police", _("Go to the police or gendarmerie")
    ASSOCIATION = "association", _("Contact a specialised association")
    HEALTH = "health", _("Health care")
    LEGAL_AID = "legal_aid", _("Legal aid")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    CALL_BACK = "call_back", _("Call back the hotline")
    OTHER = "other", _("Other advice")


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED_WITH_ADVICE = "closed_with_advice", _("Closed with advice given")
    TURNED_INTO_REFERRAL = "turned_into_referral", _("Turned into a referral")
    NEEDS_FOLLOW_UP = "needs_follow_up", _("Needs follow-up")
    CLOSED = "closed", _("Closed")


#: States in which the call is still on an operator's desk.
ACTIVE_STATUSES = frozenset({CallStatus.OPEN, CallStatus.NEEDS_FOLLOW_UP})
