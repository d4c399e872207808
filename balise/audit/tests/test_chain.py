import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from balise.audit.enums import AuditAction
from balise.audit.models import AuditEntry
from balise.audit.services import audit_record, audit_verify_chain
from tests import factories

pytestmark = pytest.mark.django_db


def _entries(n=5):
    user = factories.administrator()
    return [
        audit_record(actor=user, action=AuditAction.READ, object_type="test", object_id=str(i))
        for i in range(n)
    ]


def test_an_untouched_chain_verifies():
    _entries()
    checked, broken = audit_verify_chain()
    assert broken is None and checked == AuditEntry.objects.count()
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact" in out.getvalue()


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _tamper(sql, params):
    """What someone with direct database access could do (on PostgreSQL, an owner who first
    disables the append-only trigger): the chain must still tell."""
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only", [])
    try:
        _raw(sql, params)
    finally:
        if connection.vendor == "postgresql":
            _raw("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_append_only", [])


def test_changing_an_entry_is_found_at_that_entry():
    entries = _entries()
    target = entries[2]
    _tamper("UPDATE audit_auditentry SET object_id = %s WHERE id = %s", ["forged", target.id])
    assert audit_verify_chain()[1] == target.id
    with pytest.raises(CommandError, match=f"broken at entry {target.id}"):
        call_command("audit_verify", stdout=io.StringIO())


def test_removing_an_entry_is_found():
    entries = _entries()
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[1].id])
    assert audit_verify_chain()[1] == entries[2].id


def test_removing_the_newest_entry_is_found():
    entries = _entries()
    _tamper("DELETE FROM audit_auditentry WHERE id = %s", [entries[-1].id])
    assert audit_verify_chain()[1] is not None


def test_the_application_cannot_change_or_delete_entries():
    entry = _entries(1)[0]
    entry.object_id = "forged"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database trigger on PostgreSQL")
def test_postgresql_refuses_updates_and_deletes_of_entries():
    entry = _entries(1)[0]
    for sql in (
        "UPDATE audit_auditentry SET object_id = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _raw(sql, [entry.id])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(object_id="x")


def test_details_cannot_carry_personal_data():
    with pytest.raises(ValueError):
        audit_record(action=AuditAction.UPDATE, details={"first_name": "Amina"})


def test_a_rolled_back_change_leaves_no_entry_and_the_chain_intact():
    _entries(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action=AuditAction.UPDATE, object_type="x", object_id="1")
        raise RuntimeError
    audit_record(action=AuditAction.UPDATE, object_type="x", object_id="2")
    assert audit_verify_chain()[1] is None
