from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from balise.api.serializers import MeSerializer, OrganisationSerializer
from balise.organisations.selectors import organisation_queryset_for_user


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations visible to the caller (all of them for administrators)."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):  # noqa: ANN201
        return organisation_queryset_for_user(self.request.user).order_by("name")
