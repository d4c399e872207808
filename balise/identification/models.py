"""An identification case: the competent authority's file on one person, fed by one or more
referrals, going through the two-stage decision with statutory clocks.

Deadlines are stored as dates (in the jurisdiction's time zone) so that the queue can sort and
filter on them with an index; :mod:`balise.identification.clocks` computes them."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balise.core.fields import EncryptedCharField, EncryptedTextField
from balise.core.state_machine import TransitionLogBase
from balise.identification.enums import (
    OPEN_STATES,
    PROTECTED_STATES,
    AlertLevel,
    CaseState,
    DeadlineKind,
    DecisionGround,
    EvidenceKind,
    Outcome,
    ReconsiderationGround,
    ReviewOutcome,
    Stage,
)

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_case_reference() -> str:
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"CAS-{chars[:4]}-{chars[4:]}"


class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(
        _("reference"), max_length=16, unique=True, default=new_case_reference, editable=False
    )
    state = models.CharField(
        _("stage"),
        max_length=32,
        choices=CaseState.choices,
        default=CaseState.RECEIVED,
        editable=False,
        db_index=True,
    )
    person = models.ForeignKey(
        "persons.Person", on_delete=models.PROTECT, related_name="cases", null=True, blank=True
    )
    referring_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referrer"),
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    presumed_minor = models.BooleanField(_("child or presumed child"), default=False)
    immediate_danger = models.BooleanField(_("in immediate danger"), default=False)
    exploitation_forms = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        null=True,
        blank=True,
        verbose_name=_("assigned to"),
    )

    # -- clocks ------------------------------------------------------------------------------
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    preliminary_due = models.DateField(_("preliminary decision due"))
    preliminary_decided_on = models.DateField(null=True, blank=True)
    reflection_ends = models.DateField(_("reflection period ends"), null=True, blank=True)
    conclusive_earliest = models.DateField(
        _("conclusive decision not before"), null=True, blank=True
    )
    conclusive_decided_on = models.DateField(null=True, blank=True)
    reconsideration_until = models.DateField(
        _("reconsideration possible until"), null=True, blank=True
    )
    next_deadline = models.DateField(_("next deadline"), null=True, blank=True)
    next_deadline_kind = models.CharField(max_length=32, choices=DeadlineKind.choices, blank=True)

    # -- child pathway -----------------------------------------------------------------------
    guardian_name = EncryptedCharField(_("guardian's name"), max_length=200, null=True, blank=True)
    guardian_contact = EncryptedCharField(
        _("guardian's contact"), max_length=500, null=True, blank=True
    )
    guardian_recorded_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identification case")
        verbose_name_plural = _("identification cases")
        indexes = [
            # The queue's default view: open cases, urgent first, then by deadline.
            models.Index(
                fields=["-immediate_danger", "-presumed_minor", "next_deadline", "received_at"],
                name="case_queue_default",
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
            ),
            models.Index(
                fields=["-immediate_danger", "-presumed_minor", "next_deadline", "received_at"],
                name="case_all_urgency",
            ),
            models.Index(
                fields=["next_deadline", "received_at"],
                name="case_open_deadline",
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
            ),
            models.Index(
                fields=["received_at"],
                name="case_open_received",
                condition=Q(state__in=[s.value for s in OPEN_STATES]),
            ),
            models.Index(fields=["state", "next_deadline"], name="case_state_deadline"),
            models.Index(fields=["region", "next_deadline"], name="case_region_deadline"),
            models.Index(
                fields=["referring_organisation", "next_deadline"], name="case_referrer_deadline"
            ),
            models.Index(fields=["assigned_to", "next_deadline"], name="case_assignee_deadline"),
            models.Index(
                fields=["presumed_minor", "next_deadline"],
                name="case_minor_deadline",
                condition=Q(presumed_minor=True),
            ),
            models.Index(
                fields=["immediate_danger", "next_deadline"],
                name="case_danger_deadline",
                condition=Q(immediate_danger=True),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def exploitation_form_labels(self) -> list[str]:
        from balise.codelists.lists import ExploitationForm

        labels = dict(ExploitationForm.choices)
        return [str(labels.get(f, f)) for f in self.exploitation_forms]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def urgent(self) -> bool:
        return self.presumed_minor or self.immediate_danger

    def is_overdue(self, today=None) -> bool:  # noqa: ANN001
        from balise.identification.clocks import local_today

        today = today or local_today()
        return self.next_deadline is not None and self.next_deadline < today

    def protected_from_removal(self, today=None) -> bool:  # noqa: ANN001
        """No removal while identification is pending, during the reflection period, and once
        identified (CETS arts. 10 and 13)."""
        from balise.identification.clocks import local_today

        today = today or local_today()
        if self.state in PROTECTED_STATES:
            return True
        return self.reflection_ends is not None and today <= self.reflection_ends


class CaseReferral(models.Model):
    """Which referrals feed a case (several referrals of one person may share one case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_referrals")
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="identification_link"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["linked_at"]


class CaseExploitationForm(models.Model):
    """One row per form of exploitation of a case, so that the queue filters with an index."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="form_rows")
    form = models.CharField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["form", "case"], name="case_form_unique"),
        ]


class CaseTransition(TransitionLogBase):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")

    @property
    def event_label(self) -> str:
        from balise.identification.enums import CaseEvent

        if self.event == "open":
            return str(_("Case opened"))
        return str(dict(CaseEvent.choices).get(self.event, self.event))

    @property
    def from_label(self) -> str:
        return str(dict(CaseState.choices).get(self.from_state, self.from_state or "—"))

    @property
    def to_label(self) -> str:
        return str(dict(CaseState.choices).get(self.to_state, self.to_state))

    class Meta(TransitionLogBase.Meta):
        indexes = [models.Index(fields=["case", "at"], name="case_transition_case_at")]


class Decision(models.Model):
    """A preliminary or conclusive decision, with its reasons, grounds and evidence; a negative
    one carries the second reviewer's confirmation or sending back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reasons = EncryptedTextField(_("reasons"))
    grounds = models.JSONField(_("grounds"), default=list)
    evidence = models.JSONField(_("evidence considered"), default=list)
    evidence_notes = EncryptedTextField(_("notes on the evidence"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    review_outcome = models.CharField(max_length=16, choices=ReviewOutcome.choices, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reasons = EncryptedTextField(_("reviewer's reasons"), null=True, blank=True)

    class Meta:
        ordering = ["decided_at"]

    @property
    def ground_labels(self) -> list[str]:
        labels = dict(DecisionGround.choices)
        return [str(labels.get(g, g)) for g in self.grounds]

    @property
    def evidence_labels(self) -> list[str]:
        labels = dict(EvidenceKind.choices)
        return [str(labels.get(e, e)) for e in self.evidence]

    @property
    def is_final(self) -> bool:
        return self.outcome == Outcome.POSITIVE or self.review_outcome == ReviewOutcome.CONFIRMED


class Reconsideration(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reconsiderations")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(_("ground"), max_length=32, choices=ReconsiderationGround.choices)
    details = EncryptedTextField(_("details"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)


class CaseNote(models.Model):
    """A private note of the competent authority (never shown to the referrer)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]


class DeadlineAlert(models.Model):
    """One reminder or escalation per case, deadline and level: the sweep never repeats one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadline_alerts")
    kind = models.CharField(max_length=32, choices=DeadlineKind.choices)
    due = models.DateField()
    level = models.CharField(max_length=16, choices=AlertLevel.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due", "level"], name="deadline_alert_once"
            )
        ]


class CaseNotification(models.Model):
    """An in-app notice to a user about a case deadline. It carries no personal data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notifications"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notifications")
    alert = models.ForeignKey(DeadlineAlert, on_delete=models.CASCADE, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
