"""Demo directory and orientations: about twenty services across French regions (fictitious,
marked « (démo) »), a few fictitious people and orientations in every state."""

from __future__ import annotations

import datetime

from django.utils import timezone

from balise.demo.data import DEMO_DOMAIN, DemoContext, register
from balise.directory.enums import ServiceKind as K
from balise.directory.models import Service
from balise.organisations import services as org_services
from balise.organisations.enums import OrganisationKind
from balise.organisations.models import Organisation

# (name, kind, org key or new org kind, region, city, lat, lon, places, extra)
SERVICES = [
    (
        "Foyer Les Tilleuls — Bordeaux",
        K.SHELTER,
        "shelter",
        "Nouvelle-Aquitaine",
        "Bordeaux",
        44.8378,
        -0.5792,
        8,
        {"safe_relocation_partner": True, "languages": ["fr", "en", "es"]},
    ),
    (
        "Foyer Les Tilleuls — Poitiers",
        K.SHELTER,
        "shelter",
        "Nouvelle-Aquitaine",
        "Poitiers",
        46.5802,
        0.3404,
        4,
        {"languages": ["fr", "ro"]},
    ),
    (
        "Maison d'accueil du Nord — Lille",
        K.SHELTER,
        "shelter_north",
        "Hauts-de-France",
        "Lille",
        50.6292,
        3.0573,
        6,
        {"accepts_men": False, "languages": ["fr", "en", "bg"]},
    ),
    (
        "Accompagner et Protéger — permanence",
        K.SPECIALISED_ASSOCIATION,
        "association",
        "Provence-Alpes-Côte d'Azur",
        "Marseille",
        43.2965,
        5.3698,
        0,
        {"languages": ["fr", "ar", "en"]},
    ),
    (
        "ASE du Rhône — accueil d'urgence",
        K.CHILD_PROTECTION,
        "child_protection",
        "Auvergne-Rhône-Alpes",
        "Lyon",
        45.7640,
        4.8357,
        5,
        {"accepts_adults": False, "accepts_minors": True},
    ),
    (
        "Foyer Cap Bretagne",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Bretagne",
        "Rennes",
        48.1173,
        -1.6778,
        5,
        {"safe_relocation_partner": True, "accepts_families": True},
    ),
    (
        "Foyer du Rhin",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Grand Est",
        "Strasbourg",
        48.5734,
        7.7521,
        4,
        {"languages": ["fr", "de", "ro"]},
    ),
    (
        "Foyer Garonne",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Occitanie",
        "Toulouse",
        43.6047,
        1.4442,
        6,
        {"safe_relocation_partner": True, "languages": ["fr", "es", "pt"]},
    ),
    (
        "Maison Loire-Atlantique",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Pays de la Loire",
        "Nantes",
        47.2184,
        -1.5536,
        3,
        {"accepts_women": False, "accepts_men": True},
    ),
    (
        "Foyer Bourgogne",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Bourgogne-Franche-Comté",
        "Dijon",
        47.3220,
        5.0415,
        2,
        {"wheelchair_accessible": True},
    ),
    (
        "Foyer Normandie Accueil",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Normandie",
        "Caen",
        49.1829,
        -0.3707,
        3,
        {"languages": ["fr", "en", "zh"]},
    ),
    (
        "Foyer Val de Loire",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Centre-Val de Loire",
        "Tours",
        47.3941,
        0.6848,
        2,
        {},
    ),
    (
        "Foyer Corse Accueil",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Corse",
        "Ajaccio",
        41.9192,
        8.7386,
        2,
        {"safe_relocation_partner": True},
    ),
    (
        "Foyer Île-de-France Solidarité",
        K.SHELTER,
        OrganisationKind.SHELTER,
        "Île-de-France",
        "Paris",
        48.8566,
        2.3522,
        10,
        {"languages": ["fr", "en", "ar", "zh"]},
    ),
    (
        "Droits des victimes — Paris",
        K.LEGAL_AID,
        OrganisationKind.NGO,
        "Île-de-France",
        "Paris",
        48.8606,
        2.3376,
        0,
        {"languages": ["fr", "en"]},
    ),
    (
        "Aide juridique Méditerranée",
        K.LEGAL_AID,
        OrganisationKind.NGO,
        "Provence-Alpes-Côte d'Azur",
        "Nice",
        43.7102,
        7.2620,
        0,
        {},
    ),
    (
        "Centre de santé Saint-Roch",
        K.HEALTH,
        OrganisationKind.HEALTH,
        "Occitanie",
        "Montpellier",
        43.6108,
        3.8767,
        0,
        {},
    ),
    (
        "Écoute et soin psychotraumatique",
        K.PSYCHOLOGICAL,
        OrganisationKind.HEALTH,
        "Auvergne-Rhône-Alpes",
        "Grenoble",
        45.1885,
        5.7245,
        0,
        {"languages": ["fr", "en", "ar"]},
    ),
    (
        "Interprètes solidaires",
        K.INTERPRETER,
        OrganisationKind.NGO,
        "Île-de-France",
        "Paris",
        48.8530,
        2.3499,
        0,
        {"languages": ["fr", "en", "ro", "bg", "zh", "ar", "es", "pt", "tl"]},
    ),
    (
        "Programme de retour volontaire",
        K.REPATRIATION,
        OrganisationKind.OTHER,
        "Île-de-France",
        "Paris",
        48.8470,
        2.3900,
        0,
        {},
    ),
]

PEOPLE = [
    ("Awa", "Démo-Diop", "feminine", ["fr", "wo"], 1997),
    ("Ioana", "Démo-Popescu", "feminine", ["ro"], 2000),
    ("Li", "Démo-Wang", "feminine", ["zh"], 1990),
    ("Mateo", "Démo-Silva", "masculine", ["pt", "es"], 1988),
    ("Grace", "Démo-Okafor", "feminine", ["en"], 1999),
    ("Elena", "Démo-Ivanova", "feminine", ["bg"], 1995),
    ("Samir", "Démo-Haddad", "masculine", ["ar", "fr"], 1993),
]


def _organisation(key_or_kind: str, name: str, region: str, ctx: DemoContext) -> Organisation:
    if key_or_kind in ctx.orgs:
        return ctx.orgs[key_or_kind]
    org_name = f"{name} (démo)"
    org = Organisation.objects.filter(name=org_name).first()
    if org is None:
        org = org_services.organisation_create(
            acting_user=None,
            name=org_name,
            kind=key_or_kind,
            region=region,
            contact_email=f"contact@{DEMO_DOMAIN}",
        )
    return org


@register
def build(ctx: DemoContext) -> None:
    from balise.orientation import lifecycle, services
    from balise.orientation.enums import DangerKind, SharedField
    from balise.orientation.models import OrientationRequest
    from balise.persons.models import Person

    if Service.objects.filter(name__endswith="(démo)").exists():
        return
    made: dict[str, Service] = {}
    for name, kind, owner, region, city, lat, lon, places, extra in SERVICES:
        occupied = ctx.rng.randint(0, max(0, places - 2)) if places else 0
        made[name] = Service.objects.create(
            organisation=_organisation(owner, name, region, ctx),
            name=f"{name} (démo)",
            kind=kind,
            region=region,
            city=city,
            latitude=lat,
            longitude=lon,
            places_total=places,
            places_occupied=occupied,
            places_reserved_quota=min(2, places),
            contact_name="Accueil (démo)",
            contact_email=f"accueil@{DEMO_DOMAIN}",
            contact_phone="+33 1 00 00 00 00",
            updated_at=timezone.now() - datetime.timedelta(days=ctx.rng.randint(0, 40)),
            **{"languages": ["fr", "en"], **extra},
        )
    officer = ctx.users["instructeur"]
    worker = ctx.users["accompagnante"]
    people = []
    for given, family, gender, langs, year in PEOPLE:
        p = Person.objects.create(
            given_names=given,
            family_name=family,
            gender=gender,
            languages=langs,
            estimated_birth_year=year,
        )
        # Exploited around Paris or Marseille (fictitious coordinates near the city centre).
        lat, lon = ctx.rng.choice([(48.85, 2.35), (43.30, 5.37)])
        services.danger_location_add(
            acting_user=officer,
            person=p,
            kind=DangerKind.EXPLOITATION_PLACE,
            latitude=lat + ctx.rng.uniform(-0.05, 0.05),
            longitude=lon + ctx.rng.uniform(-0.05, 0.05),
        )
        people.append(p)

    def send(person, service_name, **kw):  # noqa: ANN001, ANN202
        data = services.OrientationInput(
            services=[made[service_name]],
            need=kw.pop("need", "shelter"),
            shared_fields=[SharedField.GIVEN_NAMES, SharedField.AGE, SharedField.LANGUAGES],
            consent_recorded=True,
            safe_relocation=kw.pop("safe_relocation", False),
            message="Orientation de démonstration.",
        )
        return services.orientation_send(acting_user=officer, person=person, data=data)[0]

    bordeaux = "Foyer Les Tilleuls — Bordeaux"
    poitiers = "Foyer Les Tilleuls — Poitiers"
    # Pending, awaiting the shelter's answer.
    send(people[0], bordeaux, safe_relocation=True)
    send(people[1], poitiers, safe_relocation=True)
    # Accepted, with follow-up.
    o = send(people[2], bordeaux, safe_relocation=True)
    f = services.orientation_accept(acting_user=worker, orientation=o)
    today = timezone.localdate()
    services.support_event_add(
        acting_user=worker, support_file=f, support_type="shelter", occurred_on=today
    )
    services.support_event_add(
        acting_user=worker, support_file=f, support_type="health", occurred_on=today
    )
    services.right_add(
        acting_user=worker, support_file=f, kind="reflection_start", occurred_on=today
    )
    # Accepted then closed.
    o = send(people[3], poitiers)
    f = services.orientation_accept(acting_user=worker, orientation=o)
    services.file_close(acting_user=worker, support_file=f, reason="support_completed")
    # Declined.
    o = send(people[4], poitiers)
    services.orientation_decline(acting_user=worker, orientation=o, reason="profile_not_accepted")
    # Withdrawn by the officer.
    o = send(people[5], "Foyer Cap Bretagne")
    services.orientation_withdraw(acting_user=officer, orientation=o, reason="Démo")
    # Expired without answer.
    o = send(people[6], "Droits des victimes — Paris", need="legal")
    OrientationRequest.objects.filter(pk=o.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=11)
    )
    o.refresh_from_db()
    lifecycle.ORIENTATION.apply(o, "expire", actor=None, reason="Démo")
