"""REST endpoints under /api/v1/plans/: plans, measures, progress updates and indicators (read),
plus the writes a partner system needs: post a progress update, post indicator values (plan
coordinators), and review an update (plan coordinators)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from balise.core.state_machine import TransitionNotAllowed
from balise.plans import permissions, selectors, services
from balise.plans.enums import MeasureStatus
from balise.plans.models import (
    Axis,
    Indicator,
    IndicatorValue,
    Measure,
    Plan,
    ProgressUpdate,
    ProposedIndicatorValue,
)

UUID_RE = "[0-9a-fA-F-]{36}"


def _drf_error(exc: DjangoValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError(exc.message_dict)
    return ValidationError({"non_field_errors": exc.messages})


class AxisSerializer(serializers.ModelSerializer):
    class Meta:
        model = Axis
        fields = ["id", "number", "title"]


class PlanSerializer(serializers.ModelSerializer):
    axes = AxisSerializer(many=True, read_only=True)
    measures_total = serializers.SerializerMethodField()
    measures_engaged = serializers.SerializerMethodField(help_text="Measures engaged or achieved.")

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "jurisdiction",
            "currency",
            "coordinating_organisation",
            "published",
            "published_at",
            "axes",
            "measures_total",
            "measures_engaged",
        ]

    def get_measures_total(self, plan: Plan) -> int:
        return plan.measures.count()

    def get_measures_engaged(self, plan: Plan) -> int:
        return plan.measures.filter(status__in=selectors.ENGAGED_STATUSES).count()


class MeasureSerializer(serializers.ModelSerializer):
    axis_number = serializers.IntegerField(source="axis.number", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "axis",
            "axis_number",
            "number",
            "title",
            "description",
            "lead_body",
            "partner_bodies",
            "start_date",
            "due_date",
            "budget_planned",
            "budget_spent",
            "status",
        ]


class IndicatorValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["id", "date", "value", "source", "recorded_at"]
        read_only_fields = ["id", "source", "recorded_at"]


class IndicatorSerializer(serializers.ModelSerializer):
    values = IndicatorValueSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "measure",
            "name",
            "unit",
            "target_value",
            "data_source",
            "observatory_table",
            "values",
        ]


class ProposedValueSerializer(serializers.ModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.all())

    class Meta:
        model = ProposedIndicatorValue
        fields = ["indicator", "date", "value"]


class UpdateSerializer(serializers.ModelSerializer):
    values = ProposedValueSerializer(source="proposed_values", many=True, required=False)
    new_status = serializers.ChoiceField(
        choices=[("", "")] + [c for c in MeasureStatus.choices], required=False, allow_blank=True
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "measure",
            "date",
            "text",
            "new_status",
            "status_reason",
            "values",
            "status",
            "author_organisation",
            "submitted_at",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = [
            "id",
            "status",
            "author_organisation",
            "submitted_at",
            "reviewed_at",
            "review_comment",
        ]

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "measure" in self.fields:
            self.fields["measure"].queryset = selectors.measure_queryset_for_user(request.user)


class ReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["validate", "return"])
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans the caller coordinates or has a measure in."""

    serializer_class = PlanSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self):  # noqa: ANN201
        return selectors.plan_queryset_for_user(self.request.user).prefetch_related("axes")


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Measures of visible plans; filter with ``?plan=<uuid>``."""

    serializer_class = MeasureSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self):  # noqa: ANN201
        qs = selectors.measure_queryset_for_user(self.request.user).order_by("plan", "number")
        plan = self.request.query_params.get("plan")
        if plan:
            try:
                qs = qs.filter(plan_id=plan)
            except DjangoValidationError:
                raise ValidationError({"plan": ["Not a valid identifier."]})
        return qs


class UpdateViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Progress updates: members of a measure's lead or partner bodies post them; the plan's
    coordinators review them."""

    serializer_class = UpdateSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self):  # noqa: ANN201
        qs = selectors.update_queryset_for_user(self.request.user).prefetch_related(
            "proposed_values"
        )
        measure = self.request.query_params.get("measure")
        if measure:
            try:
                qs = qs.filter(measure_id=measure)
            except DjangoValidationError:
                raise ValidationError({"measure": ["Not a valid identifier."]})
        return qs

    def create(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        measure = data["measure"]
        if not permissions.can_post_update(request.user, measure):
            raise PermissionDenied
        values = []
        for index, v in enumerate(data.get("proposed_values", [])):
            if v["indicator"].measure_id != measure.pk:
                raise ValidationError(
                    {
                        "values": {
                            index: {"indicator": ["This indicator belongs to another measure."]}
                        }
                    }
                )
            values.append(
                services.ProposedValue(indicator=v["indicator"], date=v["date"], value=v["value"])
            )
        try:
            update = services.update_submit(
                acting_user=request.user,
                measure=measure,
                date=data["date"],
                text=data["text"],
                new_status=data.get("new_status", ""),
                status_reason=data.get("status_reason", ""),
                values=values,
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        except DjangoPermissionDenied:
            raise PermissionDenied
        return Response(self.get_serializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=UpdateSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        update = self.get_object()
        if not permissions.can_manage_plan(request.user, update.measure.plan):
            raise PermissionDenied
        s = ReviewSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            if s.validated_data["decision"] == "validate":
                services.update_validate(
                    acting_user=request.user, update=update, comment=s.validated_data["comment"]
                )
            else:
                services.update_return(
                    acting_user=request.user, update=update, comment=s.validated_data["comment"]
                )
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        except TransitionNotAllowed:
            raise ValidationError({"decision": ["This update was already reviewed."]})
        update.refresh_from_db()
        return Response(self.get_serializer(update).data)


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Indicators of visible measures with their values; coordinators post values."""

    serializer_class = IndicatorSerializer
    lookup_value_regex = UUID_RE

    def get_queryset(self):  # noqa: ANN201
        qs = selectors.indicator_queryset_for_user(self.request.user).prefetch_related("values")
        measure = self.request.query_params.get("measure")
        if measure:
            try:
                qs = qs.filter(measure_id=measure)
            except DjangoValidationError:
                raise ValidationError({"measure": ["Not a valid identifier."]})
        return qs.order_by("measure__number", "name")

    @extend_schema(request=IndicatorValueSerializer, responses=IndicatorValueSerializer)
    @action(detail=True, methods=["post"])
    def values(self, request: Request, pk: str | None = None) -> Response:
        indicator = self.get_object()
        if not permissions.can_manage_plan(request.user, indicator.measure.plan):
            raise PermissionDenied
        s = IndicatorValueSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        try:
            value = services.indicator_value_record(
                acting_user=request.user,
                indicator=indicator,
                date=s.validated_data["date"],
                value=s.validated_data["value"],
            )
        except DjangoValidationError as exc:
            raise _drf_error(exc)
        return Response(IndicatorValueSerializer(value).data, status=status.HTTP_201_CREATED)


def register(router, patterns) -> None:  # noqa: ANN001
    # Nested prefixes first: "plans/<pk>" must not swallow "plans/measures".
    router.register("plans/measures", MeasureViewSet, basename="plan-measure")
    router.register("plans/updates", UpdateViewSet, basename="plan-update")
    router.register("plans/indicators", IndicatorViewSet, basename="plan-indicator")
    router.register("plans", PlanViewSet, basename="plan")
