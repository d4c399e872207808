"""Factories named after business situations: an accredited police unit, a referrer working
there, a shelter, a suspended association… Later apps add their own next to these."""

from __future__ import annotations

import factory
import pyotp
from django.utils import timezone

from balise.accounts.enums import Role
from balise.accounts.models import Membership, TOTPDevice, User
from balise.organisations import lifecycle
from balise.organisations.enums import Accreditation, OrganisationKind, OrganisationStatus
from balise.organisations.models import Organisation

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.NGO
    region = "Île-de-France"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@example.invalid")
    full_name = factory.Sequence(lambda n: f"Agent {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


def organisation(
    kind: str = OrganisationKind.NGO, *, accredited: bool = True, **kw
) -> Organisation:
    org = OrganisationFactory(kind=kind, **kw)
    if accredited:
        lifecycle.ACCREDITATION.apply(org, "accredit", actor=None, reason="test")
    return org


def member(org: Organisation, role: str, *, with_totp: bool = True, **kw) -> User:
    user = UserFactory(**kw)
    Membership.objects.create(user=user, organisation=org, role=role)
    if with_totp:
        TOTPDevice.objects.create(
            user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now()
        )
    return user


def accredited_police_unit(**kw) -> Organisation:
    return organisation(OrganisationKind.POLICE, **kw)


def referrer_at_police_unit() -> User:
    return member(accredited_police_unit(), Role.REFERRER)


def referrer_at_association() -> User:
    return member(organisation(OrganisationKind.NGO), Role.REFERRER)


def case_officer() -> User:
    return member(competent_authority(), Role.CASE_OFFICER)


def competent_authority() -> Organisation:
    return organisation(OrganisationKind.COMPETENT_AUTHORITY)


def shelter_support_worker() -> User:
    return member(organisation(OrganisationKind.SHELTER), Role.SUPPORT_WORKER)


def statistician() -> User:
    return member(organisation(OrganisationKind.OBSERVATORY), Role.STATISTICIAN)


def administrator() -> User:
    return member(organisation(OrganisationKind.COORDINATION), Role.ADMINISTRATOR)


def user_without_second_factor(role: str = Role.REFERRER) -> User:
    return member(accredited_police_unit(), role, with_totp=False)


def suspended_organisation_member(role: str = Role.REFERRER) -> User:
    org = organisation(OrganisationKind.NGO)
    user = member(org, role)
    lifecycle.ACCESS.apply(org, "suspend", actor=None, reason="test")
    return user


__all__ = [
    "Accreditation",
    "OrganisationStatus",
]
