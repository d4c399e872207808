"""Append-only, hash-chained audit log.

Each entry holds who (user and organisation ids), what (action, object type and id), when, and
coded details, never personal data in clear. ``entry_hash`` is an HMAC over the entry and the
previous entry's hash, so that changing, removing or inserting an entry breaks the chain from that
point on; ``manage.py audit_verify`` finds the first broken link. On PostgreSQL a trigger refuses
UPDATE and DELETE on the table."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    # Assigned from the chain head under its lock: the sequence has no gaps.
    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor_id = models.UUIDField(_("actor"), null=True, blank=True, db_index=True)
    organisation_id = models.UUIDField(_("organisation"), null=True, blank=True)
    # Codes from AuditAction or an app's own enum; no DB choices so apps can add codes freely.
    action = models.CharField(_("action"), max_length=48, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    # A keyed hash standing for a subject without naming it (for example a failed login's
    # identifier), so repeated attempts can be correlated without storing the identifier.
    subject_hash = models.CharField(max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if not self._state.adding:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise PermissionError("audit entries are append-only")


class AuditChainHead(models.Model):
    """One row, locked while an entry is appended, holding the last hash of the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    last_entry_id = models.BigIntegerField(default=0)
