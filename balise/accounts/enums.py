from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REFERRER = "referrer", _("First-line professional (referrer)")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CASE_OFFICER = "case_officer", _("Case officer")
    TEAM_LEAD = "team_lead", _("Team lead")
    REVIEWER = "reviewer", _("Reviewer")
    SUPPORT_WORKER = "support_worker", _("Support worker")
    SHELTER_MANAGER = "shelter_manager", _("Shelter manager")
    STATISTICIAN = "statistician", _("Statistician")
    PLAN_COORDINATOR = "plan_coordinator", _("Plan coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")


class DeactivationReason(models.TextChoices):
    """Why an account was disabled. Codes only: the audit log never carries free text."""

    LEFT_ORGANISATION = "left_organisation", _("Left the organisation or changed duties")
    EXTENDED_LEAVE = "extended_leave", _("Extended leave")
    SECURITY = "security", _("Security concern (lost device, suspected compromise)")
    INACTIVITY = "inactivity", _("Not used for too long")
    OTHER = "other", _("Other reason")


class ReactivationReason(models.TextChoices):
    RETURNED = "returned", _("Back in post")
    MISTAKE = "mistake", _("Deactivated by mistake")
    SECURITY_CLEARED = "security_cleared", _("Security concern resolved")
    OTHER = "other", _("Other reason")


class AccountAction(models.TextChoices):
    """Audit codes of account administration, next to ``audit.enums.AuditAction``."""

    INVITATION_SENT = "invitation_sent", _("Invitation to choose a password sent")
    PASSWORD_SET = "password_set", _("Password chosen through a single-use link")
    MFA_RESET = "mfa_reset", _("Second factor reset by an administrator")
    INACTIVITY_WARNED = "inactivity_warned", _("Warned of an upcoming deactivation")
    OIDC_LOGIN = "oidc_login", _("Signed in through single sign-on")
    OIDC_REFUSED = "oidc_refused", _("Single sign-on refused")
    PASSKEY_ADDED = "passkey_added", _("Passkey added")
    PASSKEY_REMOVED = "passkey_removed", _("Passkey removed")
    PASSKEY_USED = "passkey_used", _("Signed in with a passkey")
