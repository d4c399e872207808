"""National action plan: plans, axes, measures, milestones, indicators and progress updates."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.state_machine import TransitionLogBase
from balise.plans.enums import MeasureStatus, UpdateStatus, ValueSource


def default_currency() -> str:
    """Currency of budgets: ``BALISE_PLAN_CURRENCY`` if set, else the jurisdiction's money."""
    configured = getattr(settings, "BALISE_PLAN_CURRENCY", "")
    if configured:
        return configured
    return {"ma": "MAD"}.get(getattr(settings, "BALISE_JURISDICTION", "fr"), "EUR")


def default_jurisdiction() -> str:
    return getattr(settings, "BALISE_JURISDICTION", "fr")


class Plan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=250)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    jurisdiction = models.CharField(
        _("jurisdiction code"), max_length=8, default=default_jurisdiction
    )
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    coordinating_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="coordinated_plans",
        verbose_name=_("coordinating body"),
    )
    published = models.BooleanField(_("published"), default=False, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    public_shows_budget = models.BooleanField(_("show budgets on the public page"), default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "title"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title


class Axis(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=250)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_axis_unique_number")
        ]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Measure(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown on the public page.")
    )
    lead_body = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="led_measures",
        verbose_name=_("lead body"),
    )
    partner_bodies = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="partner_measures",
        verbose_name=_("partner bodies"),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    budget_planned = models.DecimalField(
        _("budget planned"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_spent = models.DecimalField(
        _("budget spent"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MeasureStatus.choices,
        default=MeasureStatus.NOT_STARTED,
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_measure_unique_number")
        ]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def counts_as_engaged(self) -> bool:
        return self.status in (MeasureStatus.ENGAGED, MeasureStatus.ACHIEVED)


class MeasureTransition(TransitionLogBase):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="transitions")


class Milestone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due_date = models.DateField(_("due date"))
    done_at = models.DateField(_("done on"), null=True, blank=True)
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="plan_milestones",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        help_text=_("Defaults to the measure's lead body."),
    )
    last_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "title"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def owner_organisation(self):  # noqa: ANN201
        return self.owner or self.measure.lead_body

    def is_late(self, on_date) -> bool:  # noqa: ANN001
        return self.due_date < on_date and (self.done_at is None or self.done_at > on_date)


class Indicator(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=250)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    target_value = models.DecimalField(
        _("target value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    data_source = models.TextField(_("data source"), blank=True)
    observatory_table = models.CharField(
        _("observatory table code"),
        max_length=100,
        blank=True,
        help_text=_("When set and known, the value updates itself from this observatory table."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(
        _("source"), max_length=16, choices=ValueSource.choices, default=ValueSource.MANUAL
    )
    update = models.ForeignKey(
        "ProgressUpdate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applied_values",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date", "recorded_at"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")


class ProgressUpdate(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_updates"
    )
    author_organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="plan_updates"
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    new_status = models.CharField(
        _("new status of the measure"),
        max_length=16,
        choices=MeasureStatus.choices,
        blank=True,
    )
    status_reason = models.TextField(_("reason for the status change"), blank=True)
    status = models.CharField(
        _("review"),
        max_length=16,
        choices=UpdateStatus.choices,
        default=UpdateStatus.SUBMITTED,
        editable=False,
    )
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_comment = models.TextField(_("coordinator's comment"), blank=True)

    class Meta:
        ordering = ["-date", "-submitted_at"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.measure.number} – {self.date}"


class ProgressUpdateTransition(TransitionLogBase):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="transitions")


class ProposedIndicatorValue(models.Model):
    """An indicator value carried by a progress update; it counts once the update is validated."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="proposed_values"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["date"]


def _evidence_path(instance: Evidence, filename: str) -> str:
    # Random name: neither the original name nor the measure shows on disk.
    return f"plans/evidence/{instance.id}"


class Evidence(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class CommitteeMeeting(models.Model):
    """A follow-up committee date: the committee report covers what changed since the previous."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="committee_meetings")
    date = models.DateField(_("committee date"))

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "date"], name="plans_committee_unique_date")
        ]


class PlanNotification(models.Model):
    """An in-app notice for one user (today: overdue milestone reminders)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_notifications"
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
