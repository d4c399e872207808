import datetime
import re

import pyotp
import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from balise.accounts.enums import Role
from balise.accounts.models import BackupCode, Membership, PasswordSetToken, TOTPDevice, User
from balise.audit.models import AuditEntry
from balise.organisations.enums import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long sentence nobody guesses"


def _invite(client, org, email="nouvelle.agente@example.invalid", **extra):
    data = {
        "email": email,
        "full_name": "Nouvelle Agente",
        "preferred_language": "fr",
        "organisation": str(org.pk),
        "role": Role.REFERRER,
        **extra,
    }
    return client.post(reverse("accounts:user_create"), data)


def _link_from_last_mail() -> str:
    match = re.search(r"https?://\S+/accounts/login/set-password/\S+/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(0)


ADMIN_PAGES = [
    ("get", "accounts:users", False),
    ("get", "accounts:user_create", False),
    ("get", "accounts:user_detail", True),
    ("get", "accounts:user_deactivate", True),
    ("get", "accounts:user_mfa_reset", True),
    ("post", "accounts:user_invite", True),
    ("post", "accounts:membership_add", True),
]


@pytest.mark.parametrize(("method", "name", "with_pk"), ADMIN_PAGES)
def test_only_administrators_manage_users(signed_in, police_referrer, method, name, with_pk):
    other = factories.referrer_at_association()
    url = reverse(name, args=[other.pk]) if with_pk else reverse(name)
    response = getattr(signed_in(police_referrer), method)(url)
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.is_active


@pytest.mark.parametrize(("method", "name", "with_pk"), ADMIN_PAGES)
def test_administrator_reaches_every_user_page(signed_in, administrator, method, name, with_pk):
    other = factories.referrer_at_association()
    url = reverse(name, args=[other.pk]) if with_pk else reverse(name)
    response = getattr(signed_in(administrator), method)(url)
    assert response.status_code in {200, 302, 400}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("accounts:users"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_user_answers_404(signed_in, administrator):
    import uuid

    client = signed_in(administrator)
    assert client.get(reverse("accounts:user_detail", args=[uuid.uuid4()])).status_code == 404


def test_organisations_page_links_to_users(signed_in, administrator):
    response = signed_in(administrator).get(reverse("organisations:list"))
    assert reverse("accounts:users") in response.content.decode()


def test_list_shows_memberships_and_status_and_searches(signed_in, administrator):
    shelter = factories.organisation(OrganisationKind.SHELTER, name="Foyer des Tilleuls")
    worker = factories.member(shelter, Role.SUPPORT_WORKER, full_name="Zoé Accompagnante")
    gone = factories.member(shelter, Role.SHELTER_MANAGER, full_name="Yves Parti")
    gone.is_active = False
    gone.save()
    client = signed_in(administrator)
    page = client.get(reverse("accounts:users")).content.decode()
    assert "Zoé Accompagnante" in page and "Foyer des Tilleuls" in page
    found = client.get(reverse("accounts:users"), {"q": "zoé"}).context["page"].object_list
    assert list(found) == [worker]
    inactive = client.get(reverse("accounts:users"), {"status": "inactive"}).context["page"]
    assert list(inactive.object_list) == [gone]
    by_role = client.get(reverse("accounts:users"), {"role": Role.SUPPORT_WORKER}).context["page"]
    assert list(by_role.object_list) == [worker]
    by_org = client.get(reverse("accounts:users"), {"organisation": str(shelter.pk)})
    assert set(by_org.context["page"].object_list) == {worker, gone}
    # Organisation and role must hold in the same membership.
    Membership.objects.create(
        user=worker, organisation=factories.accredited_police_unit(), role=Role.REFERRER
    )
    both = client.get(
        reverse("accounts:users"), {"organisation": str(shelter.pk), "role": Role.REFERRER}
    )
    assert list(both.context["page"].object_list) == []


def test_invited_user_sets_a_password_then_enrols_a_second_factor(client, signed_in, administrator):
    police = factories.accredited_police_unit()
    response = _invite(signed_in(administrator), police)
    user = User.objects.get(email="nouvelle.agente@example.invalid")
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert not user.has_usable_password()
    assert user.has_role(Role.REFERRER)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert "mot de passe" in mail.outbox[0].subject  # in the user's language
    link = _link_from_last_mail()
    raw = link.rstrip("/").rsplit("/", 1)[1]
    token = PasswordSetToken.objects.get(user=user)
    assert token.token_hash != raw and raw not in token.token_hash  # only a hash is kept

    response = client.get(link)
    assert response["Location"] == reverse("accounts:set_password")  # token leaves the URL
    form_page = client.get(response["Location"])
    assert form_page.status_code == 200
    assert raw not in form_page.content.decode()
    response = client.post(
        reverse("accounts:set_password"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="password_set", object_id=str(user.pk)).exists()

    # Normal sign-in follows, with enrolment of the second factor.
    response = client.post(
        reverse("accounts:login"), {"email": user.email, "password": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:mfa_setup")

    # The link works once.
    again = client.__class__()
    again.get(link)
    response = again.get(reverse("accounts:set_password"))
    assert response.status_code == 400
    assert "form" not in response.context


def test_password_link_expires(client, signed_in, administrator):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC), tick=False):
        _invite(signed_in(administrator), factories.accredited_police_unit())
        link = _link_from_last_mail()
    with time_machine.travel(datetime.datetime(2026, 3, 10, 9, tzinfo=datetime.UTC), tick=False):
        client.get(link)
        response = client.post(
            reverse("accounts:set_password"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    assert response.status_code == 400
    assert not User.objects.get(email="nouvelle.agente@example.invalid").has_usable_password()


def test_short_password_is_refused_by_the_validators(client, signed_in, administrator):
    _invite(signed_in(administrator), factories.accredited_police_unit())
    client.get(_link_from_last_mail())
    response = client.post(
        reverse("accounts:set_password"),
        {"new_password1": "short pw1", "new_password2": "short pw1"},
    )
    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    user = User.objects.get(email="nouvelle.agente@example.invalid")
    assert not user.has_usable_password()
    assert PasswordSetToken.objects.get(user=user).used_at is None


def test_a_new_invitation_cancels_the_previous_link(client, signed_in, administrator):
    admin_client = signed_in(administrator)
    _invite(admin_client, factories.accredited_police_unit())
    first = _link_from_last_mail()
    user = User.objects.get(email="nouvelle.agente@example.invalid")
    admin_client.post(reverse("accounts:user_invite", args=[user.pk]))
    second = _link_from_last_mail()
    assert first != second
    client.get(first)
    assert client.get(reverse("accounts:set_password")).status_code == 400
    client.get(second)
    assert client.get(reverse("accounts:set_password")).status_code == 200


def test_invalid_creation_keeps_what_was_typed(signed_in, administrator):
    existing = factories.referrer_at_association()
    response = _invite(
        signed_in(administrator),
        factories.accredited_police_unit(),
        email=existing.email,
        full_name="Quelqu'un De Nouveau",
        role="",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" in errors and "role" in errors
    assert "Quelqu&#x27;un De Nouveau" in response.content.decode()
    assert not mail.outbox


def test_memberships_are_added_and_ended(signed_in, administrator):
    user = factories.referrer_at_association()
    shelter = factories.organisation(OrganisationKind.SHELTER)
    client = signed_in(administrator)
    response = client.post(
        reverse("accounts:membership_add", args=[user.pk]),
        {"organisation": str(shelter.pk), "role": Role.SUPPORT_WORKER},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, organisation=shelter)
    duplicate = client.post(
        reverse("accounts:membership_add", args=[user.pk]),
        {"organisation": str(shelter.pk), "role": Role.SUPPORT_WORKER},
    )
    assert duplicate.status_code == 400
    missing = client.post(reverse("accounts:membership_add", args=[user.pk]), {"role": "x"})
    assert set(missing.context["membership_form"].errors) == {"organisation", "role"}
    client.post(reverse("accounts:membership_end", args=[user.pk, membership.pk]))
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEntry.objects.filter(object_id=str(membership.pk), action="update").exists()


def test_ending_the_last_membership_cuts_access(signed_in, administrator, police_referrer):
    victim_client = signed_in(police_referrer)
    assert victim_client.get("/").status_code == 200
    membership = police_referrer.memberships.get()
    signed_in(administrator).post(
        reverse("accounts:membership_end", args=[police_referrer.pk, membership.pk])
    )
    assert victim_client.get("/")["Location"] == reverse("accounts:login")


def test_administrator_cannot_end_own_administrator_role(signed_in, administrator):
    membership = administrator.memberships.get()
    signed_in(administrator).post(
        reverse("accounts:membership_end", args=[administrator.pk, membership.pk])
    )
    membership.refresh_from_db()
    assert membership.is_active


def test_deactivation_asks_confirmation_and_a_reason_then_cuts_access(
    signed_in, administrator, police_referrer
):
    victim_client = signed_in(police_referrer)
    admin_client = signed_in(administrator)
    url = reverse("accounts:user_deactivate", args=[police_referrer.pk])
    confirmation = admin_client.get(url)
    assert confirmation.status_code == 200 and "reason" in confirmation.context["form"].fields
    police_referrer.refresh_from_db()
    assert police_referrer.is_active  # nothing happens before confirming
    no_reason = admin_client.post(url, {})
    assert "reason" in no_reason.context["form"].errors
    admin_client.post(url, {"reason": "left_organisation"})
    police_referrer.refresh_from_db()
    assert not police_referrer.is_active
    assert police_referrer.deactivated_reason == "left_organisation"
    entry = AuditEntry.objects.get(action="update", object_id=str(police_referrer.pk))
    assert entry.actor_id == administrator.pk
    assert entry.details == {"change": "deactivated", "reason": "left_organisation"}
    assert victim_client.get("/").status_code == 302

    url = reverse("accounts:user_reactivate", args=[police_referrer.pk])
    admin_client.post(url, {"reason": "returned"})
    police_referrer.refresh_from_db()
    assert police_referrer.is_active
    assert AuditEntry.objects.filter(
        details__change="reactivated", object_id=str(police_referrer.pk)
    ).exists()


def test_administrator_cannot_deactivate_themselves(signed_in, administrator):
    signed_in(administrator).post(
        reverse("accounts:user_deactivate", args=[administrator.pk]), {"reason": "other"}
    )
    administrator.refresh_from_db()
    assert administrator.is_active


def test_reset_second_factor_forces_enrolment(client, signed_in, administrator, police_referrer):
    BackupCode.objects.create(user=police_referrer, code_hash="x")
    admin_client = signed_in(administrator)
    url = reverse("accounts:user_mfa_reset", args=[police_referrer.pk])
    assert admin_client.get(url).status_code == 200
    assert TOTPDevice.objects.filter(user=police_referrer).exists()
    admin_client.post(url)
    assert not TOTPDevice.objects.filter(user=police_referrer).exists()
    assert not BackupCode.objects.filter(user=police_referrer).exists()
    entry = AuditEntry.objects.get(action="mfa_reset")
    assert entry.actor_id == administrator.pk and entry.object_id == str(police_referrer.pk)
    response = client.post(
        reverse("accounts:login"), {"email": police_referrer.email, "password": factories.PASSWORD}
    )
    assert response["Location"] == reverse("accounts:mfa_setup")
    setup = client.get(reverse("accounts:mfa_setup"))
    secret = setup.context["secret"]
    response = client.post(reverse("accounts:mfa_setup"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
