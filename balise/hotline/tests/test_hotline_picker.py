"""An operator of several hotlines chooses which one a call is logged under (page and API);
an operator of one is not asked; nobody logs a call under a hotline they do not answer for."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from balise.accounts.enums import Role
from balise.accounts.models import Membership
from balise.audit.models import AuditEntry
from balise.hotline.models import Call
from balise.hotline.tests import factories as hf
from balise.hotline.tests.test_api import PAYLOAD
from balise.hotline.tests.test_console import CALL_POST

pytestmark = pytest.mark.django_db

API = "/api/v1/hotline/calls/"
NOW = "2026-03-10 15:00:00+00:00"


def two_hotline_operator():
    first, second = hf.hotline(), hf.hotline()
    operator = hf.operator_at(first)
    Membership.objects.create(user=operator, organisation=second, role=Role.HOTLINE_OPERATOR)
    return operator, first, second


@time_machine.travel(NOW, tick=False)
def test_operator_of_several_hotlines_picks_one_on_the_page(signed_in):
    operator, first, second = two_hotline_operator()
    client = signed_in(operator)
    page = client.get(reverse("hotline:call_create")).content.decode()
    assert 'name="hotline"' in page and first.name in page and second.name in page
    missing = client.post(reverse("hotline:call_create"), CALL_POST)
    assert missing.status_code == 200 and not Call.objects.exists()
    assert "hotline" in missing.context["form"].errors
    response = client.post(reverse("hotline:call_create"), {**CALL_POST, "hotline": second.pk})
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.hotline == second
    entry = AuditEntry.objects.get(action="create", object_id=str(call.pk))
    assert entry.organisation_id == second.pk


@time_machine.travel(NOW, tick=False)
def test_a_hotline_one_does_not_answer_for_is_refused_on_the_page(signed_in):
    operator, _first, _second = two_hotline_operator()
    elsewhere = hf.hotline()
    client = signed_in(operator)
    response = client.post(reverse("hotline:call_create"), {**CALL_POST, "hotline": elsewhere.pk})
    assert response.status_code == 200
    assert "hotline" in response.context["form"].errors
    assert not Call.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_operator_of_one_hotline_is_not_asked(signed_in):
    operator = hf.hotline_operator()
    client = signed_in(operator)
    assert 'name="hotline"' not in client.get(reverse("hotline:call_create")).content.decode()
    assert client.post(reverse("hotline:call_create"), CALL_POST).status_code == 302
    assert Call.objects.get().hotline == operator.organisations_with_role("hotline_operator")[0]


def test_api_operator_of_several_hotlines_must_name_one_of_theirs(api_client_for):
    operator, first, second = two_hotline_operator()
    api = api_client_for(operator)
    missing = api.post(API, PAYLOAD, format="json")
    assert missing.status_code == 400 and "hotline" in missing.json()
    elsewhere = hf.hotline()
    foreign = api.post(API, {**PAYLOAD, "hotline": str(elsewhere.pk)}, format="json")
    assert foreign.status_code == 400 and "hotline" in foreign.json()
    assert not Call.objects.exists()
    created = api.post(API, {**PAYLOAD, "hotline": str(second.pk)}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["hotline"] == str(second.pk)
    # The hotline cannot be changed afterwards.
    call_id = created.json()["id"]
    api.patch(f"{API}{call_id}/", {"hotline": str(first.pk)}, format="json")
    assert Call.objects.get(pk=call_id).hotline == second


def test_api_operator_of_one_hotline_may_leave_it_out(api_client_for):
    operator = hf.hotline_operator()
    created = api_client_for(operator).post(API, PAYLOAD, format="json")
    assert created.status_code == 201
    assert Call.objects.get().hotline == operator.organisations_with_role("hotline_operator")[0]
