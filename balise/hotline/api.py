"""/api/v1/hotline/calls/: the call log for hotline operators (list, log, read, complete, change
status). Same scope and rules as the console pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from balise.codelists.lists import ExploitationForm
from balise.core.state_machine import TransitionNotAllowed
from balise.hotline import selectors, services
from balise.hotline.enums import AdviceGiven, CallStatus
from balise.hotline.forms import validate_plain_text
from balise.hotline.models import Call
from balise.hotline.permissions import is_hotline_operator


class CallSerializer(serializers.ModelSerializer):
    exploitation_forms = serializers.ListField(
        child=serializers.ChoiceField(choices=ExploitationForm.choices), required=False
    )
    advice_given = serializers.ListField(
        child=serializers.ChoiceField(choices=AdviceGiven.choices), required=False
    )
    notes = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, validators=[validate_plain_text]
    )
    operator = serializers.CharField(source="operator.full_name", read_only=True)
    hotline = serializers.UUIDField(
        source="hotline_id",
        required=False,
        help_text=_(
            "On creation: the hotline the call is logged under; required from an operator of "
            "several hotlines. It cannot be changed afterwards."
        ),
    )

    class Meta:
        model = Call
        fields = [
            "id",
            "hotline",
            "operator",
            "received_at",
            "duration_minutes",
            "language",
            "caller_type",
            "situation_type",
            "exploitation_forms",
            "region",
            "urgency",
            "advice_given",
            "notes",
            "status",
            "follow_up_due",
        ]
        read_only_fields = ["id", "operator", "status", "follow_up_due"]


class CallListSerializer(CallSerializer):
    class Meta(CallSerializer.Meta):
        fields = [f for f in CallSerializer.Meta.fields if f != "notes"]


class CallTransitionSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=["close_with_advice", "require_follow_up", "close"])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    follow_up_due = serializers.DateField(required=False, allow_null=True, default=None)


def _raise_validation(exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        raise DRFValidationError(exc.message_dict)
    raise DRFValidationError({"non_field_errors": exc.messages})


class CallReferralCreatedSerializer(serializers.Serializer):
    referral = serializers.UUIDField()


class CallViewSetReferral:
    """Mixed into :class:`CallViewSet`: POST ``{id}/referral/`` turns the call into a referral
    draft (channel hotline) pre-filled from the call, to complete through the referrals API."""

    @extend_schema(request=None, responses={201: CallReferralCreatedSerializer})
    @action(detail=True, methods=["post"])
    def referral(self, request: Request, pk: str | None = None) -> Response:
        call = self.get_object()
        try:
            referral = services.call_turn_into_referral(acting_user=request.user, call=call)
        except TransitionNotAllowed:
            return Response(
                {"event": ["This change is not possible from the current status."]},
                status=status.HTTP_409_CONFLICT,
            )
        except PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc) or None) from None
        return Response({"referral": str(referral.pk)}, status=status.HTTP_201_CREATED)


class CallViewSet(
    CallViewSetReferral,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Calls of the caller's hotline(s). Filters: ``status``, ``caller_type``, ``urgency``,
    ``language``, ``situation_type``; ``mine=1`` for the caller's own calls."""

    lookup_value_regex = "[0-9a-f-]{36}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def initial(self, request: Request, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().initial(request, *args, **kwargs)
        if not is_hotline_operator(request.user):
            raise DRFPermissionDenied

    def get_serializer_class(self):  # noqa: ANN201
        if self.action == "list":
            return CallListSerializer
        if self.action == "transition":
            return CallTransitionSerializer
        return CallSerializer

    def get_queryset(self):  # noqa: ANN201
        params = self.request.query_params
        if self.action != "list":
            return selectors.call_queryset_for_user(self.request.user)
        return selectors.call_list(
            user=self.request.user,
            status=params.get("status", "") if params.get("status") in CallStatus.values else "",
            caller_type=params.get("caller_type", "")[:16],
            urgency=params.get("urgency", "")[:16],
            language=params.get("language", "")[:8],
            situation_type=params.get("situation_type", "")[:32],
            operator_id=str(self.request.user.pk) if params.get("mine") == "1" else "",
        )

    def get_object(self) -> Call:
        try:
            return self.get_queryset().get(pk=self.kwargs["pk"])
        except (Call.DoesNotExist, ValueError, ValidationError):
            raise NotFound from None

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        call = self.get_object()
        services.call_notes_read(acting_user=request.user, call=call)
        return Response(CallSerializer(call).data)

    def perform_create(self, serializer: CallSerializer) -> None:
        try:
            data = dict(serializer.validated_data)
            serializer.instance = services.call_create(
                acting_user=self.request.user, hotline=data.pop("hotline_id", None), **data
            )
        except PermissionDenied:
            raise DRFPermissionDenied from None
        except ValidationError as exc:
            _raise_validation(exc)

    def perform_update(self, serializer: CallSerializer) -> None:
        try:
            data = {k: v for k, v in serializer.validated_data.items() if k != "hotline_id"}
            services.call_update(acting_user=self.request.user, call=serializer.instance, **data)
        except ValidationError as exc:
            _raise_validation(exc)

    @extend_schema(request=CallTransitionSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        call = self.get_object()
        data = CallTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.call_transition(acting_user=request.user, call=call, **data.validated_data)
        except TransitionNotAllowed:
            return Response(
                {"event": ["This change is not possible from the current status."]},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            _raise_validation(exc)
        return Response(CallSerializer(call).data)


def register(router, patterns) -> None:  # noqa: ANN001
    router.register("hotline/calls", CallViewSet, basename="hotline-call")
