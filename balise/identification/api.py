"""REST endpoints: the queue (with its filters), a case with its deadlines, decisions and other
lifecycle events (POST), and the outcome of a referral for its referrer."""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.identification import clocks, selectors, services
from balise.identification.enums import (
    CaseEvent,
    CaseState,
    DecisionGround,
    EvidenceKind,
    ReconsiderationGround,
)
from balise.identification.models import Case, Decision
from balise.identification.pagination import CappedLimitOffsetPagination
from balise.identification.permissions import is_authority_staff
from balise.referrals.selectors import referral_queryset_for_user


class DeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateField()
    passed = serializers.BooleanField()
    days_left = serializers.IntegerField()
    working_days_left = serializers.IntegerField()
    current = serializers.BooleanField()


class CaseSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    referring_organisation_name = serializers.CharField(
        source="referring_organisation.name", read_only=True
    )
    overdue = serializers.SerializerMethodField()
    protected_from_removal = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "state",
            "state_label",
            "presumed_minor",
            "immediate_danger",
            "region",
            "exploitation_forms",
            "referring_organisation",
            "referring_organisation_name",
            "assigned_to",
            "received_at",
            "preliminary_due",
            "reflection_ends",
            "conclusive_earliest",
            "reconsideration_until",
            "next_deadline",
            "next_deadline_kind",
            "overdue",
            "protected_from_removal",
        ]
        read_only_fields = fields

    def _today(self):  # noqa: ANN202
        if "today" not in self.context:
            self.context["today"] = clocks.local_today()
        return self.context["today"]

    def get_overdue(self, obj: Case) -> bool:
        return obj.is_overdue(self._today())

    def get_protected_from_removal(self, obj: Case) -> bool:
        return obj.protected_from_removal(self._today())


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            "stage",
            "outcome",
            "reasons",
            "grounds",
            "evidence",
            "evidence_notes",
            "decided_by",
            "decided_at",
            "review_outcome",
            "reviewed_by",
            "reviewed_at",
            "review_reasons",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    event = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.UUIDField(source="actor_id", allow_null=True)
    reason = serializers.CharField()
    at = serializers.DateTimeField()


class CaseDetailSerializer(CaseSerializer):
    deadlines = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    referrals = serializers.SerializerMethodField()
    guardian_recorded = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "deadlines",
            "decisions",
            "transitions",
            "referrals",
            "guardian_recorded",
        ]
        read_only_fields = fields

    @extend_schema(responses=DeadlineSerializer(many=True))
    def get_deadlines(self, obj: Case) -> list[dict]:
        return DeadlineSerializer(clocks.case_deadlines(obj, self._today()), many=True).data

    def get_referrals(self, obj: Case) -> list[dict[str, str]]:
        return [{"id": str(r.pk), "reference": r.reference} for r in selectors.case_referrals(obj)]

    def get_guardian_recorded(self, obj: Case) -> bool:
        return obj.guardian_recorded_at is not None


class CaseEventSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=[e for e in CaseEvent if e != CaseEvent.MERGE])
    reasons = serializers.CharField(required=False, allow_blank=True, default="")
    grounds = serializers.ListField(
        child=serializers.ChoiceField(choices=DecisionGround.choices), required=False, default=list
    )
    evidence = serializers.ListField(
        child=serializers.ChoiceField(choices=EvidenceKind.choices), required=False, default=list
    )
    evidence_notes = serializers.CharField(required=False, allow_blank=True, default="")
    reconsideration_ground = serializers.ChoiceField(
        choices=ReconsiderationGround.choices, required=False, allow_blank=True, default=""
    )


QUEUE_PARAMETERS = [
    OpenApiParameter("stage", str, description="open (default), all, or one state", enum=None),
    OpenApiParameter("urgency", str, enum=["minor", "danger", "urgent"]),
    OpenApiParameter("region", str),
    OpenApiParameter("form", str, description="canonical form of exploitation"),
    OpenApiParameter("referrer", str, description="referring organisation id"),
    OpenApiParameter("assigned", str, description="me, none or a user id"),
    OpenApiParameter("overdue", bool),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
]


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """The competent authority's queue and cases (404 for anyone else)."""

    serializer_class = CaseSerializer
    pagination_class = CappedLimitOffsetPagination

    def initial(self, request: Request, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().initial(request, *args, **kwargs)
        if not is_authority_staff(request.user):
            raise exceptions.NotFound()

    def get_queryset(self):  # noqa: ANN201
        if self.action == "list":
            filters = selectors.QueueFilters.from_params(self.request.query_params)
            return selectors.case_queue(self.request.user, filters)
        return selectors.case_queryset_for_user(self.request.user)

    def get_serializer_class(self):  # noqa: ANN201
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    @extend_schema(parameters=QUEUE_PARAMETERS)
    def list(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        return super().list(request, *args, **kwargs)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        case = get_for_user_or_404(self.get_queryset(), pk=kwargs["pk"])
        audit_record(actor=request.user, action=AuditAction.READ, obj=case)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data)

    @extend_schema(responses=DeadlineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def deadlines(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        case = get_for_user_or_404(self.get_queryset(), pk=pk)
        return Response(DeadlineSerializer(clocks.case_deadlines(case), many=True).data)

    @extend_schema(request=CaseEventSerializer, responses=CaseDetailSerializer)
    @action(detail=True, methods=["post"])
    def events(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        case = get_for_user_or_404(self.get_queryset(), pk=pk)
        data = CaseEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            case = services.case_event(acting_user=request.user, case=case, **data.validated_data)
        except TransitionNotAllowed as exc:
            return Response(
                {"event": [f"'{exc.event}' is not possible from '{exc.state}'."]},
                status=status.HTTP_409_CONFLICT,
            )
        except services.CaseInvalid as exc:
            return Response(
                {k: [str(m) for m in v] for k, v in exc.errors.items()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            CaseDetailSerializer(case, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ReferralOutcomeSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=CaseState.choices)
    stage_label = serializers.CharField()
    preliminary = serializers.DictField(allow_null=True)
    conclusive = serializers.DictField(allow_null=True)
    protected_from_removal = serializers.BooleanField()


class ReferralOutcomeView(APIView):
    """The outcome of one of the caller's organisation's referrals: stage and decisions, without
    the reasons written for internal review."""

    @extend_schema(responses=ReferralOutcomeSerializer)
    def get(self, request: Request, referral_id) -> Response:  # noqa: ANN001
        referral = get_for_user_or_404(referral_queryset_for_user(request.user), pk=referral_id)
        outcome = selectors.referral_outcome_for_referrer(referral)
        if outcome is None:
            raise exceptions.NotFound()
        return Response(ReferralOutcomeSerializer(outcome).data)


def register(router, patterns) -> None:  # noqa: ANN001
    router.register("identification/cases", CaseViewSet, basename="identification-case")
    patterns.append(
        path(
            "identification/referral-outcomes/<uuid:referral_id>/",
            ReferralOutcomeView.as_view(),
            name="identification-referral-outcome",
        )
    )
