"""Referral situations: a complete adult referral, a child, an adult who refuses consent…"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from balise.codelists.lists import Channel
from balise.referrals import services
from balise.referrals.models import Referral

#: Indicators that make the adults-labour combination rule point to trafficking:
#: dimension 1 (S + M), dimension 4 (S + M), dimension 5 (S + S).
POSITIVE_ADULT_LABOUR = [
    "d1_nature_job",
    "d1_wages",
    "d4_excessive_hours",
    "d4_low_salary",
    "d5_documents",
    "d5_isolation",
]


def adult_referral_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "given_names": "Amina",
        "family_name": "Exemple",
        "aliases": "Mina",
        "gender": "feminine",
        "birth_date": datetime.date(1995, 4, 12),
        "nationalities": ["NGA"],
        "languages": ["en"],
        "interpreter_needed": True,
        "contact": "via the association only",
        "immediate_danger": False,
        "safety_notes": "Staying with a friend for now.",
        "exploitation_forms": ["domestic_servitude"],
        "sector": "T",
        "exploitation_country": "FRA",
        "exploitation_region": "Île-de-France",
        "recruitment_country": "NGA",
        "place_scope": "both",
        "exploitation_start": datetime.date(2024, 1, 10),
        "means_of_control": ["withholds_documents", "excessive_working_hours"],
        "recruiter_relationship": "employer_broker_agent",
        "indicators": POSITIVE_ADULT_LABOUR,
        "narrative": "Recruited as a nanny, worked 16 hours a day without pay.",
        "consent_status": "given",
        "consent_explained": "The mechanism, her rights and who will read the referral.",
        "consent_given_at": timezone.now() - datetime.timedelta(hours=1),
        "consent_language": "en",
        "consent_interpreter_used": False,
    }
    data.update(overrides)
    return data


def child_referral_data(**overrides: Any) -> dict[str, Any]:
    data = adult_referral_data(
        given_names="Yanis",
        birth_date="",
        estimated_age=15,
        gender="masculine",
        exploitation_forms=["forced_criminality"],
        indicators=["d2_violence", "d2_threats", "d4_excessive_hours", "d4_low_salary"],
        consent_status="",
        consent_explained="",
        consent_given_at="",
        consent_language="",
    )
    data.update(overrides)
    return data


def draft(
    user, data: dict[str, Any] | None = None, *, channel: str = Channel.PROFESSIONAL_FORM, **kw: Any
) -> Referral:  # noqa: ANN001
    return services.referral_draft_create(
        acting_user=user,
        organisation=user.primary_organisation(),
        channel=channel,
        prefill=adult_referral_data() if data is None else data,
        **kw,
    )


def submitted(user, data: dict[str, Any] | None = None, **kw: Any) -> Referral:  # noqa: ANN001
    referral = draft(user, data, **kw)
    return services.referral_submit(acting_user=user, referral=referral)
