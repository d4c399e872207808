from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import models

from balise.hotline.enums import CallStatus
from balise.hotline.models import Call
from balise.hotline.permissions import operator_hotlines


def call_queryset_for_user(user) -> models.QuerySet[Call]:  # noqa: ANN001
    """Calls of the hotlines where ``user`` is an operator; nothing for anyone else."""
    hotlines = operator_hotlines(user)
    if not hotlines:
        return Call.objects.none()
    return Call.objects.filter(hotline__in=hotlines).select_related("operator", "hotline")


def call_list(
    *,
    user,  # noqa: ANN001
    status: str = "",
    caller_type: str = "",
    urgency: str = "",
    language: str = "",
    situation_type: str = "",
    operator_id: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> models.QuerySet[Call]:
    qs = call_queryset_for_user(user)
    filters: dict[str, Any] = {
        "status": status,
        "caller_type": caller_type,
        "urgency": urgency,
        "language": language,
        "situation_type": situation_type,
        "operator_id": operator_id,
    }
    qs = qs.filter(**{k: v for k, v in filters.items() if v})
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs.order_by("-received_at")


def open_follow_ups_by_operator(*, user) -> list[tuple[Any, list[Call]]]:  # noqa: ANN001
    """Calls waiting for a follow-up, grouped by operator (the user's own group first), each
    group ordered by due date."""
    qs = call_queryset_for_user(user).filter(status=CallStatus.NEEDS_FOLLOW_UP)
    groups: dict[Any, list[Call]] = defaultdict(list)
    for call in qs.order_by(models.F("follow_up_due").asc(nulls_last=True), "received_at"):
        groups[call.operator].append(call)
    return sorted(
        groups.items(), key=lambda item: (item[0].pk != user.pk, item[0].full_name.casefold())
    )
