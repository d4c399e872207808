from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    TURNED_INTO_REFERRAL = "turned_into_referral", _("Turned into a referral")
    CLOSED = "closed", _("Closed")


class ReportClosureReason(models.TextChoices):
    NOT_TRAFFICKING = "not_trafficking", _("Not a trafficking situation")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Not enough information to act")
    DUPLICATE = "duplicate", _("Duplicate of another report")
    PASSED_TO_AUTHORITIES = "passed_to_authorities", _("Passed to police or justice")
    ADVICE_GIVEN = "advice_given", _("Advice given, nothing more to do")
    ABUSIVE = "abusive", _("Abusive or automated report")


class AuthorKind(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    STAFF = "staff", _("Hotline team")


class MinorsInvolved(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("I don't know")
