"""An anonymous public report and its conversation.

By design nothing here can hold the reporter's address, user agent or cookie: there is no such
column. Reporter-side times are rounded down to the hour so that they cannot be matched to web
server logs. The receipt code is never stored: only its Argon2id hash and a short, non-secret
lookup prefix (the code's first group) that finds the row in one index look-up."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.fields import EncryptedTextField
from balise.core.state_machine import TransitionLogBase
from balise.public_reports.enums import (
    AuthorKind,
    MinorsInvolved,
    ReportClosureReason,
    ReportStatus,
)


def hour_now():  # noqa: ANN201
    return timezone.now().replace(minute=0, second=0, microsecond=0)


class PublicReport(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Receipt code (never in clear).
    lookup_prefix = models.CharField(max_length=8, unique=True, null=True, editable=False)
    code_hash = models.CharField(max_length=200, blank=True, editable=False)
    code_last_used_at = models.DateTimeField(default=hour_now, editable=False)
    code_expired_at = models.DateTimeField(null=True, blank=True, editable=False)
    # What the reporter wrote (encrypted) and coarse, non-identifying facets for triage.
    language = models.CharField(_("language"), max_length=8)
    what = EncryptedTextField(_("what is happening"))
    where = EncryptedTextField(_("where"), blank=True, default="")
    when = EncryptedTextField(_("when"), blank=True, default="")
    who_affected = EncryptedTextField(_("who may be affected"), blank=True, default="")
    contact = EncryptedTextField(_("contact"), blank=True, default="")
    region = models.CharField(_("region"), max_length=100, blank=True)
    exploitation_forms = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    minors_involved = models.CharField(
        _("children may be involved"),
        max_length=8,
        choices=MinorsInvolved.choices,
        default=MinorsInvolved.UNKNOWN,
    )
    # Handling.
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=ReportStatus.choices,
        default=ReportStatus.RECEIVED,
        editable=False,
        db_index=True,
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=32, choices=ReportClosureReason.choices, blank=True
    )
    handled_at = models.DateTimeField(null=True, blank=True, editable=False)
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_report",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("received"), default=hour_now, editable=False)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("public report")
        verbose_name_plural = _("public reports")

    def __str__(self) -> str:
        return str(_("Public report of %(date)s") % {"date": f"{self.submitted_at:%Y-%m-%d}"})

    @property
    def exploitation_labels(self) -> list[str]:
        from balise.codelists.lists import ExploitationForm

        labels = dict(ExploitationForm.choices)
        return [str(labels.get(v, v)) for v in self.exploitation_forms]

    @property
    def short_ref(self) -> str:
        return self.id.hex[:8].upper()


class PublicReportMessage(models.Model):
    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=16, choices=AuthorKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]


class PublicReportTransition(TransitionLogBase):
    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="transitions")


class SpentChallenge(models.Model):
    """A proof-of-work challenge already used: its random nonce only, kept until it would have
    gone stale anyway. Holds nothing about who used it and no link to any report."""

    nonce = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)


class StaffNotice(models.Model):
    """An in-app notice to a staff member that a reporter added information to a report. It
    carries no content: the report's short reference only. One unread notice per person and
    report, whatever the number of messages; it is read when the person opens the report."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="public_report_notices"
    )
    report = models.ForeignKey(PublicReport, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "report"],
                condition=models.Q(read_at__isnull=True),
                name="public_report_notice_one_unread",
            )
        ]
