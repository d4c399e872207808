"""The one-step API submission stays lean: a fixed, small number of queries, one audit entry,
and still every rule (idempotency, conflicts, refusal of those who may not refer)."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from balise.audit.models import AuditEntry
from balise.audit.services import audit_verify_chain
from balise.referrals.enums import ReferralAction
from balise.referrals.models import Referral, ReferralTransition
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


def _json_ready(data):
    out = {}
    for key, value in data.items():
        if isinstance(value, datetime.datetime):
            value = value.isoformat(timespec="minutes")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value
    return out


def body(**overrides):
    return {"submit": True, **_json_ready(rf.adult_referral_data(**overrides))}


def test_one_submission_costs_a_bounded_number_of_queries(api_client_for):
    user = factories.referrer_at_association()
    api = api_client_for(user)
    assert api.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="warm").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        r = api.post(URL, body(given_names="Ada"), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert r.status_code == 201, r.json()
    sql = [q["sql"] for q in queries.captured_queries]
    # The referral's own writes: person, referral, transition (other apps may add theirs on
    # the transition, like identification opening a case). No look-up of the key before the
    # insert, no re-read of the new row to lock it, no update to move it to "submitted".
    own = ('"persons_person"', '"referrals_')
    inserts = [
        s.split("(")[0]
        for s in sql
        if s.startswith("INSERT") and s.startswith(tuple(f"INSERT INTO {t}" for t in own))
    ]
    assert len(inserts) == 3, inserts
    assert not any('FROM "referrals_referral"' in s for s in sql), sql
    assert not any(s.startswith('UPDATE "referrals_referral"') for s in sql), sql
    # The token, then the memberships (read once: the access check and the organisation
    # reuse them), then the writes: nothing else reads before them.
    first_write = next(i for i, s in enumerate(sql) if s.startswith("INSERT"))
    assert len([s for s in sql[:first_write] if s.startswith("SELECT")]) <= 2, sql[:first_write]
    # The case opened for a first submission does not look for an existing one, and each audit
    # entry costs its chain lock, its row and the head's update: no savepoints around them (the
    # one savepoint is the submission's own block, nested in the test's transaction).
    assert not any('FROM "identification_casereferral"' in s for s in sql), sql
    assert len([s for s in sql if s.startswith("SAVEPOINT")]) == 1, sql
    # The submission's entry and the case's are chained together: one lock on the chain.
    head_reads = [s for s in sql if s.startswith("SELECT") and "audit_auditchainhead" in s]
    assert len(head_reads) == 1, head_reads


def test_one_step_submission_writes_one_audit_entry_and_the_transition(api_client_for):
    user = factories.referrer_at_association()
    r = api_client_for(user).post(URL, body(), format="json")
    assert r.status_code == 201
    referral = Referral.objects.get(pk=r.json()["id"])
    entries = AuditEntry.objects.filter(object_id=str(referral.pk))
    assert [e.action for e in entries] == [ReferralAction.SUBMITTED]
    details = entries[0].details
    assert details["created"] is True and "given_names" in details["fields"]
    assert "Amina" not in str(details)  # names of fields, never values
    transition = ReferralTransition.objects.get(referral=referral)
    assert (transition.from_state, transition.to_state, transition.actor_id) == (
        "draft",
        "submitted",
        user.pk,
    )
    assert audit_verify_chain()[1] is None


def test_retry_after_success_and_conflicting_retry(api_client_for):
    user = factories.referrer_at_association()
    api = api_client_for(user)
    first = api.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert first.status_code == 201
    again = api.post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    # Another body, valid or not, under a key already used: a conflict, nothing stored.
    other = api.post(URL, body(family_name="Autre"), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert other.status_code == 422
    invalid = api.post(URL, body(consent_status=""), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert invalid.status_code == 422
    assert Referral.objects.count() == 1
    assert ReferralTransition.objects.count() == 1
    # The same key is another user's own key: it creates their referral.
    colleague = factories.referrer_at_association()
    mine = api_client_for(colleague).post(URL, body(), format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert mine.status_code == 201 and mine.json()["id"] != first.json()["id"]


def test_who_may_not_refer_is_refused_without_any_write(api_client_for):
    officer = factories.case_officer()
    r = api_client_for(officer).post(URL, body(), format="json")
    assert r.status_code == 403
    assert not Referral.objects.exists()
    assert not AuditEntry.objects.filter(action=ReferralAction.SUBMITTED).exists()


@pytest.mark.django_db(transaction=True)
def test_follow_up_work_is_queued_with_the_submission_itself(settings, api_client_for):
    """With the database task backend, the duplicate scoring and the child-protection alert are
    written in the submission's transaction: both or neither, never lost after a commit."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    api = api_client_for(factories.referrer_at_association())
    r = api.post(URL, body(), format="json")
    assert r.status_code == 201, r.json()
    assert DBTaskResult.objects.filter(task_path__endswith="score_person_task").count() == 1

    # A child's referral adds the child-protection alert.
    r = api.post(URL, _json_ready(rf.child_referral_data()) | {"submit": True}, format="json")
    assert r.status_code == 201, r.json()
    assert DBTaskResult.objects.filter(task_path__endswith="notify_child_protection").count() == 1
    # A submission that fails after the work was queued leaves no task behind.
    from balise.core.tasks import enqueue_with_change
    from balise.linkage.tasks import score_person_task

    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_with_change(score_person_task, "00000000-0000-0000-0000-000000000000")
        assert DBTaskResult.objects.count() == before + 1
        raise RuntimeError("the change fails")
    assert DBTaskResult.objects.count() == before


def test_other_task_backends_run_the_follow_up_only_after_commit(
    django_capture_on_commit_callbacks,
):
    from balise.core.tasks import enqueue_with_change
    from balise.linkage.tasks import score_person_task

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        enqueue_with_change(score_person_task, "00000000-0000-0000-0000-000000000000")
    assert len(callbacks) == 1
