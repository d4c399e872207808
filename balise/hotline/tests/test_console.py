"""The hotline console through HTTP: logging a call, closing it, following up, and who may not."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from balise.accounts.enums import Role
from balise.audit.models import AuditEntry
from balise.hotline.enums import CallStatus
from balise.hotline.models import Call, CallTransition
from balise.hotline.tests import factories as hf
from tests import factories

pytestmark = pytest.mark.django_db

CALL_POST = {
    "received_at": "2026-03-10T14:05",
    "duration_minutes": "18",
    "language": "ar",
    "caller_type": "victim",
    "situation_type": "suspected_trafficking",
    "exploitation_forms": ["domestic_servitude"],
    "region": "Grand Est",
    "urgency": "urgent",
    "advice_given": ["rights_information", "association"],
    "notes": "Passport kept by the employer; works 7 days a week.",
}


@time_machine.travel("2026-03-10 15:00:00+00:00", tick=False)
def test_operator_logs_a_call_with_encrypted_notes(signed_in):
    operator = hf.hotline_operator()
    client = signed_in(operator)
    response = client.post(reverse("hotline:call_create"), CALL_POST)
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:call_detail", args=[call.pk])
    assert call.operator == operator
    assert call.status == CallStatus.OPEN
    assert call.exploitation_forms == ["domestic_servitude"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM hotline_call WHERE id = %s", [call.pk.hex])
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores the UUID natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT notes FROM hotline_call WHERE id = %s", [call.pk])
            row = cursor.fetchone()
    assert "Passport" not in row[0]
    page = client.get(reverse("hotline:call_detail", args=[call.pk]))
    assert "Passport kept by the employer" in page.content.decode()
    assert AuditEntry.objects.filter(action="read", object_id=str(call.pk)).exists()


@time_machine.travel("2026-03-10 15:00:00+00:00", tick=False)
def test_bad_input_is_named_on_the_field(signed_in):
    client = signed_in(hf.hotline_operator())
    bad = dict(CALL_POST, received_at="2026-04-01T10:00", exploitation_forms=["nope"])
    bad["duration_minutes"] = "-3"
    response = client.post(reverse("hotline:call_create"), bad)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"exploitation_forms", "duration_minutes"} <= set(form.errors)
    disguised = dict(CALL_POST, notes="see file \u202egnp.exe")
    response = client.post(reverse("hotline:call_create"), disguised)
    assert "notes" in response.context["form"].errors
    assert "see file" in response.content.decode()  # what was typed is kept
    ok_but_future = dict(CALL_POST, received_at="2026-04-01T10:00")
    response = client.post(reverse("hotline:call_create"), ok_but_future)
    assert "received_at" in response.context["form"].errors
    assert not Call.objects.exists()


def test_close_with_advice_needs_advice_and_is_logged(signed_in):
    operator = hf.hotline_operator()
    call = hf.call_logged_by(operator)
    client = signed_in(operator)
    url = reverse("hotline:call_transition", args=[call.pk])
    client.post(url, {"event": "close_with_advice"})
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN  # no advice recorded yet
    call.advice_given = ["police"]
    call.save()
    client.post(url, {"event": "close_with_advice", "reason": "Caller will go to the police."})
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED_WITH_ADVICE
    log = CallTransition.objects.get(call=call)
    assert (log.from_state, log.to_state, log.actor) == ("open", "closed_with_advice", operator)
    # A closed call cannot be reopened for follow-up nor edited.
    client.post(url, {"event": "require_follow_up", "follow_up_due": "2099-01-01"})
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED_WITH_ADVICE
    response = client.post(reverse("hotline:call_detail", args=[call.pk]), CALL_POST)
    assert response.status_code == 403


@time_machine.travel("2026-03-10 09:00:00+00:00", tick=False)
def test_follow_up_lists_per_operator(signed_in):
    org = hf.hotline()
    julie, karim = hf.operator_at(org), hf.operator_at(org)
    mine = hf.call_logged_by(julie)
    theirs = hf.call_logged_by(karim)
    other = hf.call_logged_by(julie)
    client = signed_in(julie)
    for call in (mine, theirs):
        url = reverse("hotline:call_transition", args=[call.pk])
        response = client.post(url, {"event": "require_follow_up"})  # date missing
        call.refresh_from_db()
        assert call.status == CallStatus.OPEN
        client.post(url, {"event": "require_follow_up", "follow_up_due": "2026-03-12"})
        call.refresh_from_db()
        assert call.status == CallStatus.NEEDS_FOLLOW_UP
    response = client.get(reverse("hotline:follow_ups"))
    groups = response.context["groups"]
    assert [op for op, _calls in groups] == [julie, karim]
    assert groups[0][1] == [mine] and groups[1][1] == [theirs]
    assert other not in groups[0][1]
    assert "overdue" not in response.content.decode()
    # Two days later the follow-up is overdue (moved back rather than travelling, to keep the
    # session alive).
    Call.objects.filter(pk=mine.pk).update(follow_up_due=datetime.date(2026, 3, 9))
    assert "En retard" in client.get(reverse("hotline:follow_ups")).content.decode()
    client.post(reverse("hotline:call_transition", args=[mine.pk]), {"event": "close"})
    mine.refresh_from_db()
    assert mine.status == CallStatus.CLOSED


def test_call_log_filters(signed_in):
    operator = hf.hotline_operator()
    colleague = hf.operator_at(operator.organisations_with_role(Role.HOTLINE_OPERATOR)[0])
    urgent = hf.call_logged_by(operator, urgency="immediate", caller_type="victim")
    calm = hf.call_logged_by(operator, urgency="not_urgent")
    theirs = hf.call_logged_by(colleague, urgency="immediate")
    client = signed_in(operator)
    listed = lambda **q: list(client.get(reverse("hotline:call_list"), q).context["page"])  # noqa: E731
    assert set(listed()) == {urgent, calm, theirs}
    assert set(listed(urgency="immediate")) == {urgent, theirs}
    assert set(listed(urgency="immediate", mine="1")) == {urgent}
    assert set(listed(caller_type="victim")) == {urgent}


def test_operators_see_only_their_hotline(signed_in):
    operator = hf.hotline_operator()
    other_operator = hf.hotline_operator()
    foreign = hf.call_logged_by(other_operator)
    client = signed_in(operator)
    assert client.get(reverse("hotline:call_detail", args=[foreign.pk])).status_code == 404
    response = client.post(
        reverse("hotline:call_transition", args=[foreign.pk]), {"event": "close"}
    )
    assert response.status_code == 404
    assert foreign not in client.get(reverse("hotline:call_list")).context["page"]


@pytest.mark.parametrize(
    "make_user",
    [
        factories.referrer_at_police_unit,
        factories.case_officer,
        factories.shelter_support_worker,
        factories.administrator,
        # an operator role held in an organisation that is not a hotline
        lambda: factories.member(factories.organisation("ngo"), Role.HOTLINE_OPERATOR),
    ],
)
def test_non_operators_are_refused_every_page(signed_in, make_user):
    call = hf.call_logged_by(hf.hotline_operator())
    client = signed_in(make_user())
    for url in (
        reverse("hotline:call_list"),
        reverse("hotline:call_create"),
        reverse("hotline:follow_ups"),
        reverse("hotline:call_detail", args=[call.pk]),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("hotline:call_create"), CALL_POST)
    assert response.status_code == 403
    assert Call.objects.count() == 1


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("hotline:call_list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_follow_up_date_cannot_be_past(signed_in):
    operator = hf.hotline_operator()
    call = hf.call_logged_by(operator)
    yesterday = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    signed_in(operator).post(
        reverse("hotline:call_transition", args=[call.pk]),
        {"event": "require_follow_up", "follow_up_due": yesterday},
    )
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_console_is_translated(signed_in):
    operator = hf.hotline_operator()
    client = signed_in(operator)
    client.cookies["django_language"] = "ar"
    assert "سجل المكالمات" in client.get(reverse("hotline:call_list")).content.decode()
    client.cookies["django_language"] = "fr"
    assert "Journal des appels" in client.get(reverse("hotline:call_list")).content.decode()


def test_home_page_shows_the_console_to_operators_only(signed_in):
    operator_home = signed_in(hf.hotline_operator()).get(reverse("core:home")).content.decode()
    assert reverse("hotline:call_list") in operator_home
    assert reverse("public_reports:staff_list") in operator_home
    referrer_home = signed_in(factories.referrer_at_police_unit()).get(reverse("core:home"))
    assert reverse("hotline:call_list") not in referrer_home.content.decode()
    assert reverse("public_reports:staff_list") not in referrer_home.content.decode()
