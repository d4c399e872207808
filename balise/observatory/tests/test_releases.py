"""Releases: assembled from the projection, reviewed by another statistician, published only
when the disclosure audit passes, immutable once published, corrected by a new version."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from balise.audit.models import AuditEntry
from balise.core.state_machine import TransitionNotAllowed
from balise.observatory import services
from balise.observatory.enums import ReleaseStatus
from balise.observatory.models import Release
from balise.observatory.tests import factories as obs
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_statistician_assembles_a_draft_with_every_standard_table(
    statistician, synthetic_refresh
):
    release = services.create_release(actor=statistician, year=2025)
    assert release.status == ReleaseStatus.DRAFT
    assert release.version == 1
    assert release.audit_report["passed"] is True
    assert release.disclosure_config["threshold"] == 10
    names = {t["name"] for t in release.tables}
    assert {"referred_by_sex", "identified_by_sex", "accompanied_by_support"} <= names
    shown = [c for t in release.tables for c in t["cells"] if c[1] == "published"]
    assert shown and all(c[2] == 0 or c[2] >= 10 for c in shown)
    assert all(c[2] % 5 == 0 for c in shown)
    hidden = [c for t in release.tables for c in t["cells"] if c[1] != "published"]
    assert all(c[2] is None and c[3] in ("<10", "c") for c in hidden)
    assert AuditEntry.objects.filter(action="observatory.release_create").count() == 1


def test_only_a_statistician_assembles_a_release(synthetic_refresh):
    with pytest.raises(PermissionDenied):
        services.create_release(actor=factories.case_officer(), year=2025)


def test_the_author_cannot_review_their_own_release(statistician, synthetic_refresh):
    release = obs.draft_release(statistician)
    with pytest.raises(PermissionDenied):
        services.review_release(release, actor=statistician)


def test_publishing_needs_a_review(statistician, reviewer, synthetic_refresh):
    release = obs.draft_release(statistician)
    with pytest.raises(TransitionNotAllowed):
        services.publish_release(release, actor=reviewer)
    services.review_release(release, actor=reviewer)
    services.publish_release(release, actor=statistician)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.PUBLISHED
    assert release.published_at is not None
    assert [t.event for t in release.transitions.all()] == ["review", "publish"]


def test_publishing_is_refused_when_the_audit_fails(statistician, reviewer, synthetic_refresh):
    release = obs.draft_release(statistician)
    services.review_release(release, actor=reviewer)
    # Reveal a suppressed cell of the stored tables: the fresh audit must catch it.
    table = next(t for t in release.tables if any(c[1] == "primary" for c in t["cells"]))
    cell = next(c for c in table["cells"] if c[1] == "primary")
    cell[1], cell[2], cell[3] = "published", 3, "3"
    Release.objects.filter(pk=release.pk).update(tables=release.tables)
    release.refresh_from_db()
    with pytest.raises(ValidationError):
        services.publish_release(release, actor=reviewer)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.REVIEWED


def test_a_published_release_is_immutable(statistician, reviewer, synthetic_refresh):
    release = obs.published_release(statistician, reviewer)
    release.tables = []
    with pytest.raises(ValueError, match="immutable"):
        release.save()


def test_a_correction_is_a_new_version_that_supersedes_the_first(
    statistician, reviewer, synthetic_refresh
):
    first = obs.published_release(statistician, reviewer)
    with pytest.raises(ValidationError):
        services.correct_release(first, actor=statistician, note="  ")
    correction = services.correct_release(first, actor=statistician, note="Late referrals added.")
    assert (correction.version, correction.previous, correction.status) == (2, first, "draft")
    first.refresh_from_db()
    assert first.status == ReleaseStatus.PUBLISHED  # until the correction is published
    services.review_release(correction, actor=reviewer)
    services.publish_release(correction, actor=reviewer)
    first.refresh_from_db()
    assert first.status == ReleaseStatus.SUPERSEDED
    with pytest.raises(ValidationError):
        services.correct_release(first, actor=statistician, note="again")


def test_a_regional_release_counts_only_that_region(statistician, synthetic_refresh):
    national = services.create_release(actor=statistician, year=2025)
    region = next(t for t in national.tables if t["name"] == "referred_by_sex")["dimensions"][0][
        "categories"
    ][0]
    regional = services.create_release(actor=statistician, year=2025, area=region)
    total = next(c for c in regional.table("referred_by_sex")["cells"] if c[0] == ["_T", "_T"])
    national_total = next(
        c for c in national.table("referred_by_sex")["cells"] if c[0] == ["_T", "_T"]
    )
    assert total[2] is not None and total[2] < national_total[2]


def test_a_release_needs_a_refresh(statistician):
    with pytest.raises(ValidationError):
        services.create_release(actor=statistician, year=2025)
