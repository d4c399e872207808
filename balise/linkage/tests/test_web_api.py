"""The linkage API: candidates, confirm / reject and unmerge for the competent authority's
case officers and team leads; 404 for everyone else."""

from __future__ import annotations

import datetime

import pytest

from balise.identification.tests.factories import officer, reviewer
from balise.linkage.models import CandidateStatus, MatchCandidate, PersonMerge
from balise.linkage.tests.factories import referred
from balise.referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

AMINA = {"given_names": "Amina", "family_name": "Benali", "birth_date": datetime.date(1995, 4, 12)}
BASE = "/api/v1/linkage/"


@pytest.fixture
def candidate(django_capture_on_commit_callbacks) -> MatchCandidate:
    with django_capture_on_commit_callbacks(execute=True):
        referred(factories.referrer_at_police_unit(), **AMINA)
    with django_capture_on_commit_callbacks(execute=True):
        referred(factories.referrer_at_association(), **AMINA)
    return MatchCandidate.objects.get()


def test_officer_lists_confirms_and_unmerges(candidate, api_client_for):
    client = api_client_for(officer())
    listed = client.get(f"{BASE}candidates/", {"person": str(candidate.person_id)})
    assert listed.status_code == 200
    (row,) = listed.json()["results"] if "results" in listed.json() else listed.json()
    assert row["id"] == str(candidate.pk)
    assert row["field_comparison"] == {"full_name": "agree", "birth": "agree"}
    assert "Amina" not in listed.content.decode()

    confirmed = client.post(f"{BASE}candidates/{candidate.pk}/confirm/")
    assert confirmed.status_code == 201
    merge = PersonMerge.objects.get(pk=confirmed.json()["id"])
    assert not Referral.objects.filter(person_id=candidate.person_id).exists()
    again = client.post(f"{BASE}candidates/{candidate.pk}/confirm/")
    assert again.status_code == 409

    undone = client.post(f"{BASE}merges/{merge.pk}/unmerge/")
    assert undone.status_code == 200 and undone.json()["active"] is False
    assert Referral.objects.filter(person_id=candidate.person_id).count() == 1


def test_officer_rejects(candidate, api_client_for):
    response = api_client_for(officer()).post(f"{BASE}candidates/{candidate.pk}/reject/")
    assert response.status_code == 200
    assert response.json()["status"] == CandidateStatus.REJECTED


@pytest.mark.parametrize(
    "make_user",
    [factories.referrer_at_police_unit, factories.statistician, factories.administrator, reviewer],
)
def test_everyone_else_gets_404(candidate, api_client_for, make_user):
    client = api_client_for(make_user())
    assert client.get(f"{BASE}candidates/").status_code == 404
    assert client.get(f"{BASE}candidates/{candidate.pk}/").status_code == 404
    assert client.post(f"{BASE}candidates/{candidate.pk}/confirm/").status_code == 404
    assert client.post(f"{BASE}candidates/{candidate.pk}/reject/").status_code == 404
    assert client.get(f"{BASE}merges/").status_code == 404
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING
