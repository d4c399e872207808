"""Linkage situations: a tiny register of fictitious persons, a person referred twice."""

from __future__ import annotations

import datetime
from typing import Any

from balise.linkage.synthetic import generate_register
from balise.persons.models import Person
from balise.referrals.models import Referral
from balise.referrals.tests.factories import adult_referral_data, submitted

_GENDER = {"f": "feminine", "m": "masculine"}


def tiny_register(n: int = 40, *, seed: int = 3, exact_duplicates: int = 4) -> list[Person]:
    """``n`` fictitious persons (about 10 % planted near-duplicates) plus a few exact
    duplicates (a person referred twice with the same details), without referrals."""
    frame = generate_register(n, seed=seed).frame
    rows = frame.to_dict("records")
    complete = [r for r in rows if isinstance(r.get("birth_date"), str)]
    persons = []
    for row in rows + complete[:exact_duplicates]:
        birth = row.get("birth_date")
        persons.append(
            Person.objects.create(
                given_names=_text(row.get("first_name")),
                family_name=_text(row.get("last_name")),
                birth_date=datetime.date.fromisoformat(birth) if isinstance(birth, str) else None,
                gender=_GENDER.get(str(row.get("sex") or "")[:1].lower(), "not_asked"),
            )
        )
    return persons


def referred(referrer, **data: Any) -> Referral:  # noqa: ANN001
    """A submitted referral about a person described by ``data``."""
    return submitted(referrer, adult_referral_data(**data))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
