"""REST endpoints: directory and places, orientations (send, accept, decline), placements
(support files) and support events. Same scopes as the pages: outside them, 404."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.codelists.lists import SupportType
from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.directory import selectors as directory_selectors
from balise.directory import services as directory_services
from balise.directory.models import Service
from balise.orientation import selectors, services
from balise.orientation.enums import ConsentBasis, DeclineReason, SharedField
from balise.orientation.models import OrientationRequest, SupportEvent, SupportFile


def _django_errors(e: DjangoValidationError) -> ValidationError:
    if hasattr(e, "error_dict"):
        return ValidationError(e.message_dict)
    return ValidationError({"non_field_errors": e.messages})


class ServiceSerializer(serializers.ModelSerializer):
    places_free = serializers.IntegerField(read_only=True)
    organisation = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "kind",
            "organisation",
            "is_active",
            "safe_relocation_partner",
            "accepts_adults",
            "accepts_minors",
            "accepts_women",
            "accepts_men",
            "accepts_families",
            "exploitation_forms",
            "languages",
            "wheelchair_accessible",
            "accessibility_notes",
            "region",
            "city",
            "latitude",
            "longitude",
            "contact_name",
            "contact_email",
            "contact_phone",
            "places_total",
            "places_occupied",
            "places_reserved_quota",
            "places_out_of_service",
            "places_booked",
            "places_free",
            "updated_at",
        ]
        read_only_fields = fields


class PlacesSerializer(serializers.Serializer):
    places_total = serializers.IntegerField(min_value=0)
    places_occupied = serializers.IntegerField(min_value=0)
    places_reserved_quota = serializers.IntegerField(min_value=0)
    places_out_of_service = serializers.IntegerField(min_value=0)


class ServiceViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory of services, with free places and the date of the last update."""

    serializer_class = ServiceSerializer

    def get_queryset(self):  # noqa: ANN201
        return directory_selectors.service_list(
            self.request.user,
            kind=self.request.query_params.get("kind", ""),
            region=self.request.query_params.get("region", ""),
        )

    @extend_schema(request=PlacesSerializer, responses=ServiceSerializer)
    @action(detail=True, methods=["put"], url_path="places")
    def places(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        service = get_for_user_or_404(directory_selectors.managed_services(request.user), pk=pk)
        ser = PlacesSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            updated = directory_services.places_update(
                acting_user=request.user,
                service=service,
                total=d["places_total"],
                occupied=d["places_occupied"],
                reserved_quota=d["places_reserved_quota"],
                out_of_service=d["places_out_of_service"],
            )
        except ValueError:
            raise ValidationError(
                {
                    "places_total": [
                        "The total must cover occupied, out-of-service and booked places."
                    ]
                }
            ) from None
        return Response(ServiceSerializer(updated).data)


class OrientationSerializer(serializers.ModelSerializer):
    service = serializers.UUIDField(source="service_id", read_only=True)
    reference = serializers.CharField(read_only=True)
    shared = serializers.SerializerMethodField()

    class Meta:
        model = OrientationRequest
        fields = [
            "id",
            "reference",
            "batch",
            "service",
            "need",
            "status",
            "decline_reason",
            "safe_relocation",
            "distance_km",
            "shared_fields",
            "created_at",
            "responded_at",
            "shared",
        ]
        read_only_fields = fields

    def get_shared(self, obj: OrientationRequest) -> dict | None:
        user = self.context["request"].user
        if selectors.viewpoint(user, obj) != "service":
            return None
        # Every read of identifying data is audited, through the API as on the pages.
        audit_record(
            actor=user,
            action=AuditAction.READ,
            obj=obj,
            details={"shared_fields": obj.shared_fields, "channel": "api"},
        )
        return selectors.shared_person_values(obj)


class OrientationCreateSerializer(serializers.Serializer):
    person = serializers.UUIDField()
    referral = serializers.UUIDField(required=False, allow_null=True)
    services = serializers.ListField(child=serializers.UUIDField(), min_length=1)
    need = serializers.ChoiceField(choices=SupportType.choices)
    shared_fields = serializers.ListField(
        child=serializers.ChoiceField(choices=SharedField.choices), min_length=1
    )
    message = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    consent_basis = serializers.ChoiceField(choices=ConsentBasis.choices)
    consent_recorded = serializers.BooleanField(required=False, default=False)
    override_justification = serializers.CharField(
        required=False, allow_blank=True, max_length=2000
    )
    safe_relocation = serializers.BooleanField(required=False, default=False)
    min_distance_km = serializers.FloatField(required=False, allow_null=True, min_value=0)


class DeclineSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DeclineReason.choices)
    details = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PlacementSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    service = serializers.UUIDField(source="service_id", read_only=True)
    orientation = serializers.UUIDField(source="orientation_id", read_only=True)

    class Meta:
        model = SupportFile
        fields = [
            "id",
            "reference",
            "orientation",
            "service",
            "kind",
            "place_held",
            "status",
            "opened_at",
            "closed_at",
            "closure_reason",
        ]
        read_only_fields = fields


class OrientationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orientation requests in the caller's scope; a service sees the shared fields only."""

    serializer_class = OrientationSerializer

    def get_queryset(self):  # noqa: ANN201
        return selectors.orientation_queryset_for_user(self.request.user).order_by("-created_at")

    @extend_schema(request=OrientationCreateSerializer, responses=OrientationSerializer(many=True))
    def create(self, request: Request) -> Response:
        from balise.orientation.views import _orientable_persons
        from balise.referrals.selectors import referral_queryset_for_user

        ser = OrientationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        person = _orientable_persons(request.user).filter(pk=d["person"]).first()
        if person is None:
            raise NotFound
        referral = None
        if d.get("referral"):
            referral = (
                referral_queryset_for_user(request.user)
                .filter(pk=d["referral"], person=person)
                .first()
            )
            if referral is None:
                raise NotFound
        chosen = list(Service.objects.filter(pk__in=d["services"]))
        if len(chosen) != len(set(d["services"])):
            raise ValidationError({"services": ["Unknown service."]})
        try:
            created = services.orientation_send(
                acting_user=request.user,
                person=person,
                referral=referral,
                data=services.OrientationInput(
                    services=chosen,
                    need=d["need"],
                    shared_fields=d["shared_fields"],
                    message=d.get("message", ""),
                    consent_basis=d["consent_basis"],
                    consent_recorded=d["consent_recorded"],
                    override_justification=d.get("override_justification", ""),
                    safe_relocation=d["safe_relocation"],
                    min_distance_km=d.get("min_distance_km"),
                ),
            )
        except DjangoValidationError as e:
            raise _django_errors(e) from None
        except DjangoPermissionDenied as e:
            raise PermissionDenied(str(e)) from None
        data = OrientationSerializer(created, many=True, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)

    def _for_service(self, request: Request, pk) -> OrientationRequest:  # noqa: ANN001
        o = get_for_user_or_404(self.get_queryset(), pk=pk)
        if selectors.viewpoint(request.user, o) != "service":
            raise NotFound
        return o

    @extend_schema(request=None, responses=PlacementSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        o = self._for_service(request, pk)
        try:
            support_file = services.orientation_accept(acting_user=request.user, orientation=o)
        except services.NoPlaceAvailable:
            return Response(
                {"detail": "No free place is left in this service.", "code": "no_place"},
                status=status.HTTP_409_CONFLICT,
            )
        except TransitionNotAllowed:
            return Response(
                {"detail": "This request has already been answered.", "code": "answered"},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(PlacementSerializer(support_file).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DeclineSerializer, responses=OrientationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk=None) -> Response:  # noqa: ANN001
        o = self._for_service(request, pk)
        ser = DeclineSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        try:
            services.orientation_decline(
                acting_user=request.user, orientation=o, **ser.validated_data
            )
        except DjangoValidationError as e:
            raise _django_errors(e) from None
        except TransitionNotAllowed:
            return Response(
                {"detail": "This request has already been answered.", "code": "answered"},
                status=status.HTTP_409_CONFLICT,
            )
        o.refresh_from_db()
        return Response({"id": str(o.pk), "status": o.status, "decline_reason": o.decline_reason})


class PlacementViewSet(viewsets.ReadOnlyModelViewSet):
    """Placements and support relationships (follow-up files) in the caller's scope."""

    serializer_class = PlacementSerializer

    def get_queryset(self):  # noqa: ANN201
        return selectors.support_file_queryset_for_user(self.request.user).order_by("-opened_at")


class SupportEventSerializer(serializers.ModelSerializer):
    placement = serializers.UUIDField(source="support_file_id")
    description = serializers.CharField(required=False, allow_blank=True, write_only=True)

    class Meta:
        model = SupportEvent
        fields = ["id", "placement", "support_type", "occurred_on", "description", "created_at"]
        read_only_fields = ["id", "created_at"]


class SupportEventViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Support events of the files in scope; only the service's staff record them."""

    serializer_class = SupportEventSerializer

    def get_queryset(self):  # noqa: ANN201
        files = selectors.support_file_queryset_for_user(self.request.user)
        return SupportEvent.objects.filter(support_file__in=files).order_by("-occurred_on")

    def create(self, request: Request) -> Response:
        ser = SupportEventSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        support_file = get_for_user_or_404(
            selectors.support_file_queryset_for_user(request.user), pk=d["support_file_id"]
        )
        if not selectors.is_file_staff(request.user, support_file):
            raise NotFound
        try:
            event = services.support_event_add(
                acting_user=request.user,
                support_file=support_file,
                support_type=d["support_type"],
                occurred_on=d["occurred_on"],
                description=d.get("description", ""),
            )
        except DjangoValidationError as e:
            raise _django_errors(e) from None
        return Response(SupportEventSerializer(event).data, status=status.HTTP_201_CREATED)


def register(router, patterns) -> None:  # noqa: ANN001
    router.register("services", ServiceViewSet, basename="service")
    router.register("orientations", OrientationViewSet, basename="orientation")
    router.register("placements", PlacementViewSet, basename="placement")
    router.register("support-events", SupportEventViewSet, basename="support-event")
