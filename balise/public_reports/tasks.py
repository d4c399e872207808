from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from balise.public_reports import pow as proof_of_work
from balise.public_reports.services import expire_idle_codes, purge_handled_reports


@task()
def expire_receipt_codes() -> dict[str, int]:
    return {"expired": expire_idle_codes(), "spent_challenges_purged": proof_of_work.purge_spent()}


@task()
def purge_public_reports() -> dict[str, int]:
    return {"purged": purge_handled_reports()}


def staff_to_notify(report):  # noqa: ANN001, ANN201
    """Who hears that a reporter wrote: the hotline operators of active hotlines, and the staff
    who already answered this report (while they may still handle public reports)."""
    from balise.accounts.enums import Role
    from balise.accounts.models import Membership, User
    from balise.organisations.enums import OrganisationKind, OrganisationStatus
    from balise.public_reports.enums import AuthorKind
    from balise.public_reports.permissions import can_handle_public_reports

    operators = Membership.objects.filter(
        is_active=True,
        user__is_active=True,
        role=Role.HOTLINE_OPERATOR,
        organisation__kind=OrganisationKind.HOTLINE,
        organisation__status=OrganisationStatus.ACTIVE,
    ).values_list("user_id", flat=True)
    authors = report.messages.filter(author_kind=AuthorKind.STAFF).values_list(
        "author_id", flat=True
    )
    users = User.objects.filter(pk__in={*operators, *authors}, is_active=True)
    return [u for u in users if can_handle_public_reports(u)]


@task()
def notify_staff_of_reporter_message(report_id: str) -> int:
    """An in-app notice and an e-mail (the report's short reference only, never what was
    written) to each person in ``staff_to_notify`` who has no unread notice for the report
    yet. Returns the number of people notified."""
    from balise.public_reports.models import PublicReport, StaffNotice

    report = PublicReport.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    notified = 0
    for user in staff_to_notify(report):
        if StaffNotice.objects.filter(user=user, report=report, read_at__isnull=True).exists():
            continue
        try:
            with transaction.atomic():
                StaffNotice.objects.create(user=user, report=report)
        except IntegrityError:  # a concurrent notice for the same person and report
            continue
        notified += 1
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = _("Balise: new information on public report %(ref)s") % {
                "ref": report.short_ref
            }
            body = _(
                "The author of public report %(ref)s has added information. Sign in to Balise "
                "to read it."
            ) % {"ref": report.short_ref}
        send_mail(subject, body, None, [user.email], fail_silently=True)
    return notified
