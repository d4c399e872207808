"""Orientation of a person to services, the placement or support that follows, and the
protection follow-up (support events, rights, guardian, notes, closure).

Identifying or sensitive free text is encrypted field by field. A service sees a person only
through an orientation addressed to it that is pending or accepted, and then only the fields
that the orientation shared (see selectors)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.codelists.lists import ClosureReason, SupportType
from balise.core.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField
from balise.core.state_machine import TransitionLogBase
from balise.orientation.enums import (
    ConsentBasis,
    DangerKind,
    DeclineReason,
    FileKind,
    FileStatus,
    NoteVisibility,
    OrientationStatus,
    RightKind,
)

USER = settings.AUTH_USER_MODEL


class SharingConsent(models.Model):
    """An adult's recorded agreement that their data be shared with one organisation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="sharing_consents"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at"]


class DangerLocation(models.Model):
    """Where the person was exploited, or where the exploiters are known to be. Coordinates
    are encrypted: they point at the exploiters."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="danger_locations"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=DangerKind.choices)
    label = EncryptedCharField(_("label"), max_length=200, null=True, blank=True)
    coordinates = EncryptedJSONField(_("coordinates"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    @property
    def point(self) -> tuple[float, float]:
        return float(self.coordinates["lat"]), float(self.coordinates["lon"])


class OrientationRequest(models.Model):
    """One request to one service; the requests sent together share a ``batch``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    person = models.ForeignKey(
        "persons.Person", on_delete=models.PROTECT, related_name="orientations"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations",
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="orientations"
    )
    need = models.CharField(_("need"), max_length=32, choices=SupportType.choices)
    safe_relocation = models.BooleanField(_("safe relocation"), default=False)
    distance_km = models.FloatField(_("distance from danger (km)"), null=True, blank=True)
    shared_fields = models.JSONField(_("shared information"), default=list)
    message = EncryptedTextField(_("message to the service"), null=True, blank=True)
    consent_basis = models.CharField(max_length=32, choices=ConsentBasis.choices)
    consent = models.ForeignKey(
        SharingConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_justification = EncryptedTextField(null=True, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requesting_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrientationStatus.choices,
        default=OrientationStatus.PENDING,
        editable=False,
    )
    decline_reason = models.CharField(
        _("reason"), max_length=32, choices=DeclineReason.choices, blank=True
    )
    decline_details = EncryptedTextField(_("details"), null=True, blank=True)
    responded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    reminder_level = models.PositiveSmallIntegerField(default=0, editable=False)
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("orientation request")
        verbose_name_plural = _("orientation requests")

    def __str__(self) -> str:
        return str(_("Orientation %(short)s") % {"short": str(self.pk)[:8]})

    @property
    def reference(self) -> str:
        return "OR-" + str(self.pk)[:8].upper()


class OrientationTransition(TransitionLogBase):
    orientation = models.ForeignKey(
        OrientationRequest, on_delete=models.CASCADE, related_name="transitions"
    )


class SupportFile(models.Model):
    """What an accepted orientation becomes: a placement (a place held in a shelter) or a
    support relationship; the support worker's protection file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    orientation = models.OneToOneField(
        OrientationRequest, on_delete=models.PROTECT, related_name="support_file"
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.PROTECT, related_name="support_files"
    )
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="support_files"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FileKind.choices)
    place_held = models.BooleanField(_("a place is held"), default=False, editable=False)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=FileStatus.choices,
        default=FileStatus.OPEN,
        editable=False,
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True
    )
    closure_details = EncryptedTextField(_("closure details"), null=True, blank=True)
    guardian_name = EncryptedCharField(_("guardian's name"), max_length=200, null=True, blank=True)
    guardian_organisation = EncryptedCharField(
        _("guardian's organisation"), max_length=200, null=True, blank=True
    )
    guardian_contact = EncryptedCharField(
        _("guardian's contact"), max_length=200, null=True, blank=True
    )
    guardian_appointed_on = models.DateField(_("guardian appointed on"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("support file")
        verbose_name_plural = _("support files")

    def __str__(self) -> str:
        return str(_("Support file %(short)s") % {"short": str(self.pk)[:8]})

    @property
    def reference(self) -> str:
        return "SF-" + str(self.pk)[:8].upper()


class SupportFileTransition(TransitionLogBase):
    support_file = models.ForeignKey(
        SupportFile, on_delete=models.CASCADE, related_name="transitions"
    )


class SupportEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    support_file = models.ForeignKey(SupportFile, on_delete=models.CASCADE, related_name="events")
    support_type = models.CharField(
        _("type of support"), max_length=32, choices=SupportType.choices
    )
    occurred_on = models.DateField(_("date"))
    description = EncryptedTextField(_("description"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]


class RightEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    support_file = models.ForeignKey(SupportFile, on_delete=models.CASCADE, related_name="rights")
    kind = models.CharField(_("right"), max_length=32, choices=RightKind.choices)
    occurred_on = models.DateField(_("date"))
    amount = models.DecimalField(
        _("amount (EUR)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["occurred_on", "created_at"]


class CaseNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    support_file = models.ForeignKey(SupportFile, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("note"), null=True, blank=True)
    visibility = models.CharField(
        _("visible to"),
        max_length=16,
        choices=NoteVisibility.choices,
        default=NoteVisibility.SERVICE,
    )
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
