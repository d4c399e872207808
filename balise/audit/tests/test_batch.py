"""A change that records several entries chains them together at its end: one lock on the
chain, held the shortest time, and nothing written if the change fails."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from balise.audit.enums import AuditAction
from balise.audit.models import AuditEntry
from balise.audit.services import audit_batch, audit_record, audit_verify_chain
from tests import factories

pytestmark = pytest.mark.django_db


def _read(user, n):
    audit_record(actor=user, action=AuditAction.READ, object_type="test", object_id=str(n))


def test_entries_of_one_change_are_chained_together_at_its_end():
    user = factories.administrator()
    _read(user, 0)
    before = AuditEntry.objects.count()
    with transaction.atomic(), audit_batch():
        _read(user, 1)
        _read(user, 2)
        # Nothing is written (nor locked) while the change goes on.
        assert AuditEntry.objects.count() == before
        with CaptureQueriesContext(connection) as queries:
            _read(user, 3)
        assert queries.captured_queries == []
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.object_id for e in entries] == ["1", "2", "3"]
    assert [e.id for e in entries] == [before + 1, before + 2, before + 3]
    assert entries[0].prev_hash == AuditEntry.objects.get(id=before).entry_hash
    assert audit_verify_chain() == (before + 3, None)


def test_the_whole_batch_costs_one_lock_one_insert_and_one_update():
    user = factories.administrator()
    user.primary_organisation()  # memberships read once, as in a request
    with CaptureQueriesContext(connection) as queries, transaction.atomic(), audit_batch():
        for n in range(4):
            _read(user, n)
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if "audit_auditchainhead" in s and s.startswith("SELECT")]) == 1
    assert len([s for s in sql if s.startswith('INSERT INTO "audit_auditentry"')]) == 1
    assert len([s for s in sql if s.startswith('UPDATE "audit_auditchainhead"')]) == 1


def test_a_failed_change_writes_none_of_its_entries():
    user = factories.administrator()
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), audit_batch():
        _read(user, 1)
        raise RuntimeError("the change fails")
    assert AuditEntry.objects.count() == before
    _read(user, 2)  # the chain goes on without a gap
    assert audit_verify_chain() == (before + 1, None)


def test_nested_blocks_join_the_outermost():
    user = factories.administrator()
    before = AuditEntry.objects.count()
    with transaction.atomic(), audit_batch():
        with audit_batch():
            _read(user, 1)
        assert AuditEntry.objects.count() == before  # still waiting for the outer block
        _read(user, 2)
    assert AuditEntry.objects.count() == before + 2
    assert audit_verify_chain()[1] is None
