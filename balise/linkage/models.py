"""Possible matches between persons and the log of merges that lets a merge be undone.

A candidate carries only the statuses of the compared fields (agree / partial / disagree /
missing), never their values. A merge never deletes a person: the merged person stays, marked
by an active ``PersonMerge`` row, and the referrals and cases that were moved are recorded so
that undoing restores exactly the previous links."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Confirmed: same person")
    REJECTED = "rejected", _("Rejected: different persons")


class ScoringMethod(models.TextChoices):
    MODEL = "model", _("Probabilistic model")
    EXACT = "exact", _("Exact name and date of birth (no model trained yet)")


class MatchCandidate(models.Model):
    """``person`` (usually the newer record) may be the same human being as
    ``candidate_person`` (already in the register)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="match_candidates"
    )
    candidate_person = models.ForeignKey(
        "persons.Person", on_delete=models.CASCADE, related_name="matched_by"
    )
    score = models.FloatField(_("match probability"))
    method = models.CharField(max_length=16, choices=ScoringMethod.choices)
    #: comparison name -> status ("agree", "partial", "disagree", "missing"); never values.
    field_comparison = models.JSONField(default=dict)
    status = models.CharField(
        max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("possible match")
        verbose_name_plural = _("possible matches")
        ordering = ["-score", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "candidate_person"], name="linkage_candidate_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("candidate_person")), name="linkage_candidate_distinct"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Possible match %(short)s") % {"short": str(self.pk)[:8]})


class PersonMerge(models.Model):
    """``merged`` was found to be ``kept``: its referrals and cases now point to ``kept``.

    ``referral_ids`` and ``case_ids`` are exactly the rows moved, so undoing moves back those
    and only those. A merge is active while ``undone_at`` is empty."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kept = models.ForeignKey("persons.Person", on_delete=models.PROTECT, related_name="absorbed")
    merged = models.ForeignKey(
        "persons.Person", on_delete=models.PROTECT, related_name="merges_into"
    )
    candidate = models.ForeignKey(
        MatchCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges"
    )
    referral_ids = models.JSONField(default=list)
    case_ids = models.JSONField(default=list)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("merge of two persons")
        verbose_name_plural = _("merges of persons")
        ordering = ["-merged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(undone_at__isnull=True),
                name="linkage_merge_one_active_per_person",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Merge %(short)s") % {"short": str(self.pk)[:8]})

    @property
    def is_active(self) -> bool:
        return self.undone_at is None
