"""Demo cases at every stage of identification, some of them overdue, with a plausible history
(backdated transitions) so that the queue, the deadlines and the delay dashboard show something.
Every name is clearly fictitious."""

from __future__ import annotations

import datetime

from django.utils import timezone

from balise.codelists.lists import Channel
from balise.demo.data import DemoContext, register
from balise.identification import clocks, services
from balise.identification.enums import CaseEvent as E
from balise.identification.models import Case, CaseTransition
from balise.referrals import services as referral_services

GIVEN = ["Aya", "Blessing", "Ioana", "Mariam", "Chen", "Fatou", "Elena", "Joy", "Karim", "Luz"]
FORMS = [
    ["sexual"],
    ["forced_labour"],
    ["domestic_servitude"],
    ["forced_begging"],
    ["forced_criminality"],
    ["forced_labour", "domestic_servitude"],
]
REGIONS = ["Île-de-France", "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Hauts-de-France"]

DEMO_REASON = "Décision motivée (démonstration)."
D = {"grounds": ["act_established", "purpose_established"], "evidence": ["referral_form"]}
NEG = {"grounds": ["means_not_established"], "evidence": ["referral_form", "interview"]}

# (received days ago, child, danger, [(event, days after the previous step, extra)])
PLAN: list[tuple[int, bool, bool, list[tuple[str, int, dict]]]] = [
    (1, False, False, []),
    (2, True, False, []),
    (12, False, True, []),  # overdue: never assessed
    (3, False, False, [(E.START_ASSESSMENT, 1, {})]),
    (5, True, True, [(E.START_ASSESSMENT, 1, {})]),
    (20, False, False, [(E.START_ASSESSMENT, 2, {})]),  # overdue
    (6, False, False, [(E.START_ASSESSMENT, 1, {}), (E.PRELIMINARY_NEGATIVE, 2, NEG)]),
    (25, False, False, [(E.START_ASSESSMENT, 3, {}), (E.PRELIMINARY_NEGATIVE, 9, NEG)]),
    (15, False, False, [(E.START_ASSESSMENT, 1, {}), (E.PRELIMINARY_POSITIVE, 4, D)]),
    (30, True, False, [(E.START_ASSESSMENT, 1, {}), (E.PRELIMINARY_POSITIVE, 6, D)]),
    (70, False, False, [(E.START_ASSESSMENT, 2, {}), (E.PRELIMINARY_POSITIVE, 10, D)]),  # late
    (
        80,
        False,
        False,
        [
            (E.START_ASSESSMENT, 1, {}),
            (E.PRELIMINARY_POSITIVE, 5, D),
            (E.CONCLUSIVE_NEGATIVE, 34, NEG),
        ],
    ),
    (
        60,
        False,
        False,
        [
            (E.START_ASSESSMENT, 1, {}),
            (E.PRELIMINARY_NEGATIVE, 3, NEG),
            (E.SEND_BACK_PRELIMINARY, 2, {"reasons": "L'entretien n'a pas été pris en compte."}),
            (E.PRELIMINARY_NEGATIVE, 5, NEG),
            (E.CONFIRM_PRELIMINARY_NEGATIVE, 2, {"reasons": "Motifs suffisants."}),
        ],
    ),
    (
        150,
        False,
        False,
        [
            (E.START_ASSESSMENT, 2, {}),
            (E.PRELIMINARY_NEGATIVE, 8, NEG),
            (E.CONFIRM_PRELIMINARY_NEGATIVE, 3, {"reasons": "Confirmé."}),
        ],
    ),
    *[
        (
            days,
            child,
            False,
            [
                (E.START_ASSESSMENT, 1, {}),
                (E.PRELIMINARY_POSITIVE, prelim, D),
                (E.CONCLUSIVE_POSITIVE, concl, D),
            ],
        )
        for days, child, prelim, concl in [
            (120, False, 4, 40),
            (200, True, 6, 65),
            (170, False, 12, 90),
        ]
    ],
    (
        190,
        False,
        False,
        [
            (E.START_ASSESSMENT, 1, {}),
            (E.PRELIMINARY_POSITIVE, 5, D),
            (E.CONCLUSIVE_NEGATIVE, 45, NEG),
            (E.CONFIRM_CONCLUSIVE_NEGATIVE, 4, {"reasons": "Confirmé par la relectrice."}),
        ],
    ),
    (
        260,
        False,
        False,
        [
            (E.START_ASSESSMENT, 1, {}),
            (E.PRELIMINARY_POSITIVE, 3, D),
            (E.CONCLUSIVE_POSITIVE, 35, D),
            (E.CLOSE, 60, {}),
        ],
    ),
    (
        300,
        False,
        False,
        [
            (E.START_ASSESSMENT, 2, {}),
            (E.PRELIMINARY_NEGATIVE, 6, NEG),
            (E.CONFIRM_PRELIMINARY_NEGATIVE, 2, {"reasons": "Confirmé."}),
            (E.CLOSE, 40, {}),
        ],
    ),
    (40, False, False, [(E.START_ASSESSMENT, 1, {}), (E.WITHDRAW, 3, {"reasons": "Doublon."})]),
]


def _referral(ctx: DemoContext, i: int, child: bool, danger: bool, when: datetime.datetime):
    referrer = ctx.users["referent.police" if i % 2 == 0 else "referente.association"]
    data = {
        "given_names": GIVEN[i % len(GIVEN)],
        "family_name": f"Exemple-{i + 1}",
        "gender": ctx.rng.choice(["feminine", "masculine"]),
        "nationalities": [ctx.rng.choice(["NGA", "ROU", "CHN", "MAR", "CIV", "BRA"])],
        "languages": ["fr"],
        "interpreter_needed": False,
        "immediate_danger": danger,
        "exploitation_forms": FORMS[i % len(FORMS)],
        "sector": "T",
        "exploitation_country": "FRA",
        "exploitation_region": REGIONS[i % len(REGIONS)],
        "place_scope": "in_country",
        "indicators": ["d1_nature_job", "d1_wages", "d4_excessive_hours", "d5_documents"],
        "narrative": "Récit fictif de démonstration.",
    }
    if child:
        data.update(estimated_age=15, consent_status="")
    else:
        data.update(
            birth_date=datetime.date(1990 + i % 12, 1 + i % 12, 1 + i % 27),
            consent_status="given",
            consent_explained="Le mécanisme, ses droits, qui lira le signalement.",
            consent_given_at=when - datetime.timedelta(hours=1),
            consent_language="fr",
            consent_interpreter_used=False,
        )
    draft = referral_services.referral_draft_create(
        acting_user=referrer,
        organisation=referrer.primary_organisation(),
        channel=Channel.PROFESSIONAL_FORM,
        prefill=data,
    )
    return referral_services.referral_submit(acting_user=referrer, referral=draft)


def _backdate_last_transition(case: Case, when: datetime.datetime) -> None:
    last = CaseTransition.objects.filter(case=case).order_by("-at", "-id").first()
    CaseTransition.objects.filter(pk=last.pk).update(at=when)


@register
def build(ctx: DemoContext) -> None:
    if CaseTransition.objects.filter(reason=DEMO_REASON).exists():
        return  # already loaded (other apps' demo referrals may have opened cases of their own)
    officer = ctx.users["instructeur"]
    lead = ctx.users["cheffe.equipe"]
    reviewer = ctx.users["relectrice"]
    now = timezone.now()
    for i, (days_ago, child, danger, steps) in enumerate(PLAN):
        received = now - datetime.timedelta(days=days_ago, hours=ctx.rng.randint(0, 6))
        referral = _referral(ctx, i, child, danger, received)
        case = Case.objects.get(case_referrals__referral=referral)
        due = clocks.preliminary_due(received)
        Case.objects.filter(pk=case.pk).update(
            received_at=received, preliminary_due=due, next_deadline=due
        )
        referral.__class__.objects.filter(pk=referral.pk).update(submitted_at=received)
        CaseTransition.objects.filter(case=case, event="open").update(at=received)
        if i % 3 == 0:
            services.case_assign(acting_user=lead, case=case, assignee=officer)
        when = received
        for event, after, extra in steps:
            when = min(when + datetime.timedelta(days=after), now - datetime.timedelta(hours=1))
            actor = reviewer if event.startswith(("confirm", "send_back")) else officer
            kwargs = {"reasons": DEMO_REASON, **extra}
            if event == E.CLOSE:
                kwargs = {}
            services.case_event(
                acting_user=actor,
                case=Case.objects.get(pk=case.pk),
                event=event,
                now=when,
                **kwargs,
            )
            _backdate_last_transition(case, when)
        if child and i % 2 == 1:
            services.case_guardian_record(
                acting_user=officer,
                case=Case.objects.get(pk=case.pk),
                name="Maître Tuteur (démo)",
                contact="tuteur@demo.balise.invalid",
            )
