"""The demo data shows every stage of identification, overdue cases and a history."""

import pytest

from balise.identification.enums import CaseState
from balise.identification.models import Case

pytestmark = pytest.mark.django_db


def test_demo_cases_at_every_stage_some_overdue(settings):
    from balise.demo import data
    from balise.identification import clocks, demo

    settings.BALISE_DEMO_ALLOWED = True
    saved = list(data.BUILDERS)
    data.BUILDERS[:] = [demo.build]
    try:
        data.build_demo(seed=7)
        count = Case.objects.count()
        data.build_demo(seed=7)  # loading twice adds nothing
    finally:
        data.BUILDERS[:] = saved
    assert Case.objects.count() == count == len(demo.PLAN)
    states = set(Case.objects.values_list("state", flat=True))
    assert states == {s.value for s in CaseState} - {CaseState.MERGED}
    assert Case.objects.filter(next_deadline__lt=clocks.local_today()).count() >= 3
    assert Case.objects.filter(presumed_minor=True).exists()
    assert Case.objects.filter(guardian_recorded_at__isnull=False).exists()
