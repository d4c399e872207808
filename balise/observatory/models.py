"""Observatory records: projection refreshes, releases (with their lifecycle), imported
external series and the privacy-budget ledger. None of them holds identifying data."""

from __future__ import annotations

import io
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.state_machine import TransitionLogBase

from .enums import (
    ACTIVE_ASSEMBLY,
    AssemblyError,
    AssemblyStatus,
    ExternalProducer,
    ReleaseStatus,
)


class ProjectionRefresh(models.Model):
    """One run of the projection refresh. The pseudonymised projection itself (one row per
    unique person per year, ``statistics.schema``) is kept as Parquet bytes in ``data``: it
    carries no identifier, so it can never be joined back to a case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0)
    years = models.JSONField(default=list)
    contributors = models.JSONField(default=list)
    data = models.BinaryField(editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("projection refresh")

    def projection(self) -> pa.Table:
        return pq.read_table(io.BytesIO(bytes(self.data)))


class PersonCellKey(models.Model):
    """A person's cell key (cell-key perturbation), drawn once and kept across refreshes.

    If the key were drawn again at every refresh, the same cell would get fresh noise in every
    release and averaging the releases would reveal its true value. The person is named only
    by ``subject``, a keyed hash (``BALISE_BLIND_INDEX_KEY``) of the key the refresh counts
    them under: the table cannot be joined back to a case without that secret."""

    subject = models.CharField(max_length=64, unique=True)
    cell_key = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("person cell key")


class Release(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    period_code = models.CharField(max_length=8, editable=False, db_index=True)
    area = models.CharField(_("area"), max_length=100, default="national")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT, editable=False
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_note = models.TextField(_("correction note"), blank=True)
    refresh = models.ForeignKey(ProjectionRefresh, on_delete=models.PROTECT, related_name="+")
    disclosure_config = models.JSONField(default=dict)
    audit_report = models.JSONField(default=dict)
    parameters = models.JSONField(default=dict)
    tables = models.JSONField(default=list)
    delays = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "area", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["period_code", "area", "version"],
                name="observatory_release_unique_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.area} v{self.version}"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        """A published release is immutable: only its lifecycle status may still change."""
        if self.pk is not None and not self._state.adding:
            stored = Release.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            fields = set(kwargs.get("update_fields") or ())
            if stored in (ReleaseStatus.PUBLISHED, ReleaseStatus.SUPERSEDED) and fields != {
                "status"
            }:
                raise ValueError("a published release is immutable")
        self.period_code = self.period
        super().save(*args, **kwargs)

    @property
    def period(self) -> str:
        return f"{self.year}" + (f"-Q{self.quarter}" if self.quarter else "")

    @property
    def is_public(self) -> bool:
        return self.status in (ReleaseStatus.PUBLISHED, ReleaseStatus.SUPERSEDED)

    def table(self, name: str) -> dict | None:
        return next((t for t in self.tables if t["name"] == name), None)


class ReleaseTransition(TransitionLogBase):
    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="transitions")


def period_code(year: int, quarter: int | None) -> str:
    return f"{year}" + (f"-Q{quarter}" if quarter else "")


class ReleaseAssembly(models.Model):
    """One request to assemble a release, run in the background with its progress.

    At most one assembly per period and area is queued or running (a double click finds the
    first); ``request_id`` (one per form shown) makes a resubmitted form find its assembly even
    once finished. The release exists only if the assembly succeeded: it is created in the same
    transaction as the ``succeed`` step."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    period_code = models.CharField(max_length=8, editable=False)
    area = models.CharField(_("area"), max_length=100, default="national")
    previous = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    correction_note = models.TextField(_("correction note"), blank=True)
    refresh = models.ForeignKey(ProjectionRefresh, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16,
        choices=AssemblyStatus.choices,
        default=AssemblyStatus.QUEUED,
        editable=False,
    )
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    step = models.CharField(max_length=64, default="queued", editable=False)
    error = models.CharField(max_length=32, choices=AssemblyError.choices, blank=True)
    release = models.OneToOneField(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="assembly"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("release assembly")
        constraints = [
            models.UniqueConstraint(
                fields=["period_code", "area"],
                condition=models.Q(status__in=ACTIVE_ASSEMBLY),
                name="observatory_one_active_assembly",
            )
        ]

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.period_code = period_code(self.year, self.quarter)
        super().save(*args, **kwargs)

    @property
    def period(self) -> str:
        return period_code(self.year, self.quarter)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ASSEMBLY


class ReleaseAssemblyTransition(TransitionLogBase):
    assembly = models.ForeignKey(
        ReleaseAssembly, on_delete=models.CASCADE, related_name="transitions"
    )


class ExternalSeries(models.Model):
    """Aggregates imported from another producer; never mixed into Balise's person counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    producer = models.CharField(_("producer"), max_length=32, choices=ExternalProducer.choices)
    unit = models.CharField(_("what is counted"), max_length=100)
    source_file = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]


class ExternalValue(models.Model):
    series = models.ForeignKey(ExternalSeries, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=100, default="national")
    indicator = models.CharField(max_length=100)
    category = models.CharField(max_length=100, default="total")
    value = models.PositiveIntegerField()

    class Meta:
        ordering = ["year", "indicator", "category", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "region", "indicator", "category"],
                name="observatory_external_value_unique",
            )
        ]


class PrivacyBudget(models.Model):
    """Optional differential privacy: the ε a dataset may spend across releases."""

    dataset = models.CharField(_("dataset"), max_length=100, unique=True)
    epsilon_limit = models.FloatField(_("privacy budget (ε)"), default=1.0)

    def spent(self) -> float:
        return float(self.spends.aggregate(total=models.Sum("epsilon"))["total"] or 0.0)


class PrivacySpend(models.Model):
    """One entry of the ledger: what was released with differential privacy, and its ε."""

    budget = models.ForeignKey(PrivacyBudget, on_delete=models.PROTECT, related_name="spends")
    epsilon = models.FloatField()
    purpose = models.CharField(max_length=200)
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.PROTECT, related_name="privacy_spends"
    )
    result = models.JSONField(default=dict)
    spent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    spent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-spent_at"]
