"""A referral: what a first-line professional (or the hotline, or a partner system) reports about
a presumed victim. The person is a separate record (``balise.persons``).

A draft keeps what was typed, exactly as typed, in ``draft_data`` (encrypted), so that nothing is
lost even when a value is not valid yet and the draft resumes on any device. On submission the
values are validated as a whole and written to the typed columns below; ``draft_data`` is then
emptied."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import (
    Channel,
    ConsentStatus,
    PlaceScope,
    RecruiterRelationship,
    with_missing,
)
from balise.core.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)
from balise.core.state_machine import TransitionLogBase
from balise.referrals.enums import ReferralStatus, ScreeningList

# Crockford-like alphabet without look-alikes (0/O, 1/I/L, U) for references read on the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A human-friendly, non-sequential reference such as ``BAL-7K3Q-9XW2`` (about 39 bits)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"BAL-{chars[:4]}-{chars[4:]}"


class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_reference, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=ReferralStatus.choices,
        default=ReferralStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    channel = models.CharField(_("channel"), max_length=32, choices=Channel.choices)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("referrer"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        "persons.Person",
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
    )
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    # What was typed, as typed, while a draft (form field name -> raw value).
    draft_data = EncryptedJSONField(null=True, blank=True)
    draft_step = models.CharField(max_length=32, blank=True, default="person")

    # -- current safety ---------------------------------------------------------------------
    immediate_danger = models.BooleanField(_("in immediate danger"), default=False)
    safety_notes = EncryptedTextField(_("current safety"), null=True, blank=True)

    # -- situation --------------------------------------------------------------------------
    exploitation_forms_legal = models.JSONField(
        _("forms of exploitation (jurisdiction's law)"), default=list, blank=True
    )
    exploitation_forms = models.JSONField(
        _("forms of exploitation (canonical)"), default=list, blank=True
    )
    sector = models.CharField(_("sector"), max_length=16, blank=True)
    sexual_exploitation_types = models.JSONField(default=list, blank=True)
    recruitment_country = models.CharField(max_length=3, blank=True)
    recruitment_region = models.CharField(max_length=100, blank=True)
    exploitation_country = models.CharField(max_length=3, blank=True)
    exploitation_region = models.CharField(max_length=100, blank=True)
    place_scope = models.CharField(max_length=16, choices=PlaceScope.choices, blank=True)
    exploitation_start = models.DateField(null=True, blank=True)
    exploitation_end = models.DateField(null=True, blank=True)
    recruitment_method = EncryptedTextField(
        _("how the person was recruited"), null=True, blank=True
    )
    online_recruitment = models.BooleanField(null=True, blank=True)
    online_platform = models.CharField(max_length=100, blank=True)
    means_of_control = models.JSONField(default=list, blank=True)
    recruiter_relationship = models.CharField(
        max_length=32, choices=with_missing(RecruiterRelationship), blank=True
    )
    others_affected = models.BooleanField(null=True, blank=True)
    others_affected_details = EncryptedTextField(null=True, blank=True)

    # -- screening --------------------------------------------------------------------------
    indicators = models.JSONField(_("indicators observed"), default=list, blank=True)
    screening_list = models.CharField(max_length=32, choices=ScreeningList.choices, blank=True)
    screening_catalogue_version = models.CharField(max_length=64, blank=True)
    screening_result = models.JSONField(null=True, blank=True)
    screening_positive = models.BooleanField(null=True, blank=True)

    narrative = EncryptedTextField(_("narrative"), null=True, blank=True)

    # -- consent ----------------------------------------------------------------------------
    consent_status = models.CharField(max_length=32, choices=ConsentStatus.choices, blank=True)
    consent_explained = EncryptedTextField(_("what was explained"), null=True, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_language = models.CharField(max_length=8, blank=True)
    consent_interpreter_used = models.BooleanField(null=True, blank=True)

    presumed_minor = models.BooleanField(_("child or presumed child"), default=False)
    child_pathway_flagged_at = models.DateTimeField(null=True, blank=True)
    anonymous_notification = models.BooleanField(default=False)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["referrer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="referral_unique_idempotency_key",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_draft(self) -> bool:
        return self.status == ReferralStatus.DRAFT


class ReferralTransition(TransitionLogBase):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")


def _attachment_name() -> str:
    return secrets.token_hex(20)


class Attachment(models.Model):
    """A file given with a referral, stored encrypted under MEDIA_ROOT with a random name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=64, unique=True, default=_attachment_name)
    original_name = EncryptedCharField(max_length=255)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]


class InformationRequest(models.Model):
    """A question from the competent authority to the referrer, and the referrer's answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="information_requests"
    )
    question = EncryptedTextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    answer = EncryptedTextField(_("answer"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at"]

    @property
    def is_open(self) -> bool:
        return self.answered_at is None


class ReferralAlert(models.Model):
    """An in-app notice to a user about a referral (for example a child referred, for the
    members of child-protection organisations). It carries no personal data."""

    class Kind(models.TextChoices):
        CHILD_REFERRED = "child_referred", _("A child or presumed child has been referred")
        INFORMATION_REQUESTED = (
            "information_requested",
            _("The competent authority asks a question"),
        )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_alerts"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "referral", "kind"], name="referral_alert_once_per_kind"
            )
        ]
