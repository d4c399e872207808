from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.fields import EncryptedTextField
from balise.core.state_machine import TransitionLogBase
from balise.hotline.enums import (
    AdviceGiven,
    CallerType,
    CallLanguage,
    CallStatus,
    SituationType,
    Urgency,
)


class Call(models.Model):
    """One call to the hotline and its structured summary. The free-text notes are encrypted;
    nothing else identifies the caller."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hotline = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="hotline_calls"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hotline_calls"
    )
    received_at = models.DateTimeField(_("time of the call"), default=timezone.now, db_index=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=0)
    language = models.CharField(_("language"), max_length=8, choices=CallLanguage.choices)
    caller_type = models.CharField(_("caller"), max_length=16, choices=CallerType.choices)
    situation_type = models.CharField(_("situation"), max_length=32, choices=SituationType.choices)
    exploitation_forms = models.JSONField(
        _("forms of exploitation suspected"), default=list, blank=True
    )
    region = models.CharField(_("place (region)"), max_length=100, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices)
    advice_given = models.JSONField(_("advice given"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True, default="")
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_call",
        editable=False,
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=CallStatus.choices,
        default=CallStatus.OPEN,
        editable=False,
        db_index=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [models.Index(fields=["hotline", "status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.get_situation_type_display()} – {self.received_at:%Y-%m-%d %H:%M}"

    @property
    def advice_labels(self) -> list[str]:
        labels = dict(AdviceGiven.choices)
        return [str(labels.get(v, v)) for v in self.advice_given]

    @property
    def exploitation_labels(self) -> list[str]:
        from balise.codelists.lists import ExploitationForm

        labels = dict(ExploitationForm.choices)
        return [str(labels.get(v, v)) for v in self.exploitation_forms]


class CallTransition(TransitionLogBase):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transitions")
