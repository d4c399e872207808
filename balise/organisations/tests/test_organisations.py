import itertools

import pytest
from django.urls import reverse

from balise.core.state_machine import TransitionNotAllowed
from balise.organisations import lifecycle
from balise.organisations.enums import Accreditation, OrganisationKind, OrganisationStatus
from balise.organisations.models import Organisation, OrganisationTransition
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("machine", "states"),
    [
        (lifecycle.ACCESS, OrganisationStatus.values),
        (lifecycle.ACCREDITATION, Accreditation.values),
    ],
)
def test_every_state_and_event_is_either_allowed_or_refused(machine, states):
    expected = {
        ("active", "suspend"): "suspended",
        ("suspended", "reactivate"): "active",
        ("pending", "accredit"): "accredited",
        ("suspended", "accredit"): "accredited",
        ("accredited", "suspend_accreditation"): "suspended",
        ("pending", "suspend_accreditation"): "suspended",
    }
    for state, event in itertools.product(states, machine.events):
        if (state, event) in expected:
            assert machine.target(state, event) == expected[(state, event)]
        else:
            with pytest.raises(TransitionNotAllowed):
                machine.target(state, event)


def test_only_accredited_active_organisations_may_submit_professional_referrals():
    org = factories.organisation(OrganisationKind.POLICE, accredited=False)
    assert not org.can_submit_professional_referrals
    lifecycle.ACCREDITATION.apply(org, "accredit", actor=None, reason="agrément préfectoral")
    assert org.can_submit_professional_referrals
    lifecycle.ACCESS.apply(org, "suspend", actor=None, reason="enquête")
    assert not org.can_submit_professional_referrals


def test_administrator_creates_and_accredits_an_organisation(signed_in, administrator):
    client = signed_in(administrator)
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "Brigade de protection des familles",
            "kind": "police",
            "region": "Bretagne",
            "contact_email": "",
            "contact_phone": "",
            "address": "",
        },
    )
    org = Organisation.objects.get(name="Brigade de protection des familles")
    assert response["Location"] == reverse("organisations:detail", args=[org.pk])
    assert org.accreditation == Accreditation.PENDING
    client.post(
        reverse("organisations:transition", args=[org.pk]),
        {"event": "accredit", "reason": "Convention signée"},
    )
    org.refresh_from_db()
    assert org.accreditation == Accreditation.ACCREDITED
    log = OrganisationTransition.objects.get(organisation=org)
    assert (log.actor, log.reason, log.field) == (
        administrator,
        "Convention signée",
        "accreditation",
    )


def test_an_impossible_change_is_refused_with_a_message(signed_in, administrator):
    org = factories.organisation(OrganisationKind.NGO)
    client = signed_in(administrator)
    response = client.post(
        reverse("organisations:transition", args=[org.pk]),
        {"event": "reactivate", "reason": "x"},
        follow=True,
    )
    assert response.status_code == 200
    org.refresh_from_db()
    assert org.status == OrganisationStatus.ACTIVE
    assert list(response.context["messages"])


def test_a_form_error_keeps_what_was_typed(signed_in, administrator):
    client = signed_in(administrator)
    response = client.post(
        reverse("organisations:create"),
        {"name": "Foyer Horizon", "kind": "not-a-kind", "region": "Occitanie"},
    )
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert "Foyer Horizon" in response.content.decode()


@pytest.mark.parametrize("url_name", ["organisations:list", "organisations:create"])
def test_non_administrators_cannot_manage_organisations(signed_in, police_referrer, url_name):
    assert signed_in(police_referrer).get(reverse(url_name)).status_code == 403


def test_non_administrators_cannot_change_an_organisation(signed_in, police_referrer):
    org = police_referrer.primary_organisation()
    client = signed_in(police_referrer)
    assert (
        client.post(
            reverse("organisations:transition", args=[org.pk]), {"event": "suspend", "reason": "x"}
        ).status_code
        == 403
    )
    org.refresh_from_db()
    assert org.status == OrganisationStatus.ACTIVE


def test_an_unknown_organisation_is_a_plain_404(signed_in, administrator):
    client = signed_in(administrator)
    url = reverse("organisations:detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(url).status_code == 404
