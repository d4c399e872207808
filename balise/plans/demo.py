"""Demo: a fictitious plan in the style of France's 3rd national plan 2024–2027 (6 axes, 60
measures, about 50 engaged) with milestones, indicators and progress updates. Every title is
invented for the demonstration."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from balise.demo.data import DemoContext, register
from balise.plans import lifecycle
from balise.plans.enums import MeasureStatus, UpdateStatus, ValueSource
from balise.plans.models import (
    Axis,
    CommitteeMeeting,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureTransition,
    Milestone,
    Plan,
    ProgressUpdate,
)

PLAN_TITLE = "Plan national de lutte contre la traite des êtres humains 2024–2027 (démo)"

AXES = [
    "Mieux connaître le phénomène et mieux repérer les victimes",
    "Protéger et accompagner toutes les victimes",
    "Protéger les mineurs victimes de traite",
    "Poursuivre les auteurs et démanteler les réseaux",
    "Former et sensibiliser les professionnels et le public",
    "Coordonner l'action publique et coopérer à l'international",
]

# Ten measure themes per axis, combined with a verb to make plausible, clearly invented titles.
THEMES = {
    1: [
        "un observatoire national des données sur la traite",
        "un tableau de bord statistique partagé entre ministères",
        "une enquête nationale de victimation",
        "des indicateurs communs de détection",
        "une cartographie régionale des formes d'exploitation",
        "la collecte de données ventilées par sexe et par âge",
        "un circuit de signalement commun aux administrations et associations",
        "des fiches réflexes pour les hébergeurs touristiques",
        "un repérage renforcé dans les secteurs à risque",
        "une veille sur le recrutement en ligne",
    ],
    2: [
        "un mécanisme national d'identification et d'orientation",
        "un quota de places d'hébergement spécialisées",
        "le dispositif national d'éloignement géographique",
        "l'accès effectif au titre de séjour des victimes",
        "l'accompagnement vers l'indemnisation",
        "un accompagnement psychologique spécialisé",
        "l'accès aux soins des victimes",
        "l'interprétariat professionnel",
        "des parcours d'insertion professionnelle",
        "l'accompagnement des victimes d'exploitation par le travail",
    ],
    3: [
        "un protocole de prise en charge des mineurs victimes",
        "des places d'accueil sécurisées pour mineurs",
        "la présomption de minorité dans toutes les procédures",
        "la désignation rapide d'un administrateur ad hoc",
        "la prévention de la prostitution des mineurs",
        "le repérage des mineurs contraints à commettre des délits",
        "des référents traite dans chaque département",
        "la formation des équipes de l'aide sociale à l'enfance",
        "l'évaluation des disparitions de mineurs accueillis",
        "la coopération avec l'éducation nationale",
    ],
    4: [
        "des pôles d'enquête spécialisés",
        "les enquêtes financières patrimoniales",
        "la saisie des avoirs criminels au profit des victimes",
        "la coopération policière européenne",
        "la lutte contre l'exploitation en ligne",
        "les contrôles coordonnés de l'inspection du travail",
        "la poursuite de la mendicité forcée",
        "une circulaire de politique pénale",
        "la protection des victimes témoins",
        "le suivi statistique des condamnations",
    ],
    5: [
        "un plan de formation des forces de sécurité",
        "la formation des magistrats",
        "la formation des travailleurs sociaux",
        "la formation des professionnels de santé",
        "un module en ligne pour les agents publics",
        "une campagne nationale de sensibilisation",
        "la sensibilisation des entreprises aux chaînes d'approvisionnement",
        "des supports multilingues pour les victimes",
        "la sensibilisation des plateformes numériques",
        "des actions de prévention dans les établissements scolaires",
    ],
    6: [
        "un comité de suivi interministériel",
        "des référents régionaux de coordination",
        "un rapport public à mi-parcours",
        "la participation des associations au pilotage",
        "la coopération avec les pays d'origine",
        "l'harmonisation des exports statistiques internationaux",
        "le financement pluriannuel des associations",
        "l'évaluation indépendante du plan",
        "la transposition de la directive révisée",
        "un espace partagé de suivi des mesures",
    ],
}
VERBS = ["Créer", "Renforcer", "Développer", "Généraliser", "Structurer"]

# 60 measures: 12 achieved, 38 engaged (50 engaged in all), 8 not started, 2 abandoned.
STATUS_PLAN = (
    [MeasureStatus.ACHIEVED] * 12
    + [MeasureStatus.ENGAGED] * 38
    + [MeasureStatus.NOT_STARTED] * 8
    + [MeasureStatus.ABANDONED] * 2
)


@register
def build(ctx: DemoContext) -> None:
    if Plan.objects.filter(title=PLAN_TITLE).exists():
        return
    rng = ctx.rng
    coordination = ctx.orgs["coordination"]
    coordinator = ctx.users["coordinatrice.plan"]
    bodies = [
        ctx.orgs[k]
        for k in (
            "authority",
            "police",
            "association",
            "hotline",
            "shelter",
            "observatory",
            "child_protection",
            "labour",
            "coordination",
        )
    ]
    plan = Plan.objects.create(
        title=PLAN_TITLE,
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        jurisdiction="fr",
        currency="EUR",
        coordinating_organisation=coordination,
        public_shows_budget=True,
        published=True,
        published_at=timezone.now(),
    )
    statuses = STATUS_PLAN[:]
    rng.shuffle(statuses)
    today = timezone.localdate()
    committee = datetime.date(2025, 6, 30)
    CommitteeMeeting.objects.create(plan=plan, date=committee)
    number = 0
    for axis_number, axis_title in enumerate(AXES, start=1):
        axis = Axis.objects.create(plan=plan, number=axis_number, title=axis_title)
        for theme in THEMES[axis_number]:
            number += 1
            lead = rng.choice(bodies)
            partners = rng.sample([b for b in bodies if b != lead], k=rng.randint(0, 3))
            start = datetime.date(2024, rng.randint(1, 12), 1)
            due = datetime.date(rng.choice([2025, 2026, 2027]), rng.randint(1, 12), 28)
            planned = Decimal(rng.randrange(50, 3000) * 1000)
            status = statuses[number - 1]
            measure = Measure.objects.create(
                plan=plan,
                axis=axis,
                number=number,
                title=f"{rng.choice(VERBS)} {theme}",
                description=(
                    "Mesure fictive créée pour la démonstration de Balise : "
                    f"{theme}, avec un pilote et des partenaires identifiés."
                ),
                internal_notes="Note interne de démonstration (jamais publiée).",
                lead_body=lead,
                start_date=start,
                due_date=due,
                budget_planned=planned,
                budget_spent=(planned * Decimal(rng.randint(0, 80)) / 100).quantize(Decimal("0.01"))
                if status != MeasureStatus.NOT_STARTED
                else Decimal(0),
            )
            measure.partner_bodies.set(partners)
            path = {
                MeasureStatus.ENGAGED: ["engage"],
                MeasureStatus.ACHIEVED: ["engage", "achieve"],
                MeasureStatus.ABANDONED: ["abandon"],
            }.get(status, [])
            Measure.objects.filter(pk=measure.pk).update(
                created_at=datetime.datetime(2024, 1, 2, 9, tzinfo=datetime.UTC)
            )
            for event in path:
                lifecycle.MEASURE.apply(
                    measure,
                    event,
                    actor=coordinator,
                    reason="Abandon : mesure reprise par un autre dispositif (démo)"
                    if event == "abandon"
                    else "Comité de suivi (démo)",
                )
            # Spread the status changes over the plan's first two years (the demo's history).
            days = sorted(rng.randint(30, 700) for _ in path)
            for log, day in zip(measure.transitions.order_by("at"), days, strict=False):
                MeasureTransition.objects.filter(pk=log.pk).update(
                    at=datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.UTC)
                    + datetime.timedelta(days=day)
                )
            for k in range(rng.randint(1, 3)):
                ms_due = start + datetime.timedelta(days=120 * (k + 1))
                done = status == MeasureStatus.ACHIEVED or (
                    status == MeasureStatus.ENGAGED and ms_due < today and rng.random() < 0.85
                )
                Milestone.objects.create(
                    measure=measure,
                    title=f"Étape {k + 1} : {['cadrage', 'mise en œuvre', 'bilan'][k]}",
                    due_date=ms_due,
                    done_at=min(ms_due + datetime.timedelta(days=rng.randint(-20, 30)), today)
                    if done
                    else None,
                )
            if status in (MeasureStatus.ENGAGED, MeasureStatus.ACHIEVED) and rng.random() < 0.5:
                update = ProgressUpdate.objects.create(
                    measure=measure,
                    author=coordinator,
                    author_organisation=lead,
                    date=datetime.date(2025, rng.randint(1, 12), rng.randint(1, 28)),
                    text="Point d'avancement fictif : réunions de travail tenues, "
                    "premiers livrables produits (démo).",
                )
                submitted = datetime.datetime.combine(
                    update.date, datetime.time(10), tzinfo=datetime.UTC
                )
                ProgressUpdate.objects.filter(pk=update.pk).update(submitted_at=submitted)
                if rng.random() < 0.7:
                    reviewed = submitted + datetime.timedelta(days=rng.randint(1, 20))
                    lifecycle.UPDATE.apply(update, "validate", actor=coordinator)
                    update.transitions.update(at=reviewed)
                    ProgressUpdate.objects.filter(pk=update.pk).update(
                        reviewed_by=coordinator,
                        reviewed_at=reviewed,
                        status=UpdateStatus.VALIDATED,
                    )
    # Indicators of a few emblematic measures.
    specs = [
        (
            1,
            "Victimes présumées accompagnées par les associations",
            "personnes",
            5000,
            [3100, 3650, 4160],
            "victims_accompanied",
        ),
        (12, "Places d'hébergement spécialisées ouvertes", "places", 300, [80, 140, 190], ""),
        (41, "Professionnels formés", "personnes", 10000, [1200, 3900, 6100], ""),
        (
            21,
            "Mineurs victimes orientés vers une place sécurisée",
            "mineurs",
            400,
            [60, 150, 210],
            "",
        ),
    ]
    for measure_number, name, unit, target, values, table in specs:
        measure = plan.measures.get(number=measure_number)
        indicator = Indicator.objects.create(
            measure=measure,
            name=f"{name} (démo)",
            unit=unit,
            target_value=Decimal(target),
            data_source="Données fictives de démonstration",
            observatory_table=table,
        )
        for year, value in zip((2023, 2024, 2025), values, strict=True):
            IndicatorValue.objects.create(
                indicator=indicator,
                date=datetime.date(year, 12, 31),
                value=Decimal(value),
                source=ValueSource.MANUAL,
            )
