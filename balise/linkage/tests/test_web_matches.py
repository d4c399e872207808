"""Possible matches for case officers: scoring on submission, the side-by-side page, reversible
merges, and who may see any of it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.identification.models import Case
from balise.identification.tests.factories import officer, reviewer, team_lead
from balise.linkage.models import CandidateStatus, MatchCandidate, PersonMerge, ScoringMethod
from balise.linkage.tests.factories import referred, tiny_register
from balise.referrals.models import Referral
from tests import factories

pytestmark = pytest.mark.django_db

AMINA = {"given_names": "Amina", "family_name": "Benali", "birth_date": datetime.date(1995, 4, 12)}


@pytest.fixture
def twice_referred(django_capture_on_commit_callbacks):
    """The same woman referred by the police, then by an association."""
    with django_capture_on_commit_callbacks(execute=True):
        first = referred(factories.referrer_at_police_unit(), **AMINA)
    with django_capture_on_commit_callbacks(execute=True):
        second = referred(factories.referrer_at_association(), **AMINA)
    return first, second


def test_submission_without_a_model_proposes_exact_matches(twice_referred):
    first, second = twice_referred
    candidate = MatchCandidate.objects.get()
    assert candidate.person_id == second.person_id
    assert candidate.candidate_person_id == first.person_id
    assert candidate.method == ScoringMethod.EXACT
    assert candidate.status == CandidateStatus.PENDING
    # Statuses only, never values.
    assert candidate.field_comparison == {"full_name": "agree", "birth": "agree"}
    assert "Amina" not in str(candidate.field_comparison)


def test_different_persons_are_not_proposed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referred(factories.referrer_at_police_unit(), **AMINA)
    with django_capture_on_commit_callbacks(execute=True):
        referred(
            factories.referrer_at_association(),
            given_names="Grace",
            family_name="Okafor",
            birth_date=datetime.date(1990, 1, 2),
        )
    assert not MatchCandidate.objects.exists()


def test_officer_sees_both_records_side_by_side_and_the_read_is_audited(twice_referred, signed_in):
    first, second = twice_referred
    user = officer()
    before = AuditEntry.objects.filter(action="read", object_type="persons.person").count()
    response = signed_in(user).get(reverse("linkage:person", args=[second.person_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Benali") >= 2  # both records' family names, decrypted
    assert 'id="linkage-no-model"' in body
    reads = AuditEntry.objects.filter(action="read", object_type="persons.person")
    assert reads.count() == before + 2
    assert {e.object_id for e in reads} >= {str(first.person_id), str(second.person_id)}
    # The queue lists the candidate without identifying data.
    queue = signed_in(user).get(reverse("linkage:queue")).content.decode()
    assert str(second.person_id)[:8] in queue and "Benali" not in queue


@pytest.mark.parametrize(
    "make_user",
    [
        factories.referrer_at_police_unit,
        factories.shelter_support_worker,
        factories.statistician,
        factories.administrator,
        reviewer,
    ],
)
def test_everyone_else_gets_404(twice_referred, signed_in, make_user):
    _first, second = twice_referred
    candidate = MatchCandidate.objects.get()
    client = signed_in(make_user())
    assert client.get(reverse("linkage:queue")).status_code == 404
    assert client.get(reverse("linkage:person", args=[second.person_id])).status_code == 404
    assert client.post(reverse("linkage:confirm", args=[candidate.pk])).status_code == 404
    assert client.post(reverse("linkage:reject", args=[candidate.pk])).status_code == 404
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING


def test_confirm_merges_and_undo_restores_exactly_the_previous_links(twice_referred, signed_in):
    first, second = twice_referred
    a, b = first.person_id, second.person_id
    # A third referral of the kept person, made after the merge, must stay with it on undo.
    candidate = MatchCandidate.objects.get()
    client = signed_in(team_lead())
    response = client.post(reverse("linkage:confirm", args=[candidate.pk]))
    assert response.status_code == 302
    merge = PersonMerge.objects.get()
    assert (merge.kept_id, merge.merged_id) == (a, b)
    assert set(Referral.objects.filter(person_id=a).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert not Case.objects.filter(person_id=b).exists()
    assert merge.referral_ids == [str(second.pk)]
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="linkage.merge", object_id=str(merge.pk)).exists()
    # The merged person still exists, and its page says where it went.
    page = client.get(reverse("linkage:person", args=[b])).content.decode()
    assert 'id="linkage-merged-into"' in page

    later = referred(factories.referrer_at_police_unit(), **AMINA)
    Referral.objects.filter(pk=later.pk).update(person_id=a)

    assert client.post(reverse("linkage:unmerge", args=[merge.pk])).status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert Referral.objects.get(pk=second.pk).person_id == b
    assert Referral.objects.get(pk=first.pk).person_id == a
    assert Referral.objects.get(pk=later.pk).person_id == a
    assert Case.objects.filter(person_id=b).exists()
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.PENDING
    assert AuditEntry.objects.filter(action="linkage.unmerge", object_id=str(merge.pk)).exists()


def test_reject_is_recorded_and_audited(twice_referred, signed_in):
    candidate = MatchCandidate.objects.get()
    client = signed_in(officer())
    assert client.post(reverse("linkage:reject", args=[candidate.pk])).status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REJECTED
    assert AuditEntry.objects.filter(action="linkage.reject", object_id=str(candidate.pk)).exists()
    # Deciding twice is refused, the decision stands.
    client.post(reverse("linkage:confirm", args=[candidate.pk]))
    assert not PersonMerge.objects.exists()


def test_case_page_shows_the_persons_candidates(twice_referred, signed_in):
    _first, second = twice_referred
    case = Case.objects.get(person_id=second.person_id)
    response = signed_in(officer()).get(reverse("linkage:case", args=[case.pk]))
    assert response.status_code == 200
    assert "Benali" in response.content.decode()
    denied = signed_in(factories.referrer_at_police_unit()).get(
        reverse("linkage:case", args=[case.pk])
    )
    assert denied.status_code == 404


def test_rescore_replaces_pending_and_keeps_decisions(twice_referred, capsys):
    first, second = twice_referred
    decided = MatchCandidate.objects.get()
    decided.status = CandidateStatus.REJECTED
    decided.save()
    # A third record of the same woman: pending candidates appear for it, the rejection stays.
    third = referred(factories.referrer_at_police_unit(), **AMINA)
    stale = MatchCandidate.objects.create(
        person_id=third.person_id,
        candidate_person_id=first.person_id,
        score=0.01,
        method=ScoringMethod.EXACT,
        field_comparison={"full_name": "disagree"},
    )
    call_command("linkage_rescore", chunk=1)
    err = capsys.readouterr().err
    assert "3/3" in err and "100.0%" in err
    decided.refresh_from_db()
    assert decided.status == CandidateStatus.REJECTED
    assert not MatchCandidate.objects.filter(pk=stale.pk).exists()
    pending = MatchCandidate.objects.filter(status=CandidateStatus.PENDING)
    pairs = {frozenset((c.person_id, c.candidate_person_id)) for c in pending}
    assert pairs == {
        frozenset((third.person_id, first.person_id)),
        frozenset((third.person_id, second.person_id)),
    }
    assert all(c.person_id == third.person_id for c in pending)  # newer record first


def test_trained_model_scores_a_submission_with_per_field_statuses(
    django_capture_on_commit_callbacks, signed_in, capsys
):
    tiny_register(40)
    with django_capture_on_commit_callbacks(execute=True):
        first = referred(factories.referrer_at_police_unit(), **AMINA)
    call_command("linkage_train")
    assert "Model trained on 45 persons" in capsys.readouterr().out
    # A transliteration variant with the same birth date.
    with django_capture_on_commit_callbacks(execute=True):
        second = referred(
            factories.referrer_at_association(),
            given_names="Aminah",
            family_name="Ben Ali",
            birth_date=AMINA["birth_date"],
        )
    candidate = MatchCandidate.objects.get(person_id=second.person_id)
    assert candidate.candidate_person_id == first.person_id
    assert candidate.method == ScoringMethod.MODEL
    assert 0.5 <= candidate.score <= 1
    assert candidate.field_comparison["birth"] == "agree"
    assert set(candidate.field_comparison.values()) <= {"agree", "partial", "disagree", "missing"}
    page = signed_in(officer()).get(reverse("linkage:person", args=[second.person_id]))
    body = page.content.decode()
    assert "Aminah" in body and "Amina" in body
    assert 'id="linkage-no-model"' not in body


def test_the_worker_keeps_its_scorer_and_follows_the_register(
    django_capture_on_commit_callbacks,
):
    """Scoring a referral reuses the register loaded for the previous one, refreshed with
    the persons added since; a merge reloads it without the merged person."""
    from balise.linkage import services

    tiny_register(40)
    call_command("linkage_train")
    with django_capture_on_commit_callbacks(execute=True):
        first = referred(factories.referrer_at_police_unit(), **AMINA)
    loaded = services.register_scorer.get()
    assert loaded is not None
    assert len(loaded) == services.register_persons().count()
    with django_capture_on_commit_callbacks(execute=True):
        second = referred(
            factories.referrer_at_association(),
            given_names="Aminah",
            family_name="Ben Ali",
            birth_date=AMINA["birth_date"],
        )
    # The second referral was scored by the same scorer, which had loaded the first person.
    assert services.register_scorer.get() is loaded
    assert len(loaded) == services.register_persons().count()
    candidate = MatchCandidate.objects.get(person_id=second.person_id)
    assert candidate.candidate_person_id == first.person_id
    before = len(loaded)
    services.candidate_confirm(acting_user=officer(), candidate=candidate)
    reloaded = services.register_scorer.get()
    assert reloaded is not loaded
    assert len(reloaded) == services.register_persons().count() == before - 1
