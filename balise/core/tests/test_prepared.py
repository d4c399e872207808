import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F

from balise.accounts.enums import Role
from balise.accounts.models import Membership, active_memberships_queryset
from balise.core.prepared import PreparedQuery
from tests import factories

pytestmark = pytest.mark.django_db


def _memberships_of(email: str):  # noqa: ANN202
    return (
        active_memberships_queryset()
        .filter(user__email=email)
        .select_related("user")
        .annotate(joined=F("user__date_joined"), organisation_kind=F("organisation__kind"))
    )


def _snapshot(memberships: list[Membership]) -> list[tuple]:
    return [
        (
            m.pk,
            m.role,
            m.created_at,
            m.organisation.pk,
            m.organisation.name,
            m.organisation.status,
            m.user.pk,
            m.user.email,
            m.user.full_name,
            m.joined,
            m.organisation_kind,
        )
        for m in memberships
    ]


def test_a_prepared_query_returns_what_the_queryset_returns():
    user = factories.member(factories.organisation(name="Zeta"), Role.REFERRER)
    factories.organisation(name="Alpha").memberships.create(user=user, role=Role.CASE_OFFICER)
    other = factories.member(factories.organisation(), Role.REFERRER)
    prepared = PreparedQuery(_memberships_of, email="\x00email\x00")

    for who in (user, other, user):  # the second run of the same SQL too
        got = prepared.run(email=who.email)
        assert _snapshot(got) == _snapshot(list(_memberships_of(who.email)))
    assert [m.organisation.name for m in prepared.run(email=user.email)] == ["Alpha", "Zeta"]
    assert prepared.run(email="nobody@example.invalid") == []


def test_a_placeholder_must_appear_exactly_once():
    def twice(email: str):  # noqa: ANN202
        return Membership.objects.filter(user__email=email, organisation__name=email)

    with pytest.raises(ImproperlyConfigured):
        PreparedQuery(twice, email="\x00e\x00").run(email="a@example.invalid")
    with pytest.raises(TypeError):
        PreparedQuery(_memberships_of, email="\x00e\x00").run(mail="a@example.invalid")
