"""Staff side of public reports: who may read them (need-to-know), triage and answers, through
the pages and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balise.accounts.enums import Role
from balise.audit.models import AuditEntry
from balise.public_reports.enums import ReportStatus
from balise.public_reports.models import PublicReportTransition
from balise.public_reports.tests import factories as pf
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1/public-reports/"

ALLOWED = [
    pf.hotline_operator,
    pf.authority_case_officer,
    lambda: factories.member(factories.competent_authority(), Role.TEAM_LEAD),
]
DENIED = [
    factories.referrer_at_police_unit,
    factories.referrer_at_association,
    factories.shelter_support_worker,
    factories.statistician,
    factories.administrator,
    lambda: factories.member(factories.organisation("shelter"), Role.SHELTER_MANAGER),
    # the right role in the wrong kind of organisation
    lambda: factories.member(factories.organisation("ngo"), Role.HOTLINE_OPERATOR),
    lambda: factories.member(factories.organisation("police"), Role.CASE_OFFICER),
]


@pytest.mark.parametrize("make_user", ALLOWED)
def test_hotline_and_authority_staff_read_reports(signed_in, make_user):
    submitted = pf.report_made_by_public()
    user = make_user()
    client = signed_in(user)
    listing = client.get(reverse("public_reports:staff_list"))
    assert listing.status_code == 200
    assert submitted.report in listing.context["page"]
    detail = client.get(reverse("public_reports:staff_detail", args=[submitted.report.pk]))
    assert detail.status_code == 200
    assert "salon de massage" in detail.content.decode()
    assert AuditEntry.objects.filter(
        action="read", object_id=str(submitted.report.pk), actor_id=user.pk
    ).exists()


@pytest.mark.parametrize("make_user", DENIED)
def test_everyone_else_is_refused(signed_in, api_client_for, make_user):
    submitted = pf.report_made_by_public()
    user = make_user()
    client = signed_in(user)
    for url in (
        reverse("public_reports:staff_list"),
        reverse("public_reports:staff_detail", args=[submitted.report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "salon de massage" not in response.content.decode()
    post = client.post(
        reverse("public_reports:staff_detail", args=[submitted.report.pk]), {"body": "hello"}
    )
    assert post.status_code == 403
    transition = client.post(
        reverse("public_reports:staff_transition", args=[submitted.report.pk]),
        {"event": "close", "closure_reason": "duplicate"},
    )
    assert transition.status_code == 403
    api = api_client_for(user)
    assert api.get(API).status_code == 403
    assert api.get(f"{API}{submitted.report.pk}/").status_code == 403
    assert not submitted.report.messages.exists()
    submitted.report.refresh_from_db()
    assert submitted.report.status == ReportStatus.RECEIVED


def test_anonymous_visitor_cannot_reach_staff_pages(client):
    submitted = pf.report_made_by_public()
    response = client.get(reverse("public_reports:staff_detail", args=[submitted.report.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(API).status_code in (401, 403)


def test_triage_close_needs_a_reason_and_is_logged(signed_in):
    submitted = pf.report_made_by_public()
    staff = pf.authority_case_officer()
    client = signed_in(staff)
    url = reverse("public_reports:staff_transition", args=[submitted.report.pk])
    client.post(url, {"event": "take_up"})
    client.post(url, {"event": "close"})  # no reason
    report = submitted.report
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_REVIEW
    client.post(url, {"event": "close", "closure_reason": "insufficient_information"})
    report.refresh_from_db()
    assert (report.status, report.closure_reason) == ("closed", "insufficient_information")
    steps = list(PublicReportTransition.objects.filter(report=report).order_by("at", "id"))
    assert [(s.from_state, s.to_state, s.actor) for s in steps] == [
        ("received", "in_review", staff),
        ("in_review", "closed", staff),
    ]
    client.post(url, {"event": "take_up"})  # not from closed
    report.refresh_from_db()
    assert report.status == ReportStatus.CLOSED
    client.post(url, {"event": "reopen", "reason": "The reporter added information."})
    report.refresh_from_db()
    assert (report.status, report.closure_reason) == ("in_review", "")


def test_api_staff_reads_answers_and_triages(api_client_for):
    submitted = pf.report_made_by_public()
    api = api_client_for(pf.hotline_operator())
    listing = api.get(API).json()
    assert [r["id"] for r in listing["results"]] == [str(submitted.report.pk)]
    assert "what" not in listing["results"][0]
    detail = api.get(f"{API}{submitted.report.pk}/").json()
    assert detail["what"].startswith("Des femmes")
    assert "code_hash" not in detail and "lookup_prefix" not in detail
    answer = api.post(f"{API}{submitted.report.pk}/message/", {"body": "Merci."}, format="json")
    assert answer.status_code == 201
    empty = api.post(f"{API}{submitted.report.pk}/message/", {"body": ""}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()
    bad = api.post(f"{API}{submitted.report.pk}/transition/", {"event": "close"}, format="json")
    assert bad.status_code == 400 and "closure_reason" in bad.json()
    ok = api.post(
        f"{API}{submitted.report.pk}/transition/",
        {"event": "close", "closure_reason": "passed_to_authorities"},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "closed"
    again = api.post(
        f"{API}{submitted.report.pk}/transition/",
        {"event": "close", "closure_reason": "duplicate"},
        format="json",
    )
    assert again.status_code == 409
    assert api.get(f"{API}00000000-0000-0000-0000-000000000000/").status_code == 404
