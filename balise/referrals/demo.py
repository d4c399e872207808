"""Demo referrals: a dozen plausible, fictitious situations in various states (drafts, submitted
adults and children, an anonymous notification, a withdrawn referral, questions from the
authority)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from balise.codelists.lists import Channel
from balise.demo.data import DemoContext, register
from balise.referrals import services
from balise.referrals.models import Referral

GIVEN = ["Amina", "Grace", "Joy", "Mariam", "Elena", "Ioana", "Blessing", "Fatou", "Nadia",
         "Samir", "Yanis", "Tariq", "Chen", "Linh", "Ousmane", "Viktor"]  # fmt: skip
FAMILY = ["Démo", "Exemple", "Fictif", "Modèle"]

SCENARIOS: list[dict[str, Any]] = [
    # Adult, domestic servitude, consent given, strong indicators.
    {
        "who": "referente.association",
        "state": "submitted",
        "days": 40,
        "data": {
            "gender": "feminine",
            "birth_date": "1994-05-02",
            "nationalities": ["NGA"],
            "languages": ["en"],
            "exploitation_forms": ["domestic_servitude"],
            "sector": "T",
            "exploitation_country": "FRA",
            "exploitation_region": "Marseille",
            "recruiter_relationship": "employer_broker_agent",
            "means_of_control": ["withholds_documents", "excessive_working_hours"],
            "indicators": [
                "d1_nature_job",
                "d1_wages",
                "d4_excessive_hours",
                "d4_low_salary",
                "d5_documents",
                "d5_isolation",
            ],
            "narrative": "Venue pour garder des enfants, travaille 7 jours sur 7 sans salaire.",
            "consent_status": "given",
        },
        "question": "La personne est-elle hébergée en sécurité ?",
        "answer": "Oui, hébergée par l'association depuis hier.",
    },
    # Adult, sexual exploitation, online recruitment, immediate danger.
    {
        "who": "referent.police",
        "state": "submitted",
        "days": 12,
        "data": {
            "gender": "feminine",
            "estimated_age": 22,
            "nationalities": ["ROU"],
            "languages": ["ro"],
            "interpreter_needed": True,
            "exploitation_forms": ["proxenetisme"],
            "sexual_exploitation_types": ["prostitution"],
            "online_recruitment": True,
            "online_platform": "réseau social",
            "exploitation_country": "FRA",
            "exploitation_region": "Lyon",
            "immediate_danger": True,
            "recruiter_relationship": "intimate_partner",
            "means_of_control": ["threats", "takes_earnings", "restricts_movement"],
            "indicators": [
                "d1_marriage_adoption",
                "d3_dependency",
                "d3_economic",
                "d3_lack_information",
                "d4_excessive_hours",
                "d4_living_conditions",
                "d5_forced_tasks",
                "d5_threats",
            ],
            "narrative": "Recrutée par un « petit ami » rencontré en ligne.",
            "consent_status": "given",
        },
        "question": "Pouvez-vous préciser la ville de recrutement ?",
    },
    # Child (presumed), forced criminality.
    {
        "who": "referent.police",
        "state": "submitted",
        "days": 5,
        "data": {
            "gender": "masculine",
            "estimated_age": 16,
            "age_disputed": True,
            "reasons_to_believe_minor": True,
            "nationalities": ["MAR"],
            "languages": ["ar"],
            "exploitation_forms": ["forced_criminality"],
            "exploitation_country": "FRA",
            "exploitation_region": "Lyon",
            "indicators": [
                "d2_violence",
                "d2_threats",
                "d4_excessive_hours",
                "d4_low_salary",
                "d5_illicit",
            ],
            "narrative": "Interpellé pour vols, dit devoir rapporter 200 € par jour.",
        },
    },
    # Adult who refuses: anonymous notification.
    {
        "who": "referente.association",
        "state": "submitted",
        "days": 20,
        "data": {
            "gender": "masculine",
            "estimated_age": 35,
            "nationalities": ["PAK"],
            "exploitation_forms": ["forced_labour"],
            "sector": "F",
            "exploitation_country": "FRA",
            "indicators": [
                "d1_wages",
                "d1_conditions",
                "d1_housing",
                "d4_low_salary",
                "d4_living_conditions",
                "d4_hazardous",
                "d5_withholding_wages",
                "d5_denunciation",
                "d5_worse_conditions",
            ],
            "consent_status": "refused",
        },
    },
    # Adult, agriculture, indicators not conclusive.
    {
        "who": "referente.association",
        "state": "submitted",
        "days": 60,
        "data": {
            "gender": "masculine",
            "birth_date": "1988-11-30",
            "nationalities": ["MAR"],
            "languages": ["ar", "fr"],
            "exploitation_forms": ["forced_labour"],
            "sector": "A01",
            "exploitation_country": "FRA",
            "exploitation_region": "Bouches-du-Rhône",
            "indicators": ["d1_wages", "d4_low_salary", "d4_excessive_hours"],
            "consent_status": "given",
        },
    },
    # Withdrawn (the person was already referred by another service).
    {
        "who": "referent.police",
        "state": "withdrawn",
        "days": 30,
        "data": {
            "gender": "feminine",
            "estimated_age": 30,
            "nationalities": ["CHN"],
            "languages": ["zh"],
            "exploitation_forms": ["sexual"],
            "sexual_exploitation_types": ["private_sexual_services"],
            "exploitation_country": "FRA",
            "consent_status": "given",
        },
    },
    # Hotline referral, forced begging, child.
    {
        "who": "ecoutante",
        "channel": Channel.HOTLINE,
        "state": "submitted",
        "days": 3,
        "data": {
            "gender": "feminine",
            "estimated_age": 12,
            "nationalities": ["BGR"],
            "exploitation_forms": ["forced_begging"],
            "exploitation_country": "FRA",
            "exploitation_region": "Paris",
            "indicators": ["d2_abduction", "d2_isolation", "d4_excessive_hours", "d4_education"],
            "narrative": "Appel d'une commerçante : enfant qui mendie chaque jour, surveillée.",
        },
    },
    # Adult, hospitality, submitted recently.
    {
        "who": "referent.police",
        "state": "submitted",
        "days": 1,
        "data": {
            "gender": "masculine",
            "estimated_age": 27,
            "nationalities": ["VNM"],
            "languages": ["vi"],
            "exploitation_forms": ["forced_labour"],
            "sector": "I",
            "exploitation_country": "FRA",
            "recruitment_country": "VNM",
            "place_scope": "both",
            "means_of_control": ["debt_bondage", "withholds_documents"],
            "indicators": [
                "d1_travel",
                "d1_wages",
                "d1_documents",
                "d4_excessive_hours",
                "d4_low_salary",
                "d5_debt_bondage",
                "d5_documents",
            ],
            "consent_status": "given",
        },
    },
    # Drafts in progress.
    {
        "who": "referente.association",
        "state": "draft",
        "days": 0,
        "data": {
            "gender": "feminine",
            "estimated_age": 19,
            "exploitation_forms": ["forced_marriage"],
        },
    },
    {
        "who": "referent.police",
        "state": "draft",
        "days": 2,
        "data": {
            "gender": "unknown",
            "narrative": "Signalement d'un hôtelier : plusieurs personnes logées "
            "dans une même chambre, papiers gardés par un tiers.",
        },
    },
    {
        "who": "ecoutante",
        "channel": Channel.HOTLINE,
        "state": "draft",
        "days": 0,
        "data": {
            "gender": "masculine",
            "languages": ["uk"],
            "exploitation_forms": ["forced_labour"],
            "sector": "F",
        },
    },
    # Adult trans woman, sexual exploitation, remote.
    {
        "who": "referente.association",
        "state": "submitted",
        "days": 15,
        "data": {
            "gender": "trans_feminine",
            "estimated_age": 24,
            "nationalities": ["BRA"],
            "languages": ["pt"],
            "exploitation_forms": ["sexual"],
            "sexual_exploitation_types": ["remote_interactive"],
            "online_recruitment": True,
            "indicators": [
                "d1_nature_job",
                "d3_illegal_status",
                "d4_excessive_hours",
                "d5_forced_tasks",
                "d5_influence",
                "d6_dependency",
            ],
            "consent_status": "given",
        },
    },
]


@register
def build(ctx: DemoContext) -> None:
    if Referral.objects.filter(organisation__in=ctx.orgs.values()).exists():
        return  # already seeded
    rng = ctx.rng
    officer = ctx.users.get("instructeur")
    now = timezone.now()
    for scenario in SCENARIOS:
        user = ctx.users[scenario["who"]]
        channel = scenario.get("channel", Channel.PROFESSIONAL_FORM)
        data = dict(scenario["data"])
        if data.get("consent_status") == "given":
            data.setdefault("consent_explained", "Le mécanisme national, ses droits, qui lira.")
            data.setdefault("consent_given_at", now - datetime.timedelta(days=scenario["days"]))
            data.setdefault("consent_language", (data.get("languages") or ["fr"])[0])
        data.setdefault("given_names", rng.choice(GIVEN))
        data.setdefault("family_name", rng.choice(FAMILY))
        referral = services.referral_draft_create(
            acting_user=user,
            organisation=user.primary_organisation(),
            channel=channel,
            prefill=data,
        )
        if scenario["state"] != "draft":
            referral = services.referral_submit(acting_user=user, referral=referral)
        if scenario["state"] == "withdrawn":
            services.referral_withdraw(
                acting_user=user, referral=referral, reason="Déjà signalée par un autre service."
            )
        when = now - datetime.timedelta(days=scenario["days"], hours=rng.randint(1, 8))
        Referral.objects.filter(pk=referral.pk).update(
            created_at=when,
            submitted_at=when if scenario["state"] != "draft" else None,
        )
        if officer is not None and scenario.get("question"):
            info = services.information_request_create(
                acting_user=officer, referral=referral, question=scenario["question"]
            )
            if scenario.get("answer"):
                services.information_request_answer(
                    acting_user=user, information_request=info, answer=scenario["answer"]
                )
