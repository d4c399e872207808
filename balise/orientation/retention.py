"""Retention: support files closed for longer than the jurisdiction's retention period are
anonymised, keeping only non-identifying statistical fields (service, kind, dates, closure
reason, types of support, rights and amounts). A person whose every support file is closed past
retention has their identifying fields blanked (``persons.Person`` encrypted fields and blind
indexes). Every purge is audited; nothing identifying goes into the audit details."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.jurisdictions.profiles import get_profile
from balise.orientation.enums import FileStatus
from balise.orientation.models import (
    CaseNote,
    DangerLocation,
    OrientationRequest,
    SharingConsent,
    SupportEvent,
    SupportFile,
)


@dataclass
class PurgeReport:
    apply: bool
    cutoff: datetime.datetime
    files: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {"files": len(self.files), "persons": len(self.persons), "applied": int(self.apply)}


def cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    return now - datetime.timedelta(days=get_profile().retention_closed_case_days)


def files_due(now: datetime.datetime | None = None):  # noqa: ANN201
    return SupportFile.objects.filter(
        status=FileStatus.CLOSED, closed_at__lt=cutoff(now), anonymised_at__isnull=True
    )


def persons_due(person_ids, now: datetime.datetime | None = None) -> list:  # noqa: ANN001
    """Of ``person_ids``, those with at least one support file and none that is open or
    closed more recently than the cutoff."""
    from balise.persons.models import Person

    limit = cutoff(now)
    recent = SupportFile.objects.filter(
        Q(status=FileStatus.OPEN) | Q(closed_at__gte=limit) | Q(closed_at__isnull=True)
    ).values("person_id")
    return list(
        Person.objects.filter(pk__in=person_ids, support_files__isnull=False)
        .exclude(pk__in=recent)
        .distinct()
    )


def anonymise_person(person, *, actor=None) -> None:  # noqa: ANN001
    """Blank the identifying fields of a person (encrypted fields, then indexes on save) and
    the orientation data that point at them."""
    from balise.persons.models import IDENTIFYING_FIELDS

    for name in IDENTIFYING_FIELDS:
        setattr(person, name, None)
    person.save()
    DangerLocation.objects.filter(person=person).delete()
    SharingConsent.objects.filter(person=person).update(withdrawn_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.PURGE,
        obj=person,
        details={"rule": "retention_closed_case_days", "scope": "person_identifying_fields"},
    )


def anonymise_file(support_file: SupportFile, *, actor=None, now=None) -> None:  # noqa: ANN001
    now = now or timezone.now()
    SupportFile.objects.filter(pk=support_file.pk).update(
        closure_details=None,
        guardian_name=None,
        guardian_organisation=None,
        guardian_contact=None,
        anonymised_at=now,
    )
    SupportEvent.objects.filter(support_file=support_file).update(description=None)
    CaseNote.objects.filter(support_file=support_file).delete()
    OrientationRequest.objects.filter(pk=support_file.orientation_id).update(
        message=None, decline_details=None, override_justification=None
    )
    audit_record(
        actor=actor,
        action=AuditAction.PURGE,
        obj=support_file,
        details={
            "rule": "retention_closed_case_days",
            "days": get_profile().retention_closed_case_days,
        },
    )


def purge(*, apply: bool = False, now: datetime.datetime | None = None, actor=None) -> PurgeReport:  # noqa: ANN001
    """Find (and with ``apply`` anonymise) what the retention rule reaches."""
    now = now or timezone.now()
    report = PurgeReport(apply=apply, cutoff=cutoff(now))
    due = list(files_due(now))
    report.files = [str(f.pk) for f in due]
    persons = persons_due({f.person_id for f in due}, now)
    report.persons = [str(p.pk) for p in persons]
    if not apply:
        return report
    for support_file in due:
        with transaction.atomic():
            anonymise_file(support_file, actor=actor, now=now)
    for person in persons:
        with transaction.atomic():
            anonymise_person(person, actor=actor)
    return report
