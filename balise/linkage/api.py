"""REST endpoints for the competent authority's case officers and team leads: possible matches
(statuses of the compared fields only, never values), confirm / reject, and undoing a merge.
Everyone else gets 404."""

from __future__ import annotations

import uuid

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from balise.core.access import get_for_user_or_404
from balise.linkage import selectors, services
from balise.linkage.models import MatchCandidate, PersonMerge


class MatchCandidateSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = MatchCandidate
        fields = [
            "id",
            "person",
            "candidate_person",
            "score",
            "method",
            "field_comparison",
            "status",
            "status_label",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class PersonMergeSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = PersonMerge
        fields = [
            "id",
            "kept",
            "merged",
            "candidate",
            "referral_ids",
            "case_ids",
            "merged_at",
            "undone_at",
            "active",
        ]
        read_only_fields = fields


class _ReviewerOnly:
    def initial(self, request: Request, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if not selectors.can_review_matches(request.user):
            raise exceptions.NotFound()


class MatchCandidateViewSet(_ReviewerOnly, viewsets.ReadOnlyModelViewSet):
    serializer_class = MatchCandidateSerializer

    def get_queryset(self):  # noqa: ANN201
        qs = selectors.candidate_queryset_for_user(self.request.user).order_by("-score", "pk")
        person = self.request.query_params.get("person")
        if person:
            try:
                person_id = uuid.UUID(person)
            except ValueError:
                return qs.none()
            qs = qs.filter(Q(person_id=person_id) | Q(candidate_person_id=person_id))
        wanted = self.request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("person", str, description="Candidates involving this person"),
            OpenApiParameter("status", str, description="pending, confirmed or rejected"),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        obj = get_for_user_or_404(self.get_queryset(), pk=kwargs["pk"])
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=None, responses={201: PersonMergeSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        candidate = get_for_user_or_404(self.get_queryset(), pk=pk)
        try:
            merge = services.candidate_confirm(acting_user=request.user, candidate=candidate)
        except services.MergeError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(PersonMergeSerializer(merge).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MatchCandidateSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        candidate = get_for_user_or_404(self.get_queryset(), pk=pk)
        try:
            candidate = services.candidate_reject(acting_user=request.user, candidate=candidate)
        except services.MergeError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(MatchCandidateSerializer(candidate).data)


class PersonMergeViewSet(_ReviewerOnly, viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonMergeSerializer

    def get_queryset(self):  # noqa: ANN201
        return selectors.merge_queryset_for_user(self.request.user).order_by("-merged_at", "pk")

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        obj = get_for_user_or_404(self.get_queryset(), pk=kwargs["pk"])
        return Response(self.get_serializer(obj).data)

    @extend_schema(request=None, responses={200: PersonMergeSerializer})
    @action(detail=True, methods=["post"])
    def unmerge(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        merge = get_for_user_or_404(self.get_queryset(), pk=pk)
        try:
            merge = services.merge_undo(acting_user=request.user, merge=merge)
        except services.MergeError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(PersonMergeSerializer(merge).data)


def register(router, patterns) -> None:  # noqa: ANN001
    router.register("linkage/candidates", MatchCandidateViewSet, basename="linkage-candidate")
    router.register("linkage/merges", PersonMergeViewSet, basename="linkage-merge")
