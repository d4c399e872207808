"""Sending, answering, reminders and expiry of orientation requests, and need-to-know."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from balise.accounts.enums import Role
from balise.audit.models import AuditEntry
from balise.directory.enums import ServiceKind
from balise.directory.models import Service
from balise.orientation import services
from balise.orientation.enums import ConsentBasis, OrientationStatus, SharedField
from balise.orientation.models import OrientationRequest, SharingConsent, SupportFile
from balise.orientation.tests import factories as f
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return factories.case_officer()


def test_an_adults_data_is_not_shared_without_recorded_consent(officer):
    person = f.adult()
    shelter = f.service()
    with pytest.raises(ValidationError) as e:
        f.orientation(officer, person, shelter, consent_recorded=False)
    assert "consent_recorded" in e.value.message_dict
    o = f.orientation(officer, person, shelter)
    assert o.consent_basis == ConsentBasis.CONSENT
    assert SharingConsent.objects.get(person=person).organisation == shelter.organisation


def test_minor_basis_is_refused_for_an_adult_and_accepted_for_a_child(officer):
    shelter = f.service(accepts_minors=True)
    with pytest.raises(ValidationError):
        f.orientation(officer, f.adult(), shelter, consent_basis=ConsentBasis.MINOR)
    o = f.orientation(officer, f.child(), shelter, consent_basis=ConsentBasis.MINOR)
    assert o.consent is None


def test_emergency_override_needs_a_team_lead_and_a_justification_and_is_audited(officer):
    person, shelter = f.adult(), f.service()
    kw = {"consent_basis": ConsentBasis.EMERGENCY_OVERRIDE, "consent_recorded": False}
    with pytest.raises(PermissionDenied):
        f.orientation(officer, person, shelter, override_justification="x" * 40, **kw)
    lead = factories.member(factories.competent_authority(), Role.TEAM_LEAD)
    with pytest.raises(ValidationError) as e:
        f.orientation(lead, person, shelter, override_justification="urgent", **kw)
    assert "override_justification" in e.value.message_dict
    o = f.orientation(
        lead, person, shelter, override_justification="Threats tonight, must leave now.", **kw
    )
    assert AuditEntry.objects.filter(action="consent_override", object_id=str(o.pk)).exists()


def test_a_shelter_never_receives_the_narrative(officer):
    with pytest.raises(ValidationError) as e:
        f.orientation(
            officer, f.adult(), f.service(), shared_fields=[SharedField.NARRATIVE, SharedField.AGE]
        )
    assert "shared_fields" in e.value.message_dict
    legal = f.service(ServiceKind.LEGAL_AID)
    o = f.orientation(officer, f.adult(), legal, need="legal", shared_fields=["narrative"])
    assert o.shared_fields == ["narrative"]


def test_safe_relocation_refuses_a_service_too_close_to_the_place_of_exploitation(officer):
    person = f.adult()
    f.exploited_in(person, "paris", officer)
    near = f.service(city="versailles")
    far = f.service(city="bordeaux")
    with pytest.raises(ValidationError) as e:
        f.orientation(officer, person, near, safe_relocation=True)
    assert "services" in e.value.message_dict
    o = f.orientation(officer, person, far, safe_relocation=True)
    assert o.distance_km > 450
    # The minimum distance can be overridden.
    assert f.orientation(officer, person, near, safe_relocation=True, min_distance_km=5)


def test_only_authority_staff_or_allowed_support_workers_send(settings):
    person, shelter = f.adult(), f.service()
    with pytest.raises(PermissionDenied):
        f.orientation(factories.referrer_at_police_unit(), person, shelter)
    worker = factories.shelter_support_worker()
    assert f.orientation(worker, person, shelter)  # fr: orientation_by_support_worker


def test_service_sees_only_shared_fields_and_accepts_into_a_placement(
    officer, signed_in, django_capture_on_commit_callbacks
):
    person = f.adult()
    shelter = f.service(places=1)
    worker = f.staff(shelter)
    with django_capture_on_commit_callbacks(execute=True):
        o = f.orientation(officer, person, shelter, shared_fields=[SharedField.GIVEN_NAMES])
    assert mail.outbox[-1].to == [worker.email]
    assert mail.outbox and "Amina" not in mail.outbox[-1].body
    page = signed_in(worker).get(reverse("orientation:detail", args=[o.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Amina" in html
    assert "Exemple" not in html  # family name not shared
    assert "via the association" not in html
    assert AuditEntry.objects.filter(action="read", object_id=str(o.pk)).exists()
    r = signed_in(worker).post(reverse("orientation:accept", args=[o.pk]))
    support_file = SupportFile.objects.get(orientation=o)
    assert r.status_code == 302 and r["Location"].endswith(f"/files/{support_file.pk}/")
    shelter.refresh_from_db()
    assert shelter.places_booked == 1 and shelter.places_free == 0
    o.refresh_from_db()
    assert o.status == OrientationStatus.ACCEPTED
    assert [t.event for t in o.transitions.all()] == ["send", "accept"]


def test_the_last_place_gone_gives_a_clear_refusal(officer, signed_in):
    shelter = f.service(places=1)
    worker = f.staff(shelter)
    first = f.orientation(officer, f.adult(), shelter)
    second = f.orientation(officer, f.adult(given_names="Zoé"), shelter)
    services.orientation_accept(acting_user=worker, orientation=first)
    r = signed_in(worker).post(reverse("orientation:accept", args=[second.pk]), follow=True)
    assert "No free place is left" in r.content.decode()
    second.refresh_from_db()
    assert second.status == OrientationStatus.PENDING
    assert Service.objects.get(pk=shelter.pk).places_booked == 1


def test_declined_service_loses_access_at_once(officer, signed_in, api_client_for):
    shelter = f.service()
    worker = f.staff(shelter)
    o = f.orientation(officer, f.adult(), shelter)
    client = signed_in(worker)
    assert client.get(reverse("orientation:detail", args=[o.pk])).status_code == 200
    r = client.post(reverse("orientation:decline", args=[o.pk]), {"reason": "other"})
    assert r.status_code == 400  # "other" needs details
    r = client.post(reverse("orientation:decline", args=[o.pk]), {"reason": "no_place"})
    assert r.status_code == 302
    assert client.get(reverse("orientation:detail", args=[o.pk])).status_code == 404
    assert api_client_for(worker).get(f"/api/v1/orientations/{o.pk}/").status_code == 404
    # The sender sees the outcome.
    page = signed_in(officer).get(reverse("orientation:detail", args=[o.pk])).content.decode()
    assert "No place" in page


def test_other_services_and_outsiders_get_404(officer, signed_in):
    shelter = f.service()
    o = f.orientation(officer, f.adult(), shelter)
    other_worker = f.staff(f.service(city="lyon"))
    for user in (other_worker, factories.statistician(), factories.referrer_at_association()):
        client = signed_in(user)
        assert client.get(reverse("orientation:detail", args=[o.pk])).status_code == 404
        assert client.post(reverse("orientation:accept", args=[o.pk])).status_code == 404
    assert OrientationRequest.objects.get(pk=o.pk).status == OrientationStatus.PENDING


def test_referrer_sees_the_outcome_of_orientations_from_their_referral(officer, signed_in):
    from balise.referrals.tests.factories import submitted

    referrer = factories.referrer_at_police_unit()
    referral = submitted(referrer)
    shelter = f.service()
    o = f.orientation(officer, referral.person, shelter, referral=referral)
    services.orientation_accept(acting_user=f.staff(shelter), orientation=o)
    page = signed_in(referrer).get(reverse("orientation:detail", args=[o.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Accepted" in html
    assert "Amina" not in html and "History" not in html


def test_reminders_escalate_then_expire(django_capture_on_commit_callbacks):
    officer = factories.case_officer()
    shelter = f.service()
    worker = f.staff(shelter)
    manager = f.staff(shelter, Role.SHELTER_MANAGER)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        o = f.orientation(officer, f.adult(), shelter)
    mail.outbox.clear()
    for days, audience, recipients in (
        (1, None, set()),
        (2, "service", {worker.email, manager.email}),
        (4, "manager", {manager.email}),
        (6, "sender", {officer.email}),
    ):
        with time_machine.travel(start + datetime.timedelta(days=days, hours=1), tick=False):
            with _captured() as sent, django_capture_on_commit_callbacks(execute=True):
                counts = services.remind_pending()
        if audience is None:
            assert sum(counts.values()) == 0
        else:
            assert counts[audience] == 1
            assert {a for m in sent for a in m.to} == recipients
    with time_machine.travel(start + datetime.timedelta(days=6, hours=2), tick=False):
        assert sum(services.remind_pending().values()) == 0  # idempotent
    with time_machine.travel(start + datetime.timedelta(days=10, hours=1), tick=False):
        assert services.remind_pending()["expire"] == 1
    o.refresh_from_db()
    assert o.status == OrientationStatus.EXPIRED
    assert o.transitions.last().event == "expire"


class _captured:
    def __enter__(self):  # noqa: ANN204
        self.start = len(mail.outbox)
        self.sent: list = []
        return self.sent

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.sent.extend(mail.outbox[self.start :])


def test_orientation_pages_for_the_officer(officer, signed_in):
    person = f.adult()
    f.exploited_in(person, "paris", officer)
    near = f.service(city="versailles")
    far = f.service(city="bordeaux")
    from balise.referrals.tests.factories import submitted

    referral = submitted(factories.referrer_at_police_unit())
    client = signed_in(officer)
    # Without a referral the officer cannot reach a person they do not see.
    assert client.get(reverse("orientation:new", args=[person.pk])).status_code == 404
    url = reverse("orientation:new", args=[referral.person_id]) + f"?referral={referral.pk}"
    client.post(
        reverse("orientation:danger", args=[referral.person_id]),
        {"d-kind": "exploitation_place", "d-latitude": 48.8566, "d-longitude": 2.3522},
    )
    page = client.get(url + "&s-need=shelter&s-safe_relocation=on&s-min_distance_km=200")
    assert page.status_code == 200
    html = page.content.decode()
    assert far.name in html.split('id="suggestions"')[1].split("</table>")[0]
    assert near.name not in html.split('id="suggestions"')[1].split("</table>")[0]
    r = client.post(
        url,
        {
            "services": [str(far.pk)],
            "need": "shelter",
            "safe_relocation": "on",
            "shared_fields": ["age", "languages"],
            "consent_basis": "consent",
            "consent_recorded": "on",
            "referral": str(referral.pk),
        },
    )
    assert r.status_code == 302
    o = OrientationRequest.objects.get(person=referral.person)
    assert o.referral == referral and o.service == far


def test_list_page_access(officer, signed_in):
    assert signed_in(officer).get(reverse("orientation:list")).status_code == 200
    assert signed_in(factories.statistician()).get(reverse("orientation:list")).status_code == 403
