import datetime

import pytest
from django.urls import reverse

from balise.accounts.enums import Role
from balise.audit.models import AuditEntry
from balise.organisations.enums import OrganisationKind
from balise.referrals.enums import ReferralStatus
from balise.referrals.models import Referral
from balise.referrals.tests import factories as rf
from tests import factories

pytestmark = pytest.mark.django_db


def step_url(referral, step):
    return reverse("referrals:step", args=[referral.pk, step])


def person_post(**overrides):
    data = {
        "given_names": "Fatima",
        "family_name": "Exemple",
        "gender": "feminine",
        "birth_date": "1990-05-01",
        "nationalities": ["MAR"],
        "languages": ["ar"],
        "interpreter_needed": "true",
        "action": "next",
        "goto": "situation",
    }
    data.update(overrides)
    return data


def test_referrer_walks_the_form_from_start_to_receipt(signed_in):
    user = factories.referrer_at_association()
    client = signed_in(user)
    assert client.get(reverse("referrals:new")).status_code == 200
    response = client.post(reverse("referrals:new"), {"idempotency_key": "abc"})
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(referral, "person")
    # A double click on "Start" gives the same draft.
    client.post(reverse("referrals:new"), {"idempotency_key": "abc"})
    assert Referral.objects.count() == 1

    assert client.get(step_url(referral, "person")).status_code == 200
    r = client.post(step_url(referral, "person"), person_post())
    assert r.status_code == 302 and r["Location"] == step_url(referral, "situation")
    r = client.post(
        step_url(referral, "situation"),
        {
            "exploitation_forms": ["sexual"],
            "exploitation_country": "FRA",
            "action": "next",
            "goto": "indicators",
        },
    )
    assert r.status_code == 302
    page = client.get(step_url(referral, "indicators"))
    assert page.status_code == 200
    assert "adults-sexual@" in page.content.decode()
    r = client.post(
        step_url(referral, "indicators"),
        {"indicators": rf.POSITIVE_ADULT_LABOUR, "action": "next", "goto": "narrative"},
    )
    assert r.status_code == 302
    r = client.post(
        step_url(referral, "narrative"),
        {"narrative": "Elle raconte…", "action": "next", "goto": "consent"},
    )
    assert r.status_code == 302
    consent = {
        "consent_status": "given",
        "consent_explained": "Le mécanisme et ses droits.",
        "consent_given_at": (datetime.datetime.now() - datetime.timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "consent_language": "ar",
        "consent_interpreter_used": "true",
        "action": "next",
        "goto": "review",
    }
    r = client.post(step_url(referral, "consent"), consent)
    assert r.status_code == 302
    review = client.get(step_url(referral, "review"))
    assert review.status_code == 200
    assert "Fatima" in review.content.decode()
    r = client.post(step_url(referral, "review"), {"action": "submit", "idempotency_key": "x"})
    assert r.status_code == 302
    assert r["Location"] == reverse("referrals:detail", args=[referral.pk])
    # Submitting again (double click, retry) changes nothing.
    r = client.post(step_url(referral, "review"), {"action": "submit", "idempotency_key": "x"})
    assert r.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.transitions.count() == 1
    assert referral.screening_list == "adults-sexual"
    detail = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert referral.reference in detail.content.decode()
    pdf = client.get(reverse("referrals:receipt", args=[referral.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    listing = client.get(reverse("referrals:list"))
    assert referral.reference in listing.content.decode()


def test_draft_resumes_on_another_device(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    signed_in(user).post(step_url(referral, "person"), person_post(action="save"))
    other_device = signed_in(user)
    page = other_device.get(step_url(referral, "person"))
    assert 'value="Fatima"' in page.content.decode()


def test_autosave_stores_what_is_typed_without_javascript_or_with_htmx(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    client = signed_in(user)
    r = client.post(
        reverse("referrals:autosave", args=[referral.pk, "indicators"]),
        {"indicators": ["d5_documents", "d5_violence"]},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "hx-swap-oob" in body
    referral.refresh_from_db()
    assert referral.draft_data["indicators"] == ["d5_documents", "d5_violence"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("given_names", "Ali\u202egnp.exe", "direction"),
        ("family_name", "<script>alert(1)</script>", "scripts"),
        ("birth_date", "2999-01-01", "future"),
        ("birth_date", "1990-02-30", "valid date"),
        ("contact", "x" * 501, "at most 500"),
    ],
)
def test_bad_input_is_a_field_error_and_nothing_typed_is_lost(signed_in, field, value, message):
    user = factories.referrer_at_association()
    user.preferred_language = "en"
    referral = rf.draft(user, {})
    client = signed_in(user)
    data = person_post(**{field: value})
    r = client.post(step_url(referral, "person"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 422
    body = r.content.decode()
    assert message in body
    kept = "Exemple" if field != "family_name" else "Fatima"
    assert f'value="{kept}"' in body  # the rest of what was typed is still there
    referral.refresh_from_db()
    assert referral.draft_data[field] == value


def test_errors_are_translated(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    client = signed_in(user)
    client.cookies["django_language"] = "fr"
    r = client.post(step_url(referral, "person"), person_post(birth_date="2999-01-01"))
    assert "Cette date est dans le futur." in r.content.decode()


def test_invalid_utf8_is_a_field_error_not_a_crash(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    client = signed_in(user)
    body = b"given_names=Ab%FF%FEcd&family_name=Ok&action=save"
    r = client.post(
        step_url(referral, "person"), body, content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 200
    assert "could not be read" in r.content.decode() or "pu être lus" in r.content.decode()


def test_huge_payload_gets_a_clear_message(signed_in, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    user = factories.referrer_at_association()
    referral = rf.draft(user, {})
    client = signed_in(user)
    r = client.post(step_url(referral, "person"), person_post(safety_notes="x" * 20_000))
    assert r.status_code == 400
    assert "Too much" in r.content.decode() or "Trop" in r.content.decode()


def test_review_lists_what_is_missing_and_links_to_the_step(signed_in):
    user = factories.referrer_at_association()
    referral = rf.draft(user, rf.adult_referral_data(consent_status="", exploitation_forms=[]))
    client = signed_in(user)
    r = client.post(step_url(referral, "review"), {"action": "submit"})
    assert r.status_code == 422
    body = r.content.decode()
    assert step_url(referral, "consent") in body and step_url(referral, "situation") in body
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT


def test_unaccredited_organisation_gets_a_clear_refusal(signed_in):
    org = factories.organisation(OrganisationKind.NGO, accredited=False)
    user = factories.member(org, Role.REFERRER)
    client = signed_in(user)
    r = client.get(reverse("referrals:new"), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403
    assert "not accredited" in r.content.decode()
    r = client.post(reverse("referrals:new"), {"organisation": str(org.pk)})
    assert r.status_code == 403
    assert Referral.objects.count() == 0


# -- need to know ----------------------------------------------------------------------


@pytest.fixture
def submitted_referral(db):
    return rf.submitted(factories.referrer_at_association())


def test_other_organisation_cannot_see_a_referral(signed_in, submitted_referral):
    outsider = signed_in(factories.referrer_at_police_unit())
    for name in ("referrals:detail", "referrals:receipt", "referrals:withdraw"):
        method = outsider.post if name == "referrals:withdraw" else outsider.get
        assert method(reverse(name, args=[submitted_referral.pk])).status_code == 404
    listing = outsider.get(reverse("referrals:list"))
    assert submitted_referral.reference not in listing.content.decode()


def test_colleague_sees_submitted_but_not_my_draft(signed_in, submitted_referral):
    org = submitted_referral.organisation
    colleague = factories.member(org, Role.REFERRER)
    client = signed_in(colleague)
    assert client.get(reverse("referrals:detail", args=[submitted_referral.pk])).status_code == 200
    draft = rf.draft(submitted_referral.referrer)
    assert client.get(step_url(draft, "person")).status_code == 404
    assert client.get(reverse("referrals:detail", args=[draft.pk])).status_code == 404


def test_authority_sees_submitted_referrals_but_not_drafts(signed_in, submitted_referral):
    officer = signed_in(factories.case_officer())
    r = officer.get(reverse("referrals:detail", args=[submitted_referral.pk]))
    assert r.status_code == 200
    assert AuditEntry.objects.filter(action="read", object_id=str(submitted_referral.pk)).exists()
    draft = rf.draft(submitted_referral.referrer)
    assert officer.get(reverse("referrals:detail", args=[draft.pk])).status_code == 404
    assert officer.get(step_url(draft, "person")).status_code == 404


@pytest.mark.parametrize(
    "make_user", [factories.shelter_support_worker, factories.statistician, factories.administrator]
)
def test_others_see_nothing(signed_in, submitted_referral, make_user):
    client = signed_in(make_user())
    assert client.get(reverse("referrals:detail", args=[submitted_referral.pk])).status_code == 404
    assert client.get(reverse("referrals:receipt", args=[submitted_referral.pk])).status_code == 404
    assert client.get(reverse("referrals:list")).status_code == 403


def test_not_signed_in_is_sent_to_login(client, submitted_referral):
    r = client.get(reverse("referrals:detail", args=[submitted_referral.pk]))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_referrer_answers_an_information_request(signed_in, submitted_referral):
    from balise.referrals import services

    officer = factories.case_officer()
    info = services.information_request_create(
        acting_user=officer, referral=submitted_referral, question="Where is she now?"
    )
    client = signed_in(submitted_referral.referrer)
    page = client.get(reverse("referrals:detail", args=[submitted_referral.pk]))
    assert "Where is she now?" in page.content.decode()
    url = reverse("referrals:answer", args=[submitted_referral.pk, info.pk])
    r = client.post(url, {"answer": "<script>x</script>"})
    assert r.status_code == 422
    r = client.post(url, {"answer": "In a shelter."})
    assert r.status_code == 302
    info.refresh_from_db()
    assert info.answer == "In a shelter."
    # The authority cannot answer in the referrer's place; outsiders get 404.
    assert signed_in(officer).post(url, {"answer": "x"}).status_code == 422
    outsider = signed_in(factories.referrer_at_police_unit())
    assert outsider.post(url, {"answer": "x"}).status_code == 404


def test_referrer_withdraws_a_submitted_referral(signed_in, submitted_referral):
    client = signed_in(submitted_referral.referrer)
    r = client.post(reverse("referrals:withdraw", args=[submitted_referral.pk]), {"reason": "x"})
    assert r.status_code == 302
    submitted_referral.refresh_from_db()
    assert submitted_referral.status == ReferralStatus.WITHDRAWN
