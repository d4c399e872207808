"""Deadline reminders (before a deadline passes) and escalations (after), sent once each."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from balise.accounts.enums import Role
from balise.accounts.models import User
from balise.identification import clocks
from balise.identification.enums import OPEN_STATES, AlertLevel, DeadlineKind
from balise.identification.models import Case, CaseNotification, DeadlineAlert
from balise.identification.selectors import assignable_users


def _team_leads():  # noqa: ANN202
    return User.objects.filter(
        memberships__is_active=True,
        memberships__role=Role.TEAM_LEAD,
        memberships__organisation__kind="competent_authority",
        is_active=True,
    ).distinct()


def _recipients(case: Case, level: str) -> list[User]:
    if level == AlertLevel.ESCALATION:
        users = list(_team_leads())
        if case.assigned_to_id and case.assigned_to not in users:
            users.append(case.assigned_to)
        return users
    if case.assigned_to_id:
        return [case.assigned_to]
    return list(assignable_users())


def _notify(case: Case, alert: DeadlineAlert, users: list[User]) -> None:
    url = getattr(settings, "BALISE_BASE_URL", "").rstrip("/")
    link = f"{url}{reverse('identification:case', args=[case.pk])}"
    for user in users:
        CaseNotification.objects.create(user=user, case=case, alert=alert)
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            if alert.level == AlertLevel.ESCALATION:
                subject = _("Deadline passed on case %(ref)s") % {"ref": case.reference}
            else:
                subject = _("Deadline approaching on case %(ref)s") % {"ref": case.reference}
            body = _("%(kind)s: %(due)s.\n%(link)s") % {
                "kind": DeadlineKind(alert.kind).label,
                "due": alert.due.isoformat(),
                "link": link,
            }
        # Only the case reference and the deadline: never personal data in an email.
        send_mail(subject, body, None, [user.email], fail_silently=True)


def sweep_deadlines(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind before, escalate after; each (case, deadline, level) once."""
    today = clocks.local_today(now or timezone.now())
    sent = {AlertLevel.REMINDER.value: 0, AlertLevel.ESCALATION.value: 0}
    horizon = today + datetime.timedelta(days=14)
    cases = (
        Case.objects.filter(state__in=OPEN_STATES, next_deadline__lte=horizon)
        .exclude(next_deadline_kind="")
        .select_related("assigned_to")
    )
    for case in cases.iterator(chunk_size=500):
        due = case.next_deadline
        if clocks.is_passed(due, today):
            level = AlertLevel.ESCALATION
        elif clocks.is_due_for_reminder(due, today):
            level = AlertLevel.REMINDER
        else:
            continue
        try:
            with transaction.atomic():
                alert = DeadlineAlert.objects.create(
                    case=case, kind=case.next_deadline_kind, due=due, level=level
                )
                _notify(case, alert, _recipients(case, level))
        except IntegrityError:
            continue  # already sent for this deadline
        sent[level.value] += 1
    return sent


@task()
def send_deadline_reminders() -> dict[str, int]:
    return sweep_deadlines()
