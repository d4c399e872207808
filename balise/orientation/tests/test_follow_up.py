"""Protection follow-up: support, rights, guardian, notes with visibility, closure, reopening;
retention purge."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.directory.models import Service
from balise.orientation import retention, services
from balise.orientation.enums import FileStatus, NoteVisibility
from balise.orientation.models import CaseNote, DangerLocation, SupportEvent, SupportFile
from balise.orientation.tests import factories as f
from balise.persons.models import Person
from tests import factories

pytestmark = pytest.mark.django_db


def _placed(person=None, places: int = 2):  # noqa: ANN001, ANN202
    officer = factories.case_officer()
    shelter = f.service(places=places)
    worker = f.staff(shelter)
    o = f.orientation(officer, person or f.adult(), shelter)
    return officer, worker, services.orientation_accept(acting_user=worker, orientation=o)


def test_support_rights_notes_close_and_reopen_through_the_pages(signed_in):
    officer, worker, support_file = _placed()
    client = signed_in(worker)
    url = lambda action: reverse("orientation:file_action", args=[support_file.pk, action])  # noqa: E731
    assert (
        client.post(
            url("event"),
            {
                "event-support_type": "health",
                "event-occurred_on": "2026-03-03",
                "event-description": "First medical appointment.",
            },
        ).status_code
        == 302
    )
    r = client.post(
        url("right"), {"right-kind": "compensation_claimed", "right-occurred_on": "2026-03-04"}
    )
    assert r.status_code == 400 and "amount" in r.content.decode().lower()
    client.post(
        url("right"),
        {
            "right-kind": "compensation_claimed",
            "right-occurred_on": "2026-03-04",
            "right-amount": "1500.00",
        },
    )
    client.post(url("note"), {"note-text": "Private to the shelter.", "note-visibility": "service"})
    client.post(url("note"), {"note-text": "Told the authority.", "note-visibility": "shared"})
    assert support_file.rights.get().amount == Decimal("1500.00")
    assert SupportEvent.objects.get(support_file=support_file).support_type == "health"
    # The authority sees shared notes only, and cannot write.
    page = signed_in(officer).get(reverse("orientation:file", args=[support_file.pk]))
    html = page.content.decode()
    assert "Told the authority." in html and "Private to the shelter." not in html
    assert signed_in(officer).post(url("event"), {}).status_code == 404
    # Close: the place is released.
    assert client.post(url("close"), {"close-reason": "support_completed"}).status_code == 302
    support_file.refresh_from_db()
    assert support_file.status == FileStatus.CLOSED and not support_file.place_held
    assert Service.objects.get(pk=support_file.service_id).places_booked == 0
    # A closed file takes no more support events.
    r = client.post(
        url("event"), {"event-support_type": "legal", "event-occurred_on": "2026-03-05"}
    )
    assert r.status_code == 400
    # Reopen, logged with its reason, takes a place again.
    assert client.post(url("reopen"), {"reopen-reason": "Came back."}).status_code == 302
    support_file.refresh_from_db()
    assert support_file.status == FileStatus.OPEN and support_file.place_held
    assert [(t.event, t.reason) for t in support_file.transitions.all()] == [
        ("close", "support_completed"),
        ("reopen", "Came back."),
    ]


def test_guardian_is_for_a_child_only_and_encrypted():
    _o, worker, adult_file = _placed()
    with pytest.raises(Exception, match="child"):
        services.guardian_set(acting_user=worker, support_file=adult_file, name="Me Dupont")
    officer = factories.case_officer()
    shelter = f.service(accepts_minors=True)
    staff = f.staff(shelter)
    o = f.orientation(officer, f.child(), shelter, consent_basis="minor", consent_recorded=False)
    child_file = services.orientation_accept(acting_user=staff, orientation=o)
    services.guardian_set(
        acting_user=staff, support_file=child_file, name="Me Dupont", organisation="ASE 33"
    )
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT guardian_name FROM orientation_supportfile WHERE id = %s",
            [child_file.pk.hex if connection.vendor == "sqlite" else child_file.pk],
        )
        raw = cur.fetchone()[0]
    assert "Dupont" not in str(raw)
    assert SupportFile.objects.get(pk=child_file.pk).guardian_name == "Me Dupont"


def test_other_shelters_cannot_see_a_file():
    _o, _w, support_file = _placed()
    outsider = f.staff(f.service(city="lyon"))
    from django.test import Client

    client = Client()
    client.force_login(outsider, backend="balise.accounts.backends.EmailBackend")
    s = client.session
    s["mfa_verified"] = True
    s.save()
    assert client.get(reverse("orientation:file", args=[support_file.pk])).status_code == 404


def test_retention_dry_run_then_apply_anonymises_and_audits():
    person = f.adult()
    start = datetime.datetime(2020, 1, 6, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        officer, worker, support_file = _placed(person)
        f.exploited_in(person, "paris", officer)
        services.support_event_add(
            acting_user=worker,
            support_file=support_file,
            support_type="legal",
            occurred_on=start.date(),
            description="Met the lawyer.",
        )
        services.note_add(
            acting_user=worker,
            support_file=support_file,
            text="Private.",
            visibility=NoteVisibility.SERVICE,
        )
        services.file_close(acting_user=worker, support_file=support_file, reason="moved_away")
    # One day short of the retention period (fr: 1825 days): nothing is due.
    with time_machine.travel(start + datetime.timedelta(days=1824), tick=False):
        assert retention.purge(apply=True).files == []
    with time_machine.travel(start + datetime.timedelta(days=1826), tick=False):
        call_command("purge_closed_support_files")  # dry run
        assert Person.objects.get(pk=person.pk).given_names == "Amina"
        assert not AuditEntry.objects.filter(action="purge").exists()
        from balise.orientation.tasks import purge_closed_support_files

        result = purge_closed_support_files.enqueue()
        assert result.return_value == {"files": 1, "persons": 1, "applied": 1}
    person.refresh_from_db()
    assert person.given_names is None and person.family_name is None
    assert person.birth_date is None and person.contact is None and person.name_index == ""
    support_file.refresh_from_db()
    assert support_file.anonymised_at is not None
    assert support_file.closure_reason == "moved_away"  # statistical field kept
    event = SupportEvent.objects.get(support_file=support_file)
    assert event.description is None and event.support_type == "legal"
    assert not CaseNote.objects.filter(support_file=support_file).exists()
    assert not DangerLocation.objects.filter(person=person).exists()
    purges = AuditEntry.objects.filter(action="purge")
    assert {e.object_type for e in purges} == {"orientation.supportfile", "persons.person"}


def test_a_person_with_an_open_file_keeps_their_identity():
    person = f.adult()
    start = datetime.datetime(2020, 1, 6, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _o, worker, old = _placed(person)
        services.file_close(acting_user=worker, support_file=old, reason="moved_away")
        _placed(person)  # still open
    with time_machine.travel(start + datetime.timedelta(days=2000), tick=False):
        report = retention.purge(apply=True)
    assert report.files == [str(old.pk)] and report.persons == []
    assert Person.objects.get(pk=person.pk).given_names == "Amina"
