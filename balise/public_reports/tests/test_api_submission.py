"""Anonymous submission through the API (same proof-of-work, honeypot and rate limit as the
page; the receipt code returned once) and the notice to staff when a reporter writes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.organisations.enums import OrganisationKind
from balise.public_reports import pow as proof_of_work
from balise.public_reports import services
from balise.public_reports.models import PublicReport, SpentChallenge, StaffNotice
from balise.public_reports.tests import factories as pf
from tests import factories

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/public/report/"
CHALLENGE = "/api/v1/public/report/challenge/"
BODY = {
    "what": "Workers sleep on the building site and are never paid.",
    "where": "Industrial zone north",
    "region": "Grand Est",
    "minors_involved": "no",
    "exploitation_forms": ["forced_labour"],
    "language": "en",
}
ADDRESS = {"REMOTE_ADDR": "198.51.100.23"}


def solved(client) -> dict:
    data = client.get(CHALLENGE).json()
    token = data["challenge"]
    return {"pow_challenge": token, "pow_solution": proof_of_work.solve(token, data["difficulty"])}


def submit(client, **overrides):
    return client.post(
        SUBMIT, {**BODY, **solved(client), **overrides}, content_type="application/json", **ADDRESS
    )


def test_anonymous_submission_returns_the_code_once_and_keeps_nothing_of_the_caller(client):
    r = submit(client, HTTP_USER_AGENT="SpecialAgent/7.7")
    assert r.status_code == 201, r.json()
    code = r.json()["receipt_code"]
    assert r["Cache-Control"] == "no-store" and r["Referrer-Policy"] == "no-referrer"
    assert not r.cookies
    report = PublicReport.objects.get()
    assert report.language == "en" and report.exploitation_forms == ["forced_labour"]
    assert code not in report.code_hash
    assert services.public_report_open(code=code).pk == report.pk
    stored = " ".join(str(v) for v in PublicReport.objects.values().get().values())
    assert "198.51.100.23" not in stored and "SpecialAgent" not in stored
    assert AuditEntry.objects.filter(action="create", object_id=str(report.pk)).exists()


def test_replayed_missing_or_wrong_work_is_refused_on_the_field(client):
    work = solved(client)
    assert submit(client, **work).status_code == 201
    replay = submit(client, **work)
    assert replay.status_code == 400 and "pow_solution" in replay.json()
    wrong = submit(client, pow_solution="0")
    assert wrong.status_code == 400 and "pow_solution" in wrong.json()
    missing = client.post(SUBMIT, BODY, content_type="application/json", **ADDRESS)
    assert missing.status_code == 400
    assert PublicReport.objects.count() == 1 and SpentChallenge.objects.count() == 1


def test_honeypot_and_bad_fields_create_nothing(client):
    trap = submit(client, website="http://spam.example")
    assert trap.status_code == 400 and "non_field_errors" in trap.json()
    # Refusals are never cached and carry no referrer either.
    assert trap["Cache-Control"] == "no-store" and trap["Referrer-Policy"] == "no-referrer"
    empty = submit(client, what="")
    assert empty.status_code == 400 and "what" in empty.json()
    override = submit(client, where="abc\u202edef")
    assert override.status_code == 400 and "where" in override.json()
    assert not PublicReport.objects.exists()
    # The work of a refused submission is not spent by the honeypot check.
    assert SpentChallenge.objects.count() == 0


def test_errors_come_in_the_reporters_language(client):
    r = submit(client, what="", language="fr")
    assert r.status_code == 400
    assert "obligatoire" in " ".join(r.json()["what"])


def test_submissions_share_the_pages_rate_limit_per_address(client, settings):
    settings.BALISE_PUBLIC_REPORT_RATE = (2, 3600)
    assert submit(client).status_code == 201
    page = client.post(
        reverse("public_reports:report"),
        {**BODY, "lang": "en", **solved(client)},
        **ADDRESS,
    )
    assert page.status_code == 200
    refused = submit(client)
    assert refused.status_code == 429
    assert PublicReport.objects.count() == 2
    other = client.post(
        SUBMIT, {**BODY, **solved(client)}, content_type="application/json", REMOTE_ADDR="192.0.2.5"
    )
    assert other.status_code == 201


def test_a_token_gives_no_more_than_anonymity(api_client_for):
    # A signed-in caller is not needed and not recorded: the report has no author.
    user = factories.referrer_at_association()
    api = api_client_for(user)
    data = api.get(CHALLENGE).json()
    token = data["challenge"]
    work = {"pow_challenge": token, "pow_solution": proof_of_work.solve(token, data["difficulty"])}
    r = api.post(SUBMIT, {**BODY, **work}, format="json")
    assert r.status_code == 201
    entry = AuditEntry.objects.get(action="create", object_type="public_reports.publicreport")
    assert entry.actor_id is None


def test_staff_are_notified_without_content_when_a_reporter_writes(
    client, signed_in, django_capture_on_commit_callbacks
):
    submitted = pf.report_made_by_public()
    report = submitted.report
    operator = pf.hotline_operator()
    officer = pf.authority_case_officer()
    bystander = pf.authority_case_officer()
    services.staff_message_add(acting_user=officer, report=report, body="Is anyone under 18?")
    referrer = factories.referrer_at_association()
    suspended = pf.hotline_operator()
    suspended.memberships.update(is_active=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_message_add(report=report, body="Yes, a girl of about 15, Lina.")
    notified = set(StaffNotice.objects.values_list("user_id", flat=True))
    assert notified == {operator.pk, officer.pk}
    assert bystander.pk not in notified and referrer.pk not in notified
    assert suspended.pk not in notified
    assert sorted(m.to[0] for m in mail.outbox) == sorted([operator.email, officer.email])
    for message in mail.outbox:
        assert report.short_ref in message.subject
        assert "Lina" not in message.body and "girl" not in message.body
    # A second message while the notice is unread: no new notice, no new e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_message_add(report=report, body="More details.")
    assert StaffNotice.objects.count() == 2 and len(mail.outbox) == 2
    # The operator sees the notice on the list, and opening the report reads it.
    client_ = signed_in(operator)
    listing = client_.get(reverse("public_reports:staff_list")).content.decode()
    assert report.short_ref in listing
    client_.get(reverse("public_reports:staff_detail", args=[report.pk]))
    assert not StaffNotice.objects.filter(user=operator, read_at__isnull=True).exists()
    assert StaffNotice.objects.filter(user=officer, read_at__isnull=True).exists()
    # Once read, a new message notifies again.
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_message_add(report=report, body="Even more.")
    assert StaffNotice.objects.filter(user=operator, read_at__isnull=True).count() == 1
    assert len(mail.outbox) == 3


def test_a_referrer_never_gets_notices_or_the_staff_list(
    signed_in, django_capture_on_commit_callbacks
):
    operator = pf.hotline_operator()
    referrer = factories.referrer_at_association()
    # Even a referrer who is also a member of a hotline, without the operator role.
    factories.member(factories.organisation(OrganisationKind.HOTLINE), "referrer")
    submitted = pf.report_made_by_public()
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_message_add(report=submitted.report, body="Hello")
    assert set(StaffNotice.objects.values_list("user_id", flat=True)) == {operator.pk}
    assert signed_in(referrer).get(reverse("public_reports:staff_list")).status_code == 403
