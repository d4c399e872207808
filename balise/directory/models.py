"""The directory of services that victims can be oriented to, and the places of shelters.

Places are counted, never listed: ``places_booked`` counts places held by the platform for
accepted orientations; it only ever changes through a conditional UPDATE (see services), so two
officers can never book the same last place."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.directory.enums import ServiceKind


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind of service"), max_length=32, choices=ServiceKind.choices)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("open to orientations"), default=True)
    safe_relocation_partner = models.BooleanField(
        _("partner of the safe-relocation scheme"), default=False
    )

    # Who it accepts.
    accepts_adults = models.BooleanField(_("adults"), default=True)
    accepts_minors = models.BooleanField(_("minors"), default=False)
    accepts_women = models.BooleanField(_("women"), default=True)
    accepts_men = models.BooleanField(_("men"), default=True)
    accepts_families = models.BooleanField(_("families"), default=False)
    exploitation_forms = models.JSONField(
        _("forms of exploitation"),
        default=list,
        blank=True,
        help_text=_("Empty means every form."),
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    accessibility_notes = models.CharField(_("accessibility"), max_length=300, blank=True)

    # Where it is.
    region = models.CharField(_("region"), max_length=100)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )

    # How to reach it (professional contacts of the service, not of victims).
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    # Places (shelters).
    places_total = models.PositiveIntegerField(_("places in total"), default=0)
    places_occupied = models.PositiveIntegerField(_("places occupied"), default=0)
    places_reserved_quota = models.PositiveIntegerField(
        _("places reserved for trafficking victims"), default=0
    )
    places_out_of_service = models.PositiveIntegerField(_("places out of service"), default=0)
    places_booked = models.PositiveIntegerField(
        _("places booked through Balise"), default=0, editable=False
    )

    updated_at = models.DateTimeField(_("last updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    places_total__gte=models.F("places_occupied")
                    + models.F("places_out_of_service")
                    + models.F("places_booked")
                ),
                name="directory_service_places_within_total",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_places(self) -> bool:
        return self.kind == ServiceKind.SHELTER

    @property
    def places_free(self) -> int:
        return max(
            0,
            self.places_total
            - self.places_occupied
            - self.places_out_of_service
            - self.places_booked,
        )

    def can_take_now(self) -> bool:
        return self.is_active and (not self.has_places or self.places_free > 0)
