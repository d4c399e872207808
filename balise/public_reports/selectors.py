from __future__ import annotations

from django.db import models

from balise.public_reports.models import PublicReport
from balise.public_reports.permissions import can_handle_public_reports


def public_report_queryset_for_user(user) -> models.QuerySet[PublicReport]:  # noqa: ANN001
    if not can_handle_public_reports(user):
        return PublicReport.objects.none()
    return PublicReport.objects.all()


def public_report_list(
    *, user, status: str = "", region: str = ""
) -> models.QuerySet[PublicReport]:  # noqa: ANN001, E501
    qs = public_report_queryset_for_user(user)
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__icontains=region[:100])
    return qs.annotate(message_count=models.Count("messages")).order_by("-submitted_at")
