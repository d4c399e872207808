"""Demo calls for the demo hotline: plausible, clearly fictitious."""

from __future__ import annotations

import datetime

from django.utils import timezone

from balise.demo.data import DemoContext, register
from balise.hotline import services
from balise.hotline.models import Call

CALLS = [
    # (days ago, minutes, language, caller, situation, forms, region, urgency, advice, notes, next)
    (
        1, 14, "fr", "witness", "suspected_trafficking", ["forced_labour"],
        "Occitanie", "urgent", ["police", "rights_information"],
        "Voisine d'une exploitation agricole (démo) : une dizaine d'ouvriers logés dans un hangar, "
        "jamais vus quitter le site.",
        "follow_up",
    ),
    (
        2, 22, "ar", "victim", "suspected_trafficking", ["domestic_servitude"],
        "Île-de-France", "immediate", ["emergency_services", "association"],
        "Appelante (démo) : employée de maison, passeport gardé par l'employeur, pas de salaire.",
        "referral",
    ),
    (
        3, 6, "fr", "professional", "information_request", [],
        "Bretagne", "not_urgent", ["rights_information"],
        "Infirmière scolaire (démo) demandant comment signaler une situation.",
        "close",
    ),
    (
        0, 9, "en", "anonymous", "working_conditions", ["forced_labour"],
        "Provence-Alpes-Côte d'Azur", "not_urgent", [],
        "Travail saisonnier (démo), heures non payées ; rappel prévu.",
        "open",
    ),
]  # fmt: skip


@register
def build(ctx: DemoContext) -> None:
    hotline, operator = ctx.orgs["hotline"], ctx.users["ecoutante"]
    if Call.objects.filter(hotline=hotline).exists():
        return
    now = timezone.now()
    for days, minutes, lang, caller, situation, forms, region, urgency, advice, notes, nxt in CALLS:
        call = services.call_create(
            acting_user=operator,
            hotline=hotline,
            received_at=now - datetime.timedelta(days=days, minutes=ctx.rng.randint(10, 600)),
            duration_minutes=minutes,
            language=lang,
            caller_type=caller,
            situation_type=situation,
            exploitation_forms=forms,
            region=region,
            urgency=urgency,
            advice_given=advice,
            notes=notes,
        )
        if nxt == "close":
            services.call_transition(acting_user=operator, call=call, event="close_with_advice")
        elif nxt == "follow_up":
            services.call_transition(
                acting_user=operator,
                call=call,
                event="require_follow_up",
                follow_up_due=timezone.localdate() + datetime.timedelta(days=2),
                reason="Rappeler la voisine (démo).",
            )
        elif nxt == "referral":
            services.call_turn_into_referral(acting_user=operator, call=call)
