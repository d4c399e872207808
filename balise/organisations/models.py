from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.state_machine import TransitionLogBase
from balise.organisations.enums import Accreditation, OrganisationKind, OrganisationStatus


class Organisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    region = models.CharField(_("region"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
        editable=False,
    )
    accreditation = models.CharField(
        _("first-responder accreditation"),
        max_length=16,
        choices=Accreditation.choices,
        default=Accreditation.PENDING,
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrganisationStatus.ACTIVE

    @property
    def can_submit_professional_referrals(self) -> bool:
        return self.is_active and self.accreditation == Accreditation.ACCREDITED


class OrganisationTransition(TransitionLogBase):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="transitions"
    )
    field = models.CharField(max_length=32)
