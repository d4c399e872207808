"""The identified stage, contributed by the identification app when it is installed."""

import datetime

import pytest
import time_machine
from django.apps import apps

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not apps.is_installed("balise.identification"), reason="identification app not installed"
    ),
]


def test_decisions_and_their_delays_enter_the_projection():
    from balise.identification.enums import CaseEvent as E
    from balise.identification.tests.factories import decide, officer, submitted_case
    from balise.observatory import services

    officer_ = officer()
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)):
        case = submitted_case()
    with time_machine.travel(datetime.datetime(2025, 3, 6, 9, 0, tzinfo=datetime.UTC)):
        decide(case, officer_, E.START_ASSESSMENT)
        case = decide(case, officer_, E.PRELIMINARY_POSITIVE)
    with time_machine.travel(datetime.datetime(2025, 4, 7, 9, 0, tzinfo=datetime.UTC)):
        case = decide(case, officer_, E.CONCLUSIVE_POSITIVE)
        table = services.refresh_projection().projection()

    assert table.num_rows == 1  # referred and identified: one person
    row = table.to_pylist()[0]
    assert row["referred"] and row["identified"]
    assert (row["preliminary_decision"], row["days_to_preliminary"]) == ("positive", 3)
    assert (row["conclusive_decision"], row["days_to_conclusive"]) == ("positive", 32)
    assert not row["decision_overdue"]


def test_a_decision_past_its_deadline_is_overdue():
    from balise.identification.tests.factories import submitted_case
    from balise.observatory import services

    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)):
        submitted_case()
    with time_machine.travel(datetime.datetime(2025, 3, 20, 9, 0, tzinfo=datetime.UTC)):
        row = services.refresh_projection().projection().to_pylist()[0]
    assert row["decision_overdue"] and not row["identified"]
