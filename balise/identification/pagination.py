"""Counting every row of a 100,000-case queue costs more than showing a page of it. Both the
page and the API count at most ``CAP`` rows beyond the current position: the total is exact up
to there and shown as "more than N" above it, and "next" links stay right at any depth."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

CAP = 1000


def capped_count(queryset: Any, upto: int) -> int:
    """``min(queryset.count(), upto)`` without counting further than ``upto`` rows."""
    return queryset.order_by().values("pk")[:upto].count()


class CappedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, page: int = 1) -> None:
        super().__init__(object_list, per_page)
        self.upto = page * per_page + CAP + 1

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list, self.upto)

    @property
    def capped(self) -> bool:
        return self.count >= self.upto


class CappedLimitOffsetPagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, request, view=None):  # noqa: ANN001, ANN201
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        upto = self.offset + self.limit + CAP + 1
        self.count = capped_count(queryset, upto)
        self.capped = self.count >= upto
        if self.count == 0 or self.offset > self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data) -> Response:  # noqa: ANN001
        return Response(
            {
                "count": self.count,
                "count_capped": self.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "true when there are more rows than ``count`` says",
        }
        return out
