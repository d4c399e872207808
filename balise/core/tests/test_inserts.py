"""Single-row inserts reuse their statement on PostgreSQL (``balise.core.db``)."""

import datetime

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from balise.core.db.inserts import CachedInsertMixin
from balise.organisations.models import OrganisationTransition
from balise.persons.models import Person
from tests import factories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the PostgreSQL backend of Balise only"
    ),
]


def _inserts(queries) -> list[str]:  # noqa: ANN001
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]


def test_a_second_person_reuses_the_statement_and_keeps_its_own_values():
    CachedInsertMixin._statements.clear()
    first = Person.objects.create(given_names="Amina", family_name="Diallo", gender="feminine")
    with CaptureQueriesContext(connection) as queries:
        second = Person.objects.create(
            given_names="Joy",
            family_name="Okafor",
            aliases=["J. O."],
            birth_date=datetime.date(2001, 2, 3),
            gender="feminine",
        )
    assert any(key[1] is Person for key in CachedInsertMixin._statements)
    (sql,) = _inserts(queries)
    assert "Joy" not in sql and "Okafor" not in sql  # encrypted before it leaves
    stored = {p.pk: p for p in Person.objects.filter(pk__in=[first.pk, second.pk])}
    assert (stored[first.pk].given_names, stored[first.pk].birth_date) == ("Amina", None)
    assert (stored[second.pk].given_names, stored[second.pk].family_name) == ("Joy", "Okafor")
    assert stored[second.pk].aliases == ["J. O."]
    assert stored[second.pk].birth_date == datetime.date(2001, 2, 3)


def test_returned_ids_and_expressions_are_what_the_database_holds():
    org = factories.organisation()
    logs = [
        OrganisationTransition.objects.create(
            organisation=org, field="status", event=f"e{n}", from_state="a", to_state="b"
        )
        for n in range(3)
    ]
    assert [log.pk for log in logs] == list(
        OrganisationTransition.objects.filter(organisation=org, event__startswith="e")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # A value given as an SQL expression is written by Django's own compiler.
    log = OrganisationTransition.objects.create(
        organisation=org, field="status", event="now", from_state="a", to_state="b", at=Now()
    )
    log.refresh_from_db()
    assert abs(log.at - logs[-1].at) < datetime.timedelta(minutes=5)
