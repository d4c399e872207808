"""The accompanied stage, contributed by the orientation app when it is installed."""

import datetime

import pytest
from django.apps import apps

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not apps.is_installed("balise.orientation"), reason="orientation app not installed"
    ),
]


def test_support_and_rights_make_the_person_accompanied():
    from balise.observatory import services
    from balise.orientation import services as orientation
    from balise.orientation.tests import factories as f
    from balise.referrals.models import Referral
    from balise.referrals.tests import factories as referrals
    from tests import factories

    referral = referrals.submitted(factories.referrer_at_association())
    person = Referral.objects.get(pk=referral.pk).person
    shelter = f.service(places=2)
    worker = f.staff(shelter)
    request = f.orientation(factories.case_officer(), person, shelter)
    support_file = orientation.orientation_accept(acting_user=worker, orientation=request)
    today = datetime.date.today()
    orientation.support_event_add(
        acting_user=worker, support_file=support_file, support_type="legal", occurred_on=today
    )
    orientation.right_add(
        acting_user=worker, support_file=support_file, kind="permit_granted", occurred_on=today
    )

    table = services.refresh_projection().projection()

    assert table.num_rows == 1  # the referred person and the accompanied person are one
    row = table.to_pylist()[0]
    assert row["referred"] and row["accompanied"]
    assert set(row["support_types"]) >= {"legal"}
    assert row["residence_status"] == "temporary_permit"
    assert row["gender"] == "feminine"
