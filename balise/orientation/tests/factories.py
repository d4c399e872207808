"""Orientation situations: shelters far from and near to a place of exploitation, an adult who
agreed to sharing, a child, an orientation awaiting an answer…"""

from __future__ import annotations

import datetime
from typing import Any

from balise.accounts.enums import Role
from balise.directory.enums import ServiceKind
from balise.directory.models import Service
from balise.organisations.enums import OrganisationKind
from balise.orientation import services
from balise.orientation.enums import ConsentBasis, DangerKind, SharedField
from balise.persons.models import Person
from tests import factories

CITIES: dict[str, tuple[float, float, str]] = {
    "paris": (48.8566, 2.3522, "Île-de-France"),
    "lyon": (45.7640, 4.8357, "Auvergne-Rhône-Alpes"),
    "marseille": (43.2965, 5.3698, "Provence-Alpes-Côte d'Azur"),
    "lille": (50.6292, 3.0573, "Hauts-de-France"),
    "bordeaux": (44.8378, -0.5792, "Nouvelle-Aquitaine"),
    "rennes": (48.1173, -1.6778, "Bretagne"),
    "versailles": (48.8049, 2.1204, "Île-de-France"),
}


def service(
    kind: str = ServiceKind.SHELTER,
    *,
    city: str = "bordeaux",
    places: int = 5,
    organisation=None,  # noqa: ANN001
    **kw: Any,
) -> Service:
    lat, lon, region = CITIES[city]
    org = organisation or factories.organisation(
        OrganisationKind.SHELTER if kind == ServiceKind.SHELTER else OrganisationKind.NGO,
        region=region,
    )
    defaults: dict[str, Any] = {
        "organisation": org,
        "name": f"{kind.title()} {city.title()} {Service.objects.count() + 1}",
        "kind": kind,
        "region": region,
        "city": city.title(),
        "latitude": lat,
        "longitude": lon,
        "places_total": places if kind == ServiceKind.SHELTER else 0,
        "languages": ["fr", "en"],
    }
    defaults.update(kw)
    return Service.objects.create(**defaults)


def staff(svc: Service, role: str = Role.SUPPORT_WORKER):  # noqa: ANN201
    return factories.member(svc.organisation, role)


def adult(**kw: Any) -> Person:
    data: dict[str, Any] = {
        "given_names": "Amina",
        "family_name": "Exemple",
        "birth_date": datetime.date(1995, 4, 12),
        "gender": "feminine",
        "nationalities": ["NGA"],
        "languages": ["en"],
        "contact": "via the association only",
    }
    data.update(kw)
    return Person.objects.create(**data)


def child(**kw: Any) -> Person:
    data: dict[str, Any] = {
        "given_names": "Yanis",
        "family_name": "Exemple",
        "birth_date": None,
        "estimated_birth_year": datetime.date.today().year - 15,
        "gender": "masculine",
        "languages": ["fr"],
    }
    data.update(kw)
    return Person.objects.create(**data)


def exploited_in(person: Person, city: str, officer) -> None:  # noqa: ANN001
    lat, lon, _region = CITIES[city]
    services.danger_location_add(
        acting_user=officer,
        person=person,
        kind=DangerKind.EXPLOITATION_PLACE,
        latitude=lat,
        longitude=lon,
    )


def orientation(officer, person: Person, svc: Service, **kw: Any):  # noqa: ANN001, ANN201
    data: dict[str, Any] = {
        "services": [svc],
        "need": "shelter",
        "shared_fields": [SharedField.GIVEN_NAMES, SharedField.AGE, SharedField.LANGUAGES],
        "consent_basis": ConsentBasis.CONSENT,
        "consent_recorded": True,
    }
    referral = kw.pop("referral", None)
    data.update(kw)
    return services.orientation_send(
        acting_user=officer,
        person=person,
        data=services.OrientationInput(**data),
        referral=referral,
    )[0]
