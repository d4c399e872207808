"""The projection refresh: one row per unique person per year, no identifying data."""

import datetime

import pytest
import time_machine
from django.core.management import call_command

from balise.audit.models import AuditEntry
from balise.observatory import contributors, services
from balise.observatory.statistics.schema import FORBIDDEN_COLUMNS
from balise.referrals.models import Referral
from balise.referrals.tests import factories as referrals
from tests import factories

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime.datetime(2025, 5, 10, 10, tzinfo=datetime.UTC))
def test_the_projection_counts_persons_without_identifying_data():
    referrer = factories.referrer_at_association()
    first = referrals.submitted(referrer)
    second = referrals.submitted(referrer, referrals.adult_referral_data(given_names="Awa"))
    # The same person referred twice (found a duplicate): counted once.
    Referral.objects.filter(pk=second.pk).update(person=first.person)
    referrals.submitted(referrer, referrals.child_referral_data())
    refusing = referrals.adult_referral_data(
        consent_status="refused", consent_explained="", consent_given_at=""
    )
    anonymous = referrals.submitted(referrer, refusing)
    assert anonymous.anonymous_notification

    refresh = services.refresh_projection()

    table = refresh.projection()
    assert table.num_rows == 3  # four referrals, three persons
    assert not set(table.column_names) & FORBIDDEN_COLUMNS
    text = str(table.to_pylist())
    for secret in ("Amina", "Awa", "Exemple", str(first.pk), str(first.person_id)):
        assert secret not in text
    rows = table.to_pylist()
    assert all(r["referred"] and r["year"] == 2025 and r["quarter"] == 2 for r in rows)
    adult = next(r for r in rows if r["exploitation_forms"] == ["domestic_servitude"]
                 and r["channel"] == "professional_form")  # fmt: skip
    assert adult["gender"] == "feminine"
    assert adult["age_band"] == "30_38"
    assert adult["citizenship"] == "NGA"
    assert adult["nationality_group"] == "non_eu"
    assert adult["referrer_org_type"] == "ngo"
    assert adult["sector"] == "T"
    assert adult["place_scope"] == "both"
    child = next(r for r in rows if r["exploitation_forms"] == ["forced_criminality"])
    assert child["minor_at_exploitation"] == "minor"
    assert sum(r["channel"] == "duty_to_notify" for r in rows) == 1
    assert refresh.contributors[0] == "referrals:referred"
    assert AuditEntry.objects.filter(action="observatory.refresh").count() == 1


def test_drafts_and_withdrawn_referrals_are_not_counted():
    referrer = factories.referrer_at_association()
    referrals.draft(referrer)
    withdrawn = referrals.submitted(referrer)
    from balise.referrals import services as referral_services

    referral_services.referral_withdraw(acting_user=referrer, referral=withdrawn, reason="test")
    assert services.refresh_projection().rows == 0


def test_a_linkage_resolver_merges_persons_across_organisations():
    referrals.submitted(factories.referrer_at_association())
    referrals.submitted(factories.referrer_at_police_unit())
    assert services.refresh_projection().rows == 2
    contributors.set_person_resolver(lambda person_id: "same human")
    try:
        assert services.refresh_projection().rows == 1
    finally:
        contributors.set_person_resolver(None)


def test_a_new_stage_is_one_registered_function():
    def extra(builder):
        for row in builder.rows.values():
            row["accompanied"] = True

    contributors.register("referrals", "accompanied_test")(extra)
    try:
        referrals.submitted(factories.referrer_at_association())
        refresh = services.refresh_projection()
        assert refresh.projection()["accompanied"].to_pylist() == [True]
        assert "referrals:accompanied_test" in refresh.contributors
    finally:
        contributors.CONTRIBUTORS[:] = [
            c for c in contributors.CONTRIBUTORS if c.stage != "accompanied_test"
        ]


def test_the_management_command_and_the_periodic_task_refresh(capsys):
    from balise.core import scheduler
    from balise.observatory.tasks import refresh_projection_task

    referrals.submitted(factories.referrer_at_association())
    call_command("refresh_statistics")
    assert "1 person-periods" in capsys.readouterr().out
    assert "balise.observatory.tasks.refresh_projection_task" in {
        p.task_path for p in scheduler.PERIODIC
    }
    refresh_projection_task.enqueue()
    assert services.latest_refresh().rows == 1


def _without_pseudonyms(refresh):
    rows = [
        {k: v for k, v in r.items() if k != "pseudonym"} for r in refresh.projection().to_pylist()
    ]
    return sorted(rows, key=lambda r: sorted((k, str(v)) for k, v in r.items()))


def test_cell_keys_are_kept_per_person_across_refreshes(settings):
    from balise.observatory.models import PersonCellKey
    from balise.observatory.statistics.release import build_release
    from balise.observatory.statistics.tables import TableSpec

    referrer = factories.referrer_at_association()
    for i in range(12):
        referrals.submitted(referrer, referrals.adult_referral_data(given_names=f"P{i}"))
    first = services.refresh_projection()
    second = services.refresh_projection()

    # Fresh pseudonyms, the same keys for the same persons.
    assert set(first.projection()["pseudonym"].to_pylist()).isdisjoint(
        second.projection()["pseudonym"].to_pylist()
    )
    assert _without_pseudonyms(first) == _without_pseudonyms(second)
    assert PersonCellKey.objects.count() == 12
    assert "person:" not in str(list(PersonCellKey.objects.values_list("subject", flat=True)))

    # The same cells get the same noise: averaging releases reveals nothing more.
    settings.BALISE_DISCLOSURE_CONTROL = {"method": "cell_key", "rounding_base": 1}
    config = services.disclosure_config()
    spec = [TableSpec("referred", "referred", "referred", (), by_region=False)]
    year = first.years[0]
    shown = [
        build_release(r.projection(), config, year=year, specs=spec).table("referred").cell()
        for r in (first, second)
    ]
    assert shown[0] == shown[1]
    assert shown[0].value is not None and abs(shown[0].value - 12) <= config.max_noise

    # A new person gets a new key; the others keep theirs.
    before = dict(PersonCellKey.objects.values_list("subject", "cell_key"))
    referrals.submitted(referrer, referrals.adult_referral_data(given_names="New"))
    third = services.refresh_projection()
    after = dict(PersonCellKey.objects.values_list("subject", "cell_key"))
    assert len(after) == 13 and {s: after[s] for s in before} == before
    (new_subject,) = set(after) - set(before)
    assert sorted(third.projection()["cell_key"].to_pylist()) == sorted(
        [*before.values(), after[new_subject]]
    )


def test_persons_merged_by_linkage_share_one_cell_key():
    from balise.observatory.models import PersonCellKey

    referrals.submitted(factories.referrer_at_association())
    referrals.submitted(factories.referrer_at_police_unit())
    services.refresh_projection()
    assert PersonCellKey.objects.count() == 2
    contributors.set_person_resolver(lambda person_id: "same human")
    try:
        refresh = services.refresh_projection()
    finally:
        contributors.set_person_resolver(None)
    assert refresh.rows == 1
    assert PersonCellKey.objects.count() == 3  # the human's own key, drawn once


def test_cell_keys_of_persons_purged_by_retention_are_pruned():
    from balise.core import scheduler
    from balise.observatory.models import PersonCellKey
    from balise.observatory.tasks import prune_cell_keys_task
    from balise.orientation import retention

    referrer = factories.referrer_at_association()
    made = [
        referrals.submitted(referrer, referrals.adult_referral_data(given_names=f"P{i}"))
        for i in range(3)
    ]
    services.refresh_projection()
    assert PersonCellKey.objects.count() == 3
    assert prune_cell_keys_task.enqueue().return_value == {"deleted": 0}
    kept = dict(PersonCellKey.objects.values_list("subject", "cell_key"))

    retention.anonymise_person(made[0].person)  # the retention rule's purge of a person
    assert prune_cell_keys_task.enqueue().return_value == {"deleted": 1}
    after = dict(PersonCellKey.objects.values_list("subject", "cell_key"))
    assert len(after) == 2 and all(kept[s] == k for s, k in after.items())
    entry = AuditEntry.objects.get(action="observatory.prune_cell_keys")
    assert entry.details == {"deleted": 1}

    # Still counted, but the next refreshes store no key for the purged person.
    refresh = services.refresh_projection()
    assert refresh.rows == 3
    assert dict(PersonCellKey.objects.values_list("subject", "cell_key")) == after
    assert prune_cell_keys_task.enqueue().return_value == {"deleted": 0}
    assert any(
        p.task_path == "balise.observatory.tasks.prune_cell_keys_task" for p in scheduler.PERIODIC
    )


def test_a_purged_record_linked_to_a_living_one_keeps_the_humans_key():
    from balise.observatory.models import PersonCellKey
    from balise.orientation import retention

    first = referrals.submitted(factories.referrer_at_association())
    referrals.submitted(factories.referrer_at_police_unit())
    contributors.set_person_resolver(lambda person_id: "same human")
    try:
        services.refresh_projection()
        assert PersonCellKey.objects.count() == 1
        retention.anonymise_person(first.person)
        assert services.prune_cell_keys() == 0  # the other record is the same human
    finally:
        contributors.set_person_resolver(None)
    assert PersonCellKey.objects.count() == 1
