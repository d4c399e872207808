"""The queue, the case and the dashboard through HTTP: allowed for the competent authority's
staff, 404 for everyone else."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from balise.accounts.enums import Role
from balise.identification.enums import CaseEvent as E
from balise.identification.enums import CaseState as S
from balise.identification.models import Case, CaseNote
from balise.identification.tests.factories import (
    decide,
    officer,
    reviewer,
    submitted_case,
    team_lead,
)
from balise.referrals.models import InformationRequest
from tests import factories

pytestmark = pytest.mark.django_db


def outsiders():
    """Everyone who must not see the queue: referrers (even of the case), a shelter, the
    observatory, an administrator, a case officer of a non-authority organisation."""
    return [
        factories.referrer_at_police_unit(),
        factories.shelter_support_worker(),
        factories.statistician(),
        factories.administrator(),
        factories.member(factories.organisation("police"), Role.CASE_OFFICER),
    ]


def test_outsiders_get_404_on_every_page(signed_in):
    case = submitted_case()
    referrer = case.case_referrals.get().referral.referrer
    urls = [
        reverse("identification:queue"),
        reverse("identification:dashboard"),
        reverse("identification:case", args=[case.pk]),
    ]
    posts = [
        reverse(f"identification:{name}", args=[case.pk])
        for name in ("event", "assign", "note", "information", "link", "guardian")
    ]
    for user in [referrer, *outsiders()]:
        client = signed_in(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"event": "start_assessment", "text": "x"}).status_code == 404
    case.refresh_from_db()
    assert case.state == S.RECEIVED
    assert not CaseNote.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    case = submitted_case()
    response = client.get(reverse("identification:case", args=[case.pk]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_unknown_case_and_a_garbage_id_answer_404(signed_in):
    client = signed_in(officer())
    assert client.get(
        "/identification/cases/00000000-0000-0000-0000-000000000000/"
    ).status_code == (404)


def test_the_queue_shows_urgency_deadline_and_overdue(signed_in):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC)):
        late = submitted_case(exploitation_region="Normandie")
    child = submitted_case(child=True, exploitation_forms=["forced_begging"])
    client = signed_in(officer())
    response = client.get(reverse("identification:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert late.reference in body and child.reference in body
    # The child comes first (urgency), the late case stands out.
    assert body.index(child.reference) < body.index(late.reference)
    assert 'class="overdue"' in body
    assert "tag-minor" in body

    def refs(**params):
        page = client.get(reverse("identification:queue"), params).content.decode()
        return {c.reference for c in (late, child) if c.reference in page}

    assert refs(urgency="minor") == {child.reference}
    assert refs(urgency="danger") == set()
    assert refs(overdue="1") == {late.reference}
    assert refs(region="Normandie") == {late.reference}
    assert refs(form="forced_begging") == {child.reference}
    assert refs(form="domestic_servitude") == {late.reference}
    assert refs(referrer=str(child.referring_organisation_id)) == {child.reference}
    assert refs(referrer="not-a-uuid") == set()
    assert refs(stage="reflection_period") == set()
    assert refs(assigned="none") == {late.reference, child.reference}
    assert refs(sort="-deadline") == {late.reference, child.reference}


def test_a_case_through_both_decisions_over_http(signed_in):
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    with time_machine.travel(datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)):
        case = submitted_case()
        c = signed_in(off)
        url = reverse("identification:event", args=[case.pk])
        assert c.post(url, {"event": "start_assessment"}).status_code == 302
        # A decision without reasons names each faulty field.
        response = c.post(url, {"event": "preliminary_positive"})
        assert response.status_code == 400
        form = response.context["event_form"]
        assert set(form.errors) == {"reasons", "grounds", "evidence"}
        response = c.post(
            url,
            {
                "event": "preliminary_positive",
                "reasons": "Consistent account.",
                "grounds": ["act_established"],
                "evidence": ["interview"],
            },
        )
        assert response.status_code == 302
        page = c.get(reverse("identification:case", args=[case.pk])).content.decode()
        assert "tag-protected" in page
        # Too early for the conclusive decision: refused with a clear message.
        response = c.post(
            url,
            {
                "event": "conclusive_negative",
                "reasons": "No purpose.",
                "grounds": ["purpose_not_established"],
                "evidence": ["interview"],
            },
        )
        assert response.status_code == 400
        assert "2025-02-05" in response.content.decode()
    with time_machine.travel(datetime.datetime(2025, 2, 10, 9, tzinfo=datetime.UTC)):
        c = signed_in(off)  # a fresh session: the January one has expired
        response = c.post(
            url,
            {
                "event": "conclusive_negative",
                "reasons": "No purpose.",
                "grounds": ["purpose_not_established"],
                "evidence": ["interview"],
            },
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("identification:case", args=[case.pk])
        # The officer is offered no review; the reviewer is.
        assert (
            "send_back_conclusive"
            not in c.get(reverse("identification:case", args=[case.pk])).content.decode()
        )
        r = signed_in(rev)
        assert (
            "send_back_conclusive"
            in r.get(reverse("identification:case", args=[case.pk])).content.decode()
        )
        assert (
            r.post(
                url, {"event": "send_back_conclusive", "reasons": "Weigh the interview."}
            ).status_code
            == 302
        )
        case.refresh_from_db()
        assert case.state == S.REFLECTION_PERIOD
        # An impossible step over HTTP is refused, not crashed.
        response = c.post(url, {"event": "start_assessment"})
        assert response.status_code == 400


def test_assigning_is_for_team_leads(signed_in):
    off = officer()
    lead = team_lead(org=off.primary_organisation())
    case = submitted_case()
    url = reverse("identification:assign", args=[case.pk])
    assert signed_in(off).post(url, {"assignee": off.pk}).status_code == 403
    assert signed_in(lead).post(url, {"assignee": off.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == off
    page = signed_in(off).get(reverse("identification:queue"), {"assigned": "me"})
    assert case.reference in page.content.decode()


def test_private_notes_are_encrypted_and_shown_to_staff(signed_in):
    from django.db import connection

    off = officer()
    case = submitted_case()
    c = signed_in(off)
    c.post(reverse("identification:note", args=[case.pk]), {"text": "Called the shelter."})
    assert (
        "Called the shelter."
        in c.get(reverse("identification:case", args=[case.pk])).content.decode()
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM identification_casenote")
        (stored,) = cursor.fetchone()
    assert "Called the shelter" not in str(stored)


def test_asking_the_referrer_for_information(signed_in):
    off = officer()
    case = submitted_case()
    referral = case.case_referrals.get().referral
    response = signed_in(off).post(
        reverse("identification:information", args=[case.pk]),
        {"referral": str(referral.pk), "question": "Is she safe tonight?"},
    )
    assert response.status_code == 302
    request = InformationRequest.objects.get(referral=referral)
    assert request.question == "Is she safe tonight?"
    assert referral.alerts.filter(user=referral.referrer, kind="information_requested").exists()


def test_linking_and_recording_a_guardian_over_http(signed_in):
    off = officer()
    existing = submitted_case()
    child = submitted_case(child=True)
    c = signed_in(off)
    response = c.post(
        reverse("identification:guardian", args=[child.pk]),
        {"name": "Mme Tutrice", "contact": "01 00 00 00 00"},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.guardian_name == "Mme Tutrice"
    response = c.post(reverse("identification:link", args=[child.pk]), {"into": "CAS-NONE-XXXX"})
    assert response.status_code == 400
    response = c.post(
        reverse("identification:link", args=[child.pk]), {"into": existing.reference.lower()}
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=child.pk).state == S.MERGED
    assert existing.case_referrals.count() == 2


def test_the_delay_dashboard_for_team_leads(signed_in):
    off = officer()
    lead = team_lead(org=off.primary_organisation())
    with time_machine.travel(datetime.datetime(2025, 1, 6, 9, tzinfo=datetime.UTC)):
        fast = submitted_case()
        slow = submitted_case()
    with time_machine.travel(datetime.datetime(2025, 1, 8, 9, tzinfo=datetime.UTC)):
        decide(fast, off, E.START_ASSESSMENT)
        decide(fast, off, E.PRELIMINARY_POSITIVE)
    with time_machine.travel(datetime.datetime(2025, 2, 5, 9, tzinfo=datetime.UTC)):
        decide(slow, off, E.START_ASSESSMENT)
    with time_machine.travel(datetime.datetime(2025, 3, 5, 9, tzinfo=datetime.UTC)):
        decide(slow, off, E.PRELIMINARY_POSITIVE)
        response = signed_in(lead).get(reverse("identification:dashboard"))
        assert signed_in(off).get(reverse("identification:dashboard")).status_code == 404
    assert response.status_code == 200
    data = response.context["data"]
    received = next(s for s in data["stages"] if s["state"] == "received")
    assert received["finished"] == 2
    assert received["median_days"] == 16.0  # 2 and 30 days
    assert received["p90_days"] == 27.2
    months = {m["month"]: m for m in data["trend"]}
    assert months["2025-01"]["median_days"] == 2.0
    assert months["2025-03"]["median_days"] == 58.0
    body = response.content.decode()
    assert "<svg" in body and "<table" in body
    caption = body[body.index("<figcaption>") : body.index("</figcaption>")]
    assert "2025-03" in caption and ("58.0" in caption or "58,0" in caption)
    assert "2025-02" not in caption  # no decision that month


def test_the_home_page_offers_the_queue_to_staff_only(signed_in):
    lead = team_lead()
    home = signed_in(lead).get("/").content.decode()
    assert reverse("identification:queue") in home
    assert reverse("identification:dashboard") in home
    officer_home = signed_in(officer()).get("/").content.decode()
    assert reverse("identification:queue") in officer_home
    assert reverse("identification:dashboard") not in officer_home
    referrer_home = signed_in(factories.referrer_at_police_unit()).get("/").content.decode()
    assert reverse("identification:queue") not in referrer_home
