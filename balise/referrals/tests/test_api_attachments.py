"""Attachments through the API: same limits and content checks as the page, need-to-know on
every list and download, every download audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from balise.audit.models import AuditEntry
from balise.referrals import attachments, services
from balise.referrals.models import Attachment
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\nstatement of Amina\n%%EOF\n"


def files_url(referral):
    return f"/api/v1/referrals/{referral.pk}/attachments/"


def send(api, referral, name, content, content_type="application/pdf"):
    return api.post(
        files_url(referral),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        format="multipart",
    )


def test_upload_list_download_and_remove_on_own_draft(api_client_for, settings):
    user = factories.referrer_at_association()
    referral = rf.draft(user)
    api = api_client_for(user)
    r = send(api, referral, "statement.pdf", PDF)
    assert r.status_code == 201, r.json()
    created = r.json()
    assert created["content_type"] == "application/pdf" and created["size"] == len(PDF)
    assert created["name"] == "statement.pdf"
    stored = [p for p in (settings.MEDIA_ROOT / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1 and b"Amina" not in stored[0].read_bytes()

    listed = api.get(files_url(referral))
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [created["id"]]

    content = api.get(created["download"])
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == PDF
    assert content["Content-Type"] == "application/pdf"
    assert content["X-Content-Type-Options"] == "nosniff"
    assert "statement" not in content["Content-Disposition"]
    assert AuditEntry.objects.filter(action="download", object_id=created["id"]).count() == 1

    assert api.delete(f"/api/v1/attachments/{created['id']}/").status_code == 204
    assert not Attachment.objects.exists()
    assert not [p for p in (settings.MEDIA_ROOT / "attachments").rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.pdf", b"MZ\x90\x00 an executable"),
        ("page.txt", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
    ],
)
def test_disguised_or_empty_files_are_refused_on_the_field(api_client_for, name, content):
    user = factories.referrer_at_association()
    referral = rf.draft(user)
    r = send(api_client_for(user), referral, name, content)
    assert r.status_code == 400
    assert "file" in r.json()
    assert not Attachment.objects.exists()


def test_oversized_file_and_missing_field_are_refused(api_client_for, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 64)
    user = factories.referrer_at_association()
    referral = rf.draft(user)
    api = api_client_for(user)
    r = send(api, referral, "big.pdf", PDF + b"x" * 100)
    assert r.status_code == 400 and "file" in r.json()
    r = api.post(files_url(referral), {"other": "x"}, format="multipart")
    assert r.status_code == 400 and "file" in r.json()
    assert not Attachment.objects.exists()


def test_too_many_files_are_refused(api_client_for, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PER_REFERRAL", 1)
    user = factories.referrer_at_association()
    referral = rf.draft(user)
    api = api_client_for(user)
    assert send(api, referral, "a.pdf", PDF).status_code == 201
    r = send(api, referral, "b.pdf", PDF)
    assert r.status_code == 400 and "file" in r.json()


def test_others_cannot_add_list_or_download(api_client_for):
    author = factories.referrer_at_association()
    referral = rf.draft(author)
    attachment = send(api_client_for(author), referral, "a.pdf", PDF).json()
    # A colleague of the same organisation does not see someone else's draft.
    colleague = factories.member(author.primary_organisation(), "referrer")
    other_org = factories.referrer_at_police_unit()
    for intruder in (colleague, other_org):
        api = api_client_for(intruder)
        assert send(api, referral, "x.pdf", PDF).status_code == 404
        assert api.get(files_url(referral)).status_code == 404
        assert api.get(attachment["download"]).status_code == 404
        assert api.get(f"/api/v1/attachments/{attachment['id']}/").status_code == 404
        assert api.delete(f"/api/v1/attachments/{attachment['id']}/").status_code == 404
    assert Attachment.objects.count() == 1
    assert not AuditEntry.objects.filter(action="download").exists()


def test_submitted_referral_takes_no_more_files_but_the_authority_may_download(api_client_for):
    author = factories.referrer_at_association()
    referral = rf.draft(author)
    attachment = send(api_client_for(author), referral, "a.pdf", PDF).json()
    services.referral_submit(acting_user=author, referral=referral)
    r = send(api_client_for(author), referral, "late.pdf", PDF)
    assert r.status_code == 403
    removal = api_client_for(author).delete(f"/api/v1/attachments/{attachment['id']}/")
    assert removal.status_code == 403
    assert Attachment.objects.count() == 1
    officer = factories.case_officer()
    api = api_client_for(officer)
    assert api.get(files_url(referral)).status_code == 200
    r = api.get(attachment["download"])
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF
    assert AuditEntry.objects.filter(action="download", actor_id=officer.pk).count() == 1
    assert send(api, referral, "x.pdf", PDF).status_code == 403


def test_anonymous_caller_gets_nothing(client):
    author = factories.referrer_at_association()
    referral = rf.draft(author)
    assert client.get(files_url(referral)).status_code in (401, 403)
