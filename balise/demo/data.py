"""Demo data: plausible, clearly fictitious (every organisation is marked « (démo) »), generated
from a seed so that two runs with the same seed give the same data. Apps add their own demo
builders to ``BUILDERS``; each receives the seeded random generator and the demo accounts."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from balise.accounts import services as account_services
from balise.accounts.enums import Role
from balise.accounts.models import TOTPDevice, User
from balise.organisations import services as org_services
from balise.organisations.enums import OrganisationKind
from balise.organisations.models import Organisation

DEMO_PASSWORD = "demo-Balise-2026!"  # noqa: S105 (demo only, refused in production)
DEMO_DOMAIN = "demo.balise.invalid"


@dataclass(frozen=True)
class DemoOrg:
    key: str
    name: str
    kind: str
    region: str
    accredited: bool = True


ORGS = [
    DemoOrg(
        "authority",
        "Autorité nationale d'identification (démo)",
        OrganisationKind.COMPETENT_AUTHORITY,
        "Île-de-France",
    ),
    DemoOrg(
        "police",
        "Commissariat central de Lyon (démo)",
        OrganisationKind.POLICE,
        "Auvergne-Rhône-Alpes",
    ),
    DemoOrg(
        "association",
        "Association Accompagner et Protéger (démo)",
        OrganisationKind.NGO,
        "Provence-Alpes-Côte d'Azur",
    ),
    DemoOrg(
        "hotline", "Ligne d'écoute nationale (démo)", OrganisationKind.HOTLINE, "Île-de-France"
    ),
    DemoOrg("shelter", "Foyer Les Tilleuls (démo)", OrganisationKind.SHELTER, "Nouvelle-Aquitaine"),
    DemoOrg(
        "shelter_north",
        "Maison d'accueil du Nord (démo)",
        OrganisationKind.SHELTER,
        "Hauts-de-France",
    ),
    DemoOrg(
        "observatory", "Observatoire national (démo)", OrganisationKind.OBSERVATORY, "Île-de-France"
    ),
    DemoOrg(
        "coordination",
        "Mission interministérielle de coordination (démo)",
        OrganisationKind.COORDINATION,
        "Île-de-France",
    ),
    DemoOrg(
        "child_protection",
        "Aide sociale à l'enfance du Rhône (démo)",
        OrganisationKind.CHILD_PROTECTION,
        "Auvergne-Rhône-Alpes",
    ),
    DemoOrg(
        "labour",
        "Inspection du travail de Marseille (démo)",
        OrganisationKind.LABOUR_INSPECTION,
        "Provence-Alpes-Côte d'Azur",
        accredited=False,
    ),
]

ACCOUNTS = [
    # (local part, full name, org key, role)
    ("referent.police", "Camille Martin", "police", Role.REFERRER),
    ("referente.association", "Nadia Benali", "association", Role.REFERRER),
    ("ecoutante", "Julie Lefèvre", "hotline", Role.HOTLINE_OPERATOR),
    ("instructeur", "Thomas Moreau", "authority", Role.CASE_OFFICER),
    ("cheffe.equipe", "Claire Dubois", "authority", Role.TEAM_LEAD),
    ("relectrice", "Sophie Laurent", "authority", Role.REVIEWER),
    ("accompagnante", "Aïcha Diallo", "shelter", Role.SUPPORT_WORKER),
    ("gestionnaire.foyer", "Marc Petit", "shelter", Role.SHELTER_MANAGER),
    ("statisticienne", "Hélène Garnier", "observatory", Role.STATISTICIAN),
    ("coordinatrice.plan", "Isabelle Roux", "coordination", Role.PLAN_COORDINATOR),
    ("admin", "Paul Administrateur", "coordination", Role.ADMINISTRATOR),
]


@dataclass
class DemoContext:
    rng: random.Random
    orgs: dict[str, Organisation]
    users: dict[str, User]


BUILDERS: list[Callable[[DemoContext], None]] = []


def register(builder: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
    BUILDERS.append(builder)
    return builder


def demo_totp_secret(seed: int, email: str) -> str:
    """A repeatable TOTP secret for a demo account (demo only, never in production)."""
    rng = random.Random(f"{seed}:{email}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return "".join(rng.choice(alphabet) for _ in range(32))


@transaction.atomic
def build_demo(seed: int = 2026) -> list[dict[str, str]]:
    if not settings.BALISE_DEMO_ALLOWED:
        raise RuntimeError("demo data is never loaded in production")
    rng = random.Random(seed)
    orgs: dict[str, Organisation] = {}
    for spec in ORGS:
        org = Organisation.objects.filter(name=spec.name).first()
        if org is None:
            org = org_services.organisation_create(
                acting_user=None,
                name=spec.name,
                kind=spec.kind,
                region=spec.region,
                contact_email=f"contact.{spec.key}@{DEMO_DOMAIN}",
            )
            if spec.accredited:
                org_services.organisation_transition(
                    acting_user=None,
                    organisation=org,
                    event="accredit",
                    reason="Accréditation de démonstration",
                )
        orgs[spec.key] = org
    users: dict[str, User] = {}
    printed = []
    for local, name, org_key, role in ACCOUNTS:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = account_services.user_create(
                acting_user=None, email=email, full_name=name, password=DEMO_PASSWORD
            )
            account_services.membership_add(
                acting_user=None, user=user, organisation=orgs[org_key], role=role
            )
            TOTPDevice.objects.create(
                user=user, secret=demo_totp_secret(seed, email), confirmed_at=timezone.now()
            )
        users[local] = user
        printed.append(
            {
                "role": str(Role(role).label),
                "email": email,
                "totp_secret": demo_totp_secret(seed, email),
            }
        )
    context = DemoContext(rng=rng, orgs=orgs, users=users)
    for builder in BUILDERS:
        builder(context)
    return printed


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).now()
