"""The code's expiry and the report's retention are two clocks, run by periodic tasks."""

from __future__ import annotations

from importlib import import_module

import pytest
import time_machine

from balise.audit.models import AuditEntry
from balise.core import scheduler
from balise.public_reports import tasks
from balise.public_reports.models import PublicReport, SpentChallenge
from balise.public_reports.services import public_report_transition
from balise.public_reports.tests import factories as pf

pytestmark = pytest.mark.django_db


def test_tasks_are_scheduled_and_importable():
    paths = {p.task_path for p in scheduler.PERIODIC}
    for path in (
        "balise.public_reports.tasks.expire_receipt_codes",
        "balise.public_reports.tasks.purge_public_reports",
    ):
        assert path in paths
        module, name = path.rsplit(".", 1)
        assert getattr(import_module(module), name)


def test_closed_reports_are_purged_after_retention_open_ones_never(settings):
    settings.BALISE_PUBLIC_REPORT_RETENTION_DAYS = 30
    settings.BALISE_RECEIPT_CODE_IDLE_DAYS = 90
    staff = pf.hotline_operator()
    with time_machine.travel("2026-01-01 09:00:00+00:00", tick=False) as traveller:
        closed = pf.report_made_by_public(what="closed one").report
        still_open = pf.report_made_by_public(what="open one").report
        public_report_transition(
            acting_user=staff, report=closed, event="close", closure_reason="duplicate"
        )
        traveller.move_to("2026-01-25 09:00:00+00:00")
        result = tasks.purge_public_reports.enqueue()
        assert result.return_value == {"purged": 0}
        traveller.move_to("2026-02-02 09:00:00+00:00")
        result = tasks.purge_public_reports.enqueue()
        assert result.return_value == {"purged": 1}
        assert list(PublicReport.objects.all()) == [still_open]
        assert AuditEntry.objects.filter(action="purge", object_id=str(closed.pk)).exists()
        # The open report's code expires after 90 idle days, the report itself stays.
        traveller.move_to("2026-04-02 10:00:00+00:00")
        expired = tasks.expire_receipt_codes.enqueue().return_value
        assert expired["expired"] == 1
        assert expired["spent_challenges_purged"] == 2  # one per report made
        assert PublicReport.objects.get().code_hash == ""
        assert not SpentChallenge.objects.exists()  # stale challenges are forgotten too
