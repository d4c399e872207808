"""The directory: who reads it, who keeps an entry and its places true."""

from __future__ import annotations

import pytest
from django.urls import reverse

from balise.accounts.enums import Role
from balise.audit.models import AuditEntry
from balise.directory.models import Service
from balise.orientation.tests import factories as f
from tests import factories

pytestmark = pytest.mark.django_db


def test_professionals_read_the_directory_others_do_not(signed_in):
    shelter = f.service(places=4)
    for user in (factories.case_officer(), factories.referrer_at_police_unit()):
        client = signed_in(user)
        page = client.get(reverse("directory:list"))
        assert page.status_code == 200 and shelter.name in page.content.decode()
        assert client.get(reverse("directory:detail", args=[shelter.pk])).status_code == 200
    client = signed_in(factories.statistician())
    assert client.get(reverse("directory:list")).status_code == 403
    assert client.get(reverse("directory:detail", args=[shelter.pk])).status_code == 404


def test_filters_by_kind_region_and_free_places(signed_in):
    full = f.service(places=1, places_occupied=1, name="Foyer complet")
    free = f.service(places=3, name="Foyer libre", city="lyon")
    legal = f.service("legal_aid", name="Aide juridique")
    client = signed_in(factories.case_officer())
    html = client.get(reverse("directory:list") + "?free=1").content.decode()
    assert free.name in html and full.name not in html and legal.name not in html
    html = client.get(reverse("directory:list") + "?kind=legal_aid").content.decode()
    assert legal.name in html and free.name not in html


def test_a_shelter_manager_keeps_their_own_places_and_no_one_elses(signed_in):
    shelter = f.service(places=4)
    manager = f.staff(shelter, Role.SHELTER_MANAGER)
    other = f.service(places=4, city="lyon")
    client = signed_in(manager)
    url = reverse("directory:places", args=[shelter.pk])
    data = {"total": 6, "occupied": 3, "reserved_quota": 2, "out_of_service": 1}
    assert client.post(url, data).status_code == 302
    shelter.refresh_from_db()
    assert (shelter.places_total, shelter.places_free, shelter.updated_by) == (6, 2, manager)
    assert AuditEntry.objects.filter(object_id=str(shelter.pk), action="update").exists()
    r = client.post(url, {**data, "occupied": 7})
    assert r.status_code == 200 and "must cover" in r.content.decode()
    assert client.get(reverse("directory:places", args=[other.pk])).status_code == 404
    assert client.get(reverse("directory:edit", args=[other.pk])).status_code == 404
    worker = signed_in(f.staff(shelter))
    assert worker.get(url).status_code == 404
    assert signed_in(factories.case_officer()).get(url).status_code == 404


def test_manager_edits_the_entry_and_the_last_update_shows(signed_in):
    shelter = f.service()
    manager = f.staff(shelter, Role.SHELTER_MANAGER)
    client = signed_in(manager)
    page = client.get(reverse("directory:edit", args=[shelter.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k != "exploitation_forms"}
    data.update(
        {
            "organisation": str(shelter.organisation_id),
            "name": "Foyer renommé",
            "languages_text": "fr, ro",
            "exploitation_forms": ["sexual"],
        }
    )
    for key in (
        "accepts_minors",
        "accepts_families",
        "wheelchair_accessible",
        "safe_relocation_partner",
    ):
        data.pop(key, None)
    r = client.post(reverse("directory:edit", args=[shelter.pk]), data)
    assert r.status_code == 302, r.context["form"].errors
    shelter = Service.objects.get(pk=shelter.pk)
    assert shelter.name == "Foyer renommé" and shelter.languages == ["fr", "ro"]
    assert shelter.exploitation_forms == ["sexual"]
    page = client.get(reverse("directory:detail", args=[shelter.pk])).content.decode()
    assert "Last updated" in page


def test_only_managers_and_administrators_add_services(signed_in):
    assert signed_in(factories.case_officer()).get(reverse("directory:new")).status_code == 403
    assert signed_in(factories.administrator()).get(reverse("directory:new")).status_code == 200
