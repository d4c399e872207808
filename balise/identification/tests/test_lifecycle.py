"""The case's state machine: every (state, event) pair not allowed raises; the allowed ones
lead where the law says; four eyes on negative decisions; clocks refuse early decisions."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.conf import settings
from django.db import connection, connections

from balise.accounts.enums import Role
from balise.core.state_machine import TransitionNotAllowed
from balise.identification import lifecycle, services
from balise.identification.enums import CaseEvent as E
from balise.identification.enums import CaseState as S
from balise.identification.models import Case, Decision
from balise.identification.tests.factories import (
    DECISION,
    authority_staff,
    decide,
    officer,
    reviewer,
    submitted_case,
)
from tests import factories

pytestmark = pytest.mark.django_db

#: The law, written out independently of lifecycle.py.
EXPECTED = {
    (S.RECEIVED, E.START_ASSESSMENT): S.UNDER_ASSESSMENT,
    (S.UNDER_ASSESSMENT, E.PRELIMINARY_POSITIVE): S.REFLECTION_PERIOD,
    (S.UNDER_ASSESSMENT, E.PRELIMINARY_NEGATIVE): S.PRELIMINARY_REVIEW,
    (S.PRELIMINARY_REVIEW, E.CONFIRM_PRELIMINARY_NEGATIVE): S.PRELIMINARY_NEGATIVE,
    (S.PRELIMINARY_REVIEW, E.SEND_BACK_PRELIMINARY): S.UNDER_ASSESSMENT,
    (S.REFLECTION_PERIOD, E.CONCLUSIVE_POSITIVE): S.IDENTIFIED,
    (S.REFLECTION_PERIOD, E.CONCLUSIVE_NEGATIVE): S.CONCLUSIVE_REVIEW,
    (S.CONCLUSIVE_REVIEW, E.CONFIRM_CONCLUSIVE_NEGATIVE): S.CONCLUSIVE_NEGATIVE,
    (S.CONCLUSIVE_REVIEW, E.SEND_BACK_CONCLUSIVE): S.REFLECTION_PERIOD,
    (S.PRELIMINARY_NEGATIVE, E.RECONSIDER_PRELIMINARY): S.UNDER_ASSESSMENT,
    (S.CONCLUSIVE_NEGATIVE, E.RECONSIDER_CONCLUSIVE): S.REFLECTION_PERIOD,
    (S.IDENTIFIED, E.CLOSE): S.CLOSED,
    (S.PRELIMINARY_NEGATIVE, E.CLOSE): S.CLOSED,
    (S.CONCLUSIVE_NEGATIVE, E.CLOSE): S.CLOSED,
    **{
        (s, E.WITHDRAW): S.WITHDRAWN
        for s in (
            S.RECEIVED,
            S.UNDER_ASSESSMENT,
            S.PRELIMINARY_REVIEW,
            S.REFLECTION_PERIOD,
            S.CONCLUSIVE_REVIEW,
        )
    },
    (S.RECEIVED, E.MERGE): S.MERGED,
    (S.UNDER_ASSESSMENT, E.MERGE): S.MERGED,
}

ALL_PAIRS = [(s, e) for s in S for e in E]
FORBIDDEN = [(s, e) for (s, e) in ALL_PAIRS if (s, e) not in EXPECTED]


def test_the_machine_is_exactly_the_table_of_the_law():
    for state in S:
        for event in E:
            expected = EXPECTED.get((state, event))
            if expected is None:
                with pytest.raises(TransitionNotAllowed):
                    lifecycle.CASE.target(state, event)
            else:
                assert lifecycle.CASE.target(state, event) == expected
    assert len(FORBIDDEN) == len(S) * len(E) - len(EXPECTED)


@pytest.fixture
def one_case(db):
    """A bare case (no referral behind it): the machine does not look at referrals."""
    return Case.objects.create(
        referring_organisation=factories.organisation("police"),
        preliminary_due=datetime.date(2025, 1, 10),
    )


@pytest.fixture
def everyone(db):
    """A member of the competent authority holding every deciding and reviewing role."""
    return authority_staff(Role.CASE_OFFICER, Role.TEAM_LEAD, Role.REVIEWER)


@pytest.mark.parametrize(("state", "event"), FORBIDDEN, ids=lambda v: str(v))
def test_every_forbidden_event_raises_and_changes_nothing(one_case, everyone, state, event):
    Case.objects.filter(pk=one_case.pk).update(state=state)
    one_case.refresh_from_db()
    logged = one_case.transitions.count()
    with pytest.raises(TransitionNotAllowed):
        services.case_event(
            acting_user=everyone,
            case=one_case,
            event=event,
            reconsideration_ground="new_evidence",
            **DECISION,
        )
    one_case.refresh_from_db()
    assert one_case.state == state
    assert one_case.transitions.count() == logged
    assert not Decision.objects.filter(case=one_case).exists()


def test_both_decisions_positive_with_the_clocks():
    officer_ = officer()
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)):
        case = submitted_case()
        assert case.preliminary_due == datetime.date(2025, 3, 10)  # Monday + 5 working days
        decide(case, officer_, E.START_ASSESSMENT)
        case = decide(case, officer_, E.PRELIMINARY_POSITIVE)
    assert case.state == S.REFLECTION_PERIOD
    assert case.reflection_ends == datetime.date(2025, 4, 2)
    assert case.conclusive_earliest == datetime.date(2025, 4, 2)
    assert case.next_deadline == case.reflection_ends
    assert case.protected_from_removal(datetime.date(2025, 4, 1))
    with time_machine.travel(datetime.datetime(2025, 4, 1, 12, 0, tzinfo=datetime.UTC)):
        with pytest.raises(services.CaseInvalid) as refused:
            decide(case, officer_, E.CONCLUSIVE_POSITIVE)
        assert "2025-04-02" in refused.value.errors["event"][0]
        assert "30" in refused.value.errors["event"][0]
    with time_machine.travel(datetime.datetime(2025, 4, 2, 8, 0, tzinfo=datetime.UTC)):
        case = decide(case, officer_, E.CONCLUSIVE_POSITIVE)
    assert case.state == S.IDENTIFIED
    assert case.next_deadline is None
    log = list(case.transitions.order_by("at", "id").values_list("event", "actor", "to_state"))
    assert [row[0] for row in log] == [
        "open",
        "start_assessment",
        "preliminary_positive",
        "conclusive_positive",
    ]
    assert all(row[1] == officer_.pk for row in log[1:])


def test_a_negative_decision_needs_a_different_reviewer_and_can_be_sent_back():
    author = authority_staff(Role.CASE_OFFICER, Role.REVIEWER)
    other_reviewer = reviewer(org=author.primary_organisation())
    case = submitted_case()
    decide(case, author, E.START_ASSESSMENT)
    case = decide(case, author, E.PRELIMINARY_NEGATIVE, grounds=["means_not_established"])
    assert case.state == S.PRELIMINARY_REVIEW
    # The author cannot review their own negative decision, even holding the reviewer role.
    with pytest.raises(services.CaseNotAllowed):
        decide(case, author, E.CONFIRM_PRELIMINARY_NEGATIVE)
    # A case officer without the reviewer role cannot review.
    with pytest.raises(services.CaseNotAllowed):
        decide(case, officer(org=author.primary_organisation()), E.CONFIRM_PRELIMINARY_NEGATIVE)
    # Sending back needs reasons.
    with pytest.raises(services.CaseInvalid) as exc:
        decide(case, other_reviewer, E.SEND_BACK_PRELIMINARY, reasons="")
    assert "reasons" in exc.value.errors
    case = decide(
        case, other_reviewer, E.SEND_BACK_PRELIMINARY, reasons="Interview not considered."
    )
    assert case.state == S.UNDER_ASSESSMENT
    decision = case.decisions.get()
    assert decision.review_outcome == "sent_back"
    assert decision.reviewed_by == other_reviewer
    assert decision.review_reasons == "Interview not considered."
    case = decide(case, author, E.PRELIMINARY_NEGATIVE)
    case = decide(case, other_reviewer, E.CONFIRM_PRELIMINARY_NEGATIVE)
    assert case.state == S.PRELIMINARY_NEGATIVE
    assert case.reconsideration_until is not None
    assert case.next_deadline is None


def test_a_case_officer_cannot_review_and_a_reviewer_cannot_decide():
    rev = reviewer()
    case = submitted_case()
    with pytest.raises(services.CaseNotAllowed):
        decide(case, rev, E.START_ASSESSMENT)
    with pytest.raises(services.CaseNotAllowed):
        decide(case, factories.referrer_at_police_unit(), E.START_ASSESSMENT)


def test_a_decision_needs_reasons_grounds_and_evidence_from_the_lists():
    off = officer()
    case = submitted_case()
    decide(case, off, E.START_ASSESSMENT)
    with pytest.raises(services.CaseInvalid) as exc:
        services.case_event(acting_user=off, case=case, event=E.PRELIMINARY_POSITIVE)
    assert set(exc.value.errors) == {"reasons", "grounds", "evidence"}
    with pytest.raises(services.CaseInvalid) as exc:
        decide(case, off, E.PRELIMINARY_POSITIVE, grounds=["made_up"], evidence=["rumour"])
    assert set(exc.value.errors) == {"grounds", "evidence"}
    case.refresh_from_db()
    assert case.state == S.UNDER_ASSESSMENT


def _to_conclusive_negative(off, rev, start):  # noqa: ANN001, ANN202
    with time_machine.travel(start):
        case = submitted_case()
        decide(case, off, E.START_ASSESSMENT)
        decide(case, off, E.PRELIMINARY_POSITIVE)
    with time_machine.travel(start + datetime.timedelta(days=31)):
        decide(case, off, E.CONCLUSIVE_NEGATIVE, grounds=["purpose_not_established"])
        decide(case, rev, E.SEND_BACK_CONCLUSIVE, reasons="Medical report missing.")
        decide(case, off, E.CONCLUSIVE_NEGATIVE, grounds=["purpose_not_established"])
        case = decide(case, rev, E.CONFIRM_CONCLUSIVE_NEGATIVE)
    return case


def test_reconsideration_within_the_window_reopens_the_conclusive_stage():
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    start = datetime.datetime(2025, 1, 6, 10, 0, tzinfo=datetime.UTC)
    case = _to_conclusive_negative(off, rev, start)
    assert case.state == S.CONCLUSIVE_NEGATIVE
    assert case.reconsideration_until == datetime.date(2025, 3, 8)
    with time_machine.travel(datetime.datetime(2025, 3, 1, 10, 0, tzinfo=datetime.UTC)):
        with pytest.raises(services.CaseInvalid) as exc:  # the window is still open
            decide(case, off, E.CLOSE)
        assert "2025-03-08" in exc.value.errors["event"][0]
        with pytest.raises(services.CaseInvalid) as exc:
            decide(case, off, E.RECONSIDER_CONCLUSIVE, reconsideration_ground="")
        assert "reconsideration_ground" in exc.value.errors
        case = decide(
            case,
            off,
            E.RECONSIDER_CONCLUSIVE,
            reconsideration_ground="new_evidence",
            reasons="A medical report now supports the account.",
        )
    assert case.state == S.REFLECTION_PERIOD
    assert case.reconsiderations.get().ground == "new_evidence"


def test_reconsideration_after_the_window_is_refused_and_closing_is_allowed():
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    start = datetime.datetime(2025, 1, 6, 10, 0, tzinfo=datetime.UTC)
    case = _to_conclusive_negative(off, rev, start)
    with time_machine.travel(datetime.datetime(2025, 3, 9, 10, 0, tzinfo=datetime.UTC)):
        with pytest.raises(services.CaseInvalid) as exc:
            decide(case, off, E.RECONSIDER_CONCLUSIVE, reconsideration_ground="guidance_breach")
        assert "2025-03-08" in exc.value.errors["event"][0]
        case = decide(case, off, E.CLOSE)
    assert case.state == S.CLOSED


def test_reconsidering_a_preliminary_negative_restarts_the_preliminary_clock():
    off = officer()
    rev = reviewer(org=off.primary_organisation())
    case = submitted_case()
    decide(case, off, E.START_ASSESSMENT)
    decide(case, off, E.PRELIMINARY_NEGATIVE)
    decide(case, rev, E.CONFIRM_PRELIMINARY_NEGATIVE)
    case = decide(case, off, E.RECONSIDER_PRELIMINARY, reconsideration_ground="guidance_breach")
    assert case.state == S.UNDER_ASSESSMENT
    assert case.preliminary_decided_on is None
    assert case.next_deadline == case.preliminary_due


def test_withdrawing_the_only_referral_withdraws_the_case():
    from balise.referrals import services as referral_services

    referrer = factories.referrer_at_police_unit()
    case = submitted_case(referrer)
    referral = case.case_referrals.get().referral
    referral_services.referral_withdraw(acting_user=referrer, referral=referral, reason="error")
    case.refresh_from_db()
    assert case.state == S.WITHDRAWN


def test_linking_a_referral_to_an_existing_case():
    off = officer()
    first = submitted_case()
    second = submitted_case(child=True)
    target = services.case_link(acting_user=off, case=second, into=first)
    second.refresh_from_db()
    assert second.state == S.MERGED
    assert target.case_referrals.count() == 2
    assert target.presumed_minor
    assert {r.referral.person_id for r in target.case_referrals.all()} == {first.person_id}
    with pytest.raises(TransitionNotAllowed):  # a merged case cannot be linked again
        services.case_link(acting_user=off, case=second, into=first)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite locks the whole database file: row-level concurrency needs PostgreSQL",
)
def test_two_concurrent_decisions_on_one_case_cannot_both_succeed():
    off_a = officer()
    off_b = officer(org=off_a.primary_organisation())
    case = submitted_case()
    decide(case, off_a, E.START_ASSESSMENT)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run(user, event) -> None:  # noqa: ANN001
        try:
            barrier.wait()
            decide(Case.objects.get(pk=case.pk), user, event)
            results.append("ok")
        except TransitionNotAllowed:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(off_a, E.PRELIMINARY_POSITIVE)),
        threading.Thread(target=run, args=(off_b, E.PRELIMINARY_NEGATIVE)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    case.refresh_from_db()
    assert case.decisions.count() == 1
    assert case.transitions.filter(event__startswith="preliminary").count() == 1
    assert connection.vendor == "postgresql"
