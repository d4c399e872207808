"""The one way in to protected objects.

Every app exposes ``<thing>_queryset_for_user(user)`` in its selectors; views and API endpoints load
objects only through those querysets and ``get_for_user_or_404``. An object outside the user's
scope answers exactly like one that does not exist."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)


def get_for_user_or_404(queryset: models.QuerySet[M], **lookup: object) -> M:
    for key, value in lookup.items():
        if key in {"pk", "id"} or key.endswith("_id"):
            try:
                uuid.UUID(str(value))
            except ValueError:
                raise Http404(_("Not found.")) from None
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404(_("Not found.")) from None
