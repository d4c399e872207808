import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.referrals import attachments
from balise.referrals.models import Attachment
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(client, referral, name, content, content_type="application/pdf"):
    return client.post(
        reverse("referrals:attachment_upload", args=[referral.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF, "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (PNG, "image/png"),
        ("Bonjour, مرحبا\n".encode(), "text/plain"),
        (b"MZ\x90\x00\x03\x00", None),
        (b"<html><script>alert(1)</script>", None),
        (b"PK\x03\x04", None),
        (b"\xff\xfe\x00\x00garbage", None),
    ],
)
def test_sniffing_looks_at_content(head, expected):
    assert attachments.sniff(head) == expected


def test_upload_is_stored_encrypted_with_a_random_name_and_downloaded_with_audit(
    signed_in, settings
):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    client = signed_in(user)
    secret = b"%PDF-1.4\nconfidential statement of Amina\n%%EOF"
    r = upload(client, referral, "statement.pdf", secret)
    assert r.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    stored = list((settings.MEDIA_ROOT / "attachments").rglob("*"))
    files = [p for p in stored if p.is_file()]
    assert len(files) == 1
    assert "statement" not in files[0].name and files[0].name == attachment.stored_name
    assert b"Amina" not in files[0].read_bytes()
    r = client.get(reverse("referrals:attachment", args=[attachment.pk]))
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == secret
    assert r["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="download", object_id=str(attachment.pk)).count() == 1


def test_disguised_file_is_refused_whatever_its_name(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    client = signed_in(user)
    r = upload(client, referral, "photo.pdf", b"MZ\x90\x00 this is an executable")
    assert r.status_code == 422
    assert "not accepted" in r.content.decode() or "accepté" in r.content.decode()
    assert Attachment.objects.count() == 0


def test_oversized_file_is_refused(signed_in, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_BYTES", 1024)
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    r = upload(signed_in(user), referral, "big.pdf", PDF + b"x" * 2048)
    assert r.status_code == 422
    assert Attachment.objects.count() == 0


def test_only_allowed_users_download(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    upload(signed_in(user), referral, "scan.png", PNG, "image/png")
    attachment = Attachment.objects.get()
    url = reverse("referrals:attachment", args=[attachment.pk])
    # While a draft, nobody else: not a colleague, not the authority.
    from balise.accounts.enums import Role

    colleague = factories.member(referral.organisation, Role.REFERRER)
    assert signed_in(colleague).get(url).status_code == 404
    officer = factories.case_officer()
    assert signed_in(officer).get(url).status_code == 404
    # Once submitted, the authority may; another organisation still may not.
    from balise.referrals import services

    services.referral_draft_save(acting_user=user, referral=referral, data=rf.adult_referral_data())

    services.referral_submit(acting_user=user, referral=referral)
    assert signed_in(officer).get(url).status_code == 200
    assert signed_in(factories.referrer_at_police_unit()).get(url).status_code == 404
    assert signed_in(factories.shelter_support_worker()).get(url).status_code == 404
    assert not AuditEntry.objects.filter(action="download", actor_id=colleague.pk).exists()


def test_refused_consent_deletes_attachments(signed_in, settings):
    user = factories.referrer_at_association()
    referral = rf.draft(user, rf.adult_referral_data(consent_status="refused"))
    upload(signed_in(user), referral, "scan.png", PNG, "image/png")
    from balise.referrals import services

    services.referral_submit(acting_user=user, referral=referral)
    assert Attachment.objects.count() == 0
    assert not [p for p in (settings.MEDIA_ROOT / "attachments").rglob("*") if p.is_file()]
