"""Hotline situations: an operator at a hotline, a call they logged, a second hotline."""

from __future__ import annotations

from django.utils import timezone

from balise.accounts.enums import Role
from balise.hotline.enums import CallerType, CallLanguage, SituationType, Urgency
from balise.hotline.models import Call
from balise.organisations.enums import OrganisationKind
from tests import factories


def hotline() -> object:
    return factories.organisation(OrganisationKind.HOTLINE)


def operator_at(org) -> object:  # noqa: ANN001
    return factories.member(org, Role.HOTLINE_OPERATOR)


def hotline_operator():  # noqa: ANN201
    return operator_at(hotline())


def call_logged_by(operator, **kw) -> Call:  # noqa: ANN001
    org = operator.organisations_with_role(Role.HOTLINE_OPERATOR)[0]
    values = {
        "received_at": timezone.now(),
        "duration_minutes": 12,
        "language": CallLanguage.FRENCH,
        "caller_type": CallerType.WITNESS,
        "situation_type": SituationType.SUSPECTED_TRAFFICKING,
        "exploitation_forms": ["forced_labour"],
        "region": "Occitanie",
        "urgency": Urgency.URGENT,
        "advice_given": [],
        "notes": "Voisin inquiet : des ouvriers dorment sur le chantier.",
    }
    values.update(kw)
    return Call.objects.create(hotline=org, operator=operator, **values)
