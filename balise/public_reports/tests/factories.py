"""Public-report situations: a report made through the public page, staff who handle them."""

from __future__ import annotations

from balise.accounts.enums import Role
from balise.organisations.enums import OrganisationKind
from balise.public_reports import pow as proof_of_work
from balise.public_reports import services
from tests import factories


def solved_challenge() -> dict:
    challenge = proof_of_work.issue_challenge()
    return proof_of_work.check(
        challenge.token, proof_of_work.solve(challenge.token, challenge.difficulty)
    )


def report_made_by_public(**data) -> services.Submitted:
    values = {
        "language": "fr",
        "what": "Des femmes sont enfermées dans un salon de massage.",
        "where": "Rue des Lilas, centre-ville",
        "region": "Occitanie",
        "when": "Depuis deux mois",
        "who_affected": "Trois ou quatre femmes, peut-être une mineure",
        "minors_involved": "unknown",
        "exploitation_forms": ["sexual"],
        "contact": "",
    }
    values.update(data)
    return services.public_report_submit(pow_payload=solved_challenge(), **values)


def hotline_operator():  # noqa: ANN201
    return factories.member(factories.organisation(OrganisationKind.HOTLINE), Role.HOTLINE_OPERATOR)


def authority_case_officer():  # noqa: ANN201
    return factories.case_officer()
