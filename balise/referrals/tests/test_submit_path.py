"""The one-step API submission stays lean: a fixed, small number of queries, one audit entry,
and still every rule (idempotency, conflicts, refusal of those who may not refer)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from balise.audit.models import AuditEntry
from balise.audit.services import audit_verify_chain
from balise.referrals.enums import ReferralAction
from balise.referrals.models import Referral, ReferralTransition
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


def body(**overrides):
    out = {"submit": True}
    for key, value in rf.adult_referral_data(**overrides).items():
        if isinstance(value, datetime.datetime):
            value = value.isoformat(timespec="minutes")
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        out[key] = value
    return out


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
    # Token, access check, memberships, then the writes: nothing else reads before them.
    first_write = next(i for i, s in enumerate(sql) if s.startswith("INSERT"))
    assert len([s for s in sql[:first_write] if s.startswith("SELECT")]) <= 3, sql[:first_write]


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
