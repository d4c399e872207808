"""The referrer's side of the competent authority's requests for information, through the API:
the same rules as the referral's page (the referring organisation answers, once; everyone who
may see the referral reads the questions; everyone else gets 404)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from balise.accounts.enums import Role
from balise.audit.models import AuditEntry
from balise.referrals import services
from balise.referrals.models import InformationRequest
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db

QUESTION = "Where does she sleep tonight? Is she safe there?"


def referral_with_a_question():  # noqa: ANN201
    """A referral of an association, and the competent authority's open question about it."""
    referral = rf.submitted(factories.referrer_at_association())
    info = services.information_request_create(
        acting_user=factories.case_officer(), referral=referral, question=QUESTION
    )
    return referral, info


def list_url(referral) -> str:  # noqa: ANN001
    return f"/api/v1/referrals/{referral.pk}/information-requests/"


def answer_url(referral, info) -> str:  # noqa: ANN001
    return f"/api/v1/referrals/{referral.pk}/information-requests/{info.pk}/answer/"


def answer_entries(info) -> list[AuditEntry]:  # noqa: ANN001
    return list(
        AuditEntry.objects.filter(
            action="update", object_type="referrals.informationrequest", object_id=str(info.pk)
        )
    )


def test_referrer_lists_the_questions_and_the_listing_is_audited(api_client_for):
    referral, info = referral_with_a_question()
    api = api_client_for(referral.referrer)
    r = api.get(list_url(referral))
    assert r.status_code == 200
    [item] = r.json()
    assert item["id"] == str(info.pk) and item["referral"] == str(referral.pk)
    assert item["question"] == QUESTION
    assert (item["status"], item["answer"], item["answered_at"]) == ("open", None, None)
    assert item["can_answer"] is True
    assert "asked_by" not in item  # organisations speak, not named people
    entry = AuditEntry.objects.get(action="read", object_id=str(referral.pk))
    assert entry.actor_id == referral.referrer.pk
    assert entry.details == {"part": "information_requests"}
    assert QUESTION not in str(entry.details)


def test_referrer_answers_once_and_the_answer_is_audited(api_client_for, signed_in):
    referral, info = referral_with_a_question()
    api = api_client_for(referral.referrer)
    r = api.post(answer_url(referral, info), {"answer": "In a shelter, safe."}, format="json")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["status"] == "answered" and body["answer"] == "In a shelter, safe."
    assert body["answered_at"] and body["can_answer"] is False
    info.refresh_from_db()
    assert info.answer == "In a shelter, safe." and info.answered_by == referral.referrer
    [entry] = answer_entries(info)
    assert entry.actor_id == referral.referrer.pk
    assert entry.details == {"fields": ["answer"]}
    # The web page shows the answer given through the API.
    page = signed_in(referral.referrer).get(reverse("referrals:detail", args=[referral.pk]))
    assert "In a shelter, safe." in page.content.decode()
    # A second answer is refused clearly, and changes nothing.
    again = api.post(
        answer_url(referral, info),
        {"answer": "Changed my mind."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert again.status_code == 409
    assert again.json() == {"detail": "This request has already been answered."}
    info.refresh_from_db()
    assert info.answer == "In a shelter, safe."
    assert len(answer_entries(info)) == 1


def test_a_colleague_answers_for_the_organisation_and_then_it_is_closed(api_client_for):
    referral, info = referral_with_a_question()
    colleague = factories.member(referral.organisation, Role.REFERRER)
    r = api_client_for(colleague).post(
        answer_url(referral, info), {"answer": "She moved to her aunt's."}, format="json"
    )
    assert r.status_code == 200
    closed = api_client_for(referral.referrer).post(
        answer_url(referral, info), {"answer": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert closed.status_code == 409
    assert closed.json()["detail"] == "Cette demande a déjà reçu une réponse."
    listed = api_client_for(referral.referrer).get(list_url(referral)).json()
    assert [(i["status"], i["can_answer"]) for i in listed] == [("answered", False)]


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("", "required"),
        ("   ", "blank"),
        ("<script>alert(1)</script>", "markup"),
        ("She is \u202esafe", "direction override"),
        ("x" * 8001, "too long"),
        (["In a shelter."], "a list"),
        ({"text": "In a shelter."}, "an object"),
        (12, "a number"),
    ],
)
def test_bad_answers_are_refused_on_the_field(api_client_for, answer, why):
    referral, info = referral_with_a_question()
    r = api_client_for(referral.referrer).post(
        answer_url(referral, info), {"answer": answer}, format="json"
    )
    assert r.status_code == 400, why
    assert set(r.json()) == {"answer"}, why
    info.refresh_from_db()
    assert info.is_open and info.answer is None
    assert answer_entries(info) == []


def test_a_missing_field_or_a_body_that_is_not_an_object(api_client_for):
    referral, info = referral_with_a_question()
    api = api_client_for(referral.referrer)
    missing = api.post(answer_url(referral, info), {}, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert missing.status_code == 400
    assert missing.json()["answer"] == ["Ce champ est obligatoire."]
    listed = api.post(answer_url(referral, info), ["In a shelter."], format="json")
    assert listed.status_code == 400 and "non_field_errors" in listed.json()
    broken = api.post(answer_url(referral, info), b'{"answer": ', content_type="application/json")
    assert broken.status_code == 400
    info.refresh_from_db()
    assert info.is_open


def test_the_authority_reads_the_questions_but_cannot_answer_in_the_referrers_place(
    api_client_for,
):
    referral, info = referral_with_a_question()
    officer = api_client_for(factories.case_officer())
    listed = officer.get(list_url(referral))
    assert listed.status_code == 200
    assert [(i["question"], i["can_answer"]) for i in listed.json()] == [(QUESTION, False)]
    r = officer.post(
        answer_url(referral, info),
        {"answer": "Answered by us."},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 403
    assert r.json()["detail"] == "Only the referring organisation can answer."
    info.refresh_from_db()
    assert info.is_open and answer_entries(info) == []


@pytest.mark.parametrize(
    "make_user",
    [
        factories.referrer_at_police_unit,  # another organisation
        factories.statistician,  # the observatory
        factories.shelter_support_worker,
        factories.administrator,
    ],
)
def test_outsiders_get_404_as_if_nothing_existed(api_client_for, make_user):
    referral, info = referral_with_a_question()
    outsider = make_user()
    api = api_client_for(outsider)
    assert api.get(list_url(referral)).status_code == 404
    r = api.post(answer_url(referral, info), {"answer": "x"}, format="json")
    assert r.status_code == 404
    # Exactly the answer for a referral that does not exist.
    ghost = f"/api/v1/referrals/{info.pk}/information-requests/{info.pk}/answer/"
    assert r.json() == api.post(ghost, {"answer": "x"}, format="json").json()
    info.refresh_from_db()
    assert info.is_open
    assert not AuditEntry.objects.filter(actor_id=outsider.pk, action__in=["read", "update"])


def test_a_question_is_answered_only_under_its_own_referral(api_client_for):
    referral, info = referral_with_a_question()
    other = rf.submitted(referral.referrer)
    api = api_client_for(referral.referrer)
    r = api.post(answer_url(other, info), {"answer": "x"}, format="json")
    assert r.status_code == 404
    assert api.get(list_url(other)).json() == []
    info.refresh_from_db()
    assert info.is_open


def test_without_a_token_nothing_is_given(client):
    referral, info = referral_with_a_question()
    assert client.get(list_url(referral)).status_code == 401
    r = client.post(answer_url(referral, info), {"answer": "x"}, content_type="application/json")
    assert r.status_code == 401
    info.refresh_from_db()
    assert info.is_open


def test_the_schema_describes_both_endpoints(api_client_for):
    schema = api_client_for(factories.referrer_at_association()).get("/api/v1/schema/")
    paths = schema.content.decode()
    assert "/api/v1/referrals/{id}/information-requests/:" in paths
    assert "/api/v1/referrals/{id}/information-requests/{request_id}/answer/:" in paths


@pytest.mark.django_db(transaction=True)
def test_two_answers_at_the_same_moment_give_one_answer_and_one_conflict(api_client_for):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks under real concurrency (SQLite locks the file)")
    referral, info = referral_with_a_question()
    colleague = factories.member(referral.organisation, Role.REFERRER)
    clients = [api_client_for(referral.referrer), api_client_for(colleague)]
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def run(api, text: str) -> None:  # noqa: ANN001
        try:
            barrier.wait(timeout=10)
            codes.append(
                api.post(answer_url(referral, info), {"answer": text}, format="json").status_code
            )
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(api, text))
        for api, text in zip(clients, ["First answer.", "Second answer."], strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(codes) == [200, 409]
    stored = InformationRequest.objects.get(pk=info.pk)
    assert stored.answer in ("First answer.", "Second answer.")
    assert len(answer_entries(stored)) == 1
