import pytest
from django.urls import reverse

from balise.referrals import receipt
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db


def test_receipt_has_reference_and_screening_but_no_narrative_nor_identity(signed_in, monkeypatch):
    monkeypatch.setattr(receipt, "COMPRESS", False)
    monkeypatch.setattr(receipt, "unicode_font", lambda: None)  # core font: text readable
    user = factories.referrer_at_association()
    referral = rf.submitted(user)
    r = signed_in(user).get(
        reverse("referrals:receipt", args=[referral.pk]) + "?download=1",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert r.status_code == 200
    assert r["Content-Disposition"].startswith("attachment;")
    body = r.content
    assert referral.reference.encode() in body
    assert b"adults-labour@2009.1" in body
    for secret in ("Amina", "Exemple", "Mina", "nanny", "1995"):
        assert secret.encode() not in body


@pytest.mark.skipif(receipt.unicode_font() is None, reason="no font with Arabic glyphs here")
def test_arabic_receipt_is_built_with_a_unicode_font(signed_in):
    user = factories.referrer_at_association()
    referral = rf.submitted(user)
    client = signed_in(user)
    client.cookies["django_language"] = "ar"
    r = client.get(reverse("referrals:receipt", args=[referral.pk]))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert b"DejaVu" in r.content or b"body" in r.content
