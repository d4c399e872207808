from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import models, transaction

from balise.audit.enums import AuditAction
from balise.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry

#: Entries recorded inside ``audit_batch()``, waiting to be chained at its end.
_pending: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar(
    "balise_audit_pending", default=None
)

_FORBIDDEN_DETAIL_KEYS = {
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "narrative",
}


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor_id": str(entry.actor_id) if entry.actor_id else "",
        "organisation_id": str(entry.organisation_id) if entry.organisation_id else "",
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "subject_hash": entry.subject_hash,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(entry: AuditEntry) -> str:
    key = settings.BALISE_AUDIT_KEY.encode()
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


def subject_hash(identifier: str) -> str:
    key = settings.BALISE_AUDIT_KEY.encode()
    return hmac.new(
        key, b"subject\x00" + identifier.casefold().encode(), hashlib.sha256
    ).hexdigest()


def audit_record(
    *,
    actor: Any = None,
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | uuid.UUID = "",
    organisation: Any = None,
    subject: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the chain (at the end of the enclosing ``audit_batch()`` if any).
    Call it inside the transaction of the change it records."""
    details = details or {}
    leaked = _FORBIDDEN_DETAIL_KEYS & set(details)
    if leaked:
        raise ValueError(f"audit details must not carry personal data: {sorted(leaked)}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    if actor is not None and not getattr(actor, "is_authenticated", True):
        actor_id = None
    if organisation is None and actor_id is not None and hasattr(actor, "primary_organisation"):
        organisation = actor.primary_organisation()
    entry = AuditEntry(
        actor_id=actor_id,
        organisation_id=getattr(organisation, "pk", organisation),
        action=str(action),
        object_type=object_type,
        object_id=str(object_id) if object_id else "",
        subject_hash=subject_hash(subject) if subject else "",
        details=details,
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _append([entry])
    return entry


def _lock_head() -> tuple[int, str]:
    """Lock the chain's head row until the end of the transaction and read it.

    Plain SQL rather than the ORM: every change of personal data passes here, and compiling
    the same two statements through the ORM each time costs more than running them. On SQLite
    the write transaction (``IMMEDIATE``) already holds the database's lock."""
    connection = transaction.get_connection()
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # The table's name comes from the model and is quoted: nothing typed reaches the SQL.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_entry_id, last_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # the very first entry of a new database
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS_HASH}
        )
        return head.last_entry_id, head.last_hash
    return int(row[0]), row[1]


def _move_head(last_id: int, last_hash: str) -> None:
    connection = transaction.get_connection()
    table = connection.ops.quote_name(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_hash = %s, last_entry_id = %s WHERE id = 1",  # noqa: S608
            [last_hash, last_id],
        )


def _append(entries: list[AuditEntry]) -> None:
    """Chain ``entries`` after the head and write them: one lock on the head, one insert, one
    update, whatever their number. No savepoint of its own: an entry that cannot be written
    fails the whole change it records."""
    with transaction.atomic(savepoint=False):
        last_id, last_hash = _lock_head()
        for entry in entries:
            last_id += 1
            entry.id = last_id
            entry.prev_hash = last_hash
            entry.entry_hash = last_hash = compute_hash(entry)
        AuditEntry.objects.bulk_create(entries)
        _move_head(last_id, last_hash)


@contextlib.contextmanager
def audit_batch() -> Iterator[None]:
    """Write the entries recorded inside the block together when it ends without error.

    Use it inside the transaction of a change that records several entries (a referral's
    submission and the case it opens): the chain's lock is then taken once, at the end of
    the change, just before its commit, so that concurrent changes wait for it the least. An
    error inside the block writes nothing (the transaction around it rolls back). Nested
    blocks join the outermost."""
    if _pending.get() is not None:
        yield
        return
    entries: list[AuditEntry] = []
    token = _pending.set(entries)
    try:
        yield
    finally:
        _pending.reset(token)
    if entries:
        _append(entries)


def audit_verify_chain() -> tuple[int, int | None]:
    """Return (entries checked, id of the first broken entry or None)."""
    prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if (
            entry.id != expected_id
            or entry.prev_hash != prev
            or compute_hash(entry) != entry.entry_hash
        ):
            return checked, entry.id
        prev = entry.entry_hash
        expected_id += 1
        checked += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_entry_id != checked:
        return checked, checked + 1  # the newest entries were removed
    return checked, None
