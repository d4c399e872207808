"""The demo builds calls and public reports, and building twice adds nothing."""

import pytest

import balise.hotline.demo  # noqa: F401 (registers the builder)
import balise.public_reports.demo  # noqa: F401
from balise.demo.data import build_demo
from balise.hotline.models import Call
from balise.public_reports.models import PublicReport


@pytest.mark.django_db
def test_demo_data_is_built_once():
    build_demo(seed=7)
    statuses = sorted(Call.objects.values_list("status", flat=True))
    assert statuses == ["closed_with_advice", "needs_follow_up", "open", "turned_into_referral"]
    assert PublicReport.objects.count() == 3
    assert all(r.code_hash.startswith("$argon2id$") for r in PublicReport.objects.all())
    build_demo(seed=7)
    assert Call.objects.count() == 4 and PublicReport.objects.count() == 3
