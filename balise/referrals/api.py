"""REST API of referrals under /api/v1/referrals/.

Values are validated by the same forms as the web pages, so a partner system gets exactly the
same rules and error messages, keyed by field name. ``POST`` honours an ``Idempotency-Key``
header: a retry with the same key and body returns the referral created the first time."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.codelists.lists import Channel, ConsentStatus
from balise.core.access import get_for_user_or_404
from balise.referrals import attachments, selectors, services
from balise.referrals.enums import ReferralStatus
from balise.referrals.forms import FIELD_NAMES, MULTI_FIELDS, STEP_FORMS, InformationAnswerForm
from balise.referrals.models import Attachment, InformationRequest, Referral
from balise.referrals.permissions import (
    can_answer_information_requests,
    can_edit_draft,
    referring_organisations,
)

MAX_JSON_TEXT = 50_000


class ReferralOutputSerializer(serializers.Serializer):
    """A referral as the API gives it. Fields are declared rather than derived from the model:
    a ``ModelSerializer`` rebuilds them from the model's fields for every response, a
    millisecond of each submission."""

    id = serializers.UUIDField(read_only=True)
    reference = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=ReferralStatus.choices, read_only=True)
    channel = serializers.ChoiceField(choices=Channel.choices, read_only=True)
    organisation = serializers.UUIDField(source="organisation_id", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    immediate_danger = serializers.BooleanField(read_only=True)
    presumed_minor = serializers.BooleanField(read_only=True)
    anonymous_notification = serializers.BooleanField(read_only=True)
    consent_status = serializers.ChoiceField(
        choices=ConsentStatus.choices, read_only=True, allow_blank=True
    )
    exploitation_forms = serializers.ListField(child=serializers.CharField(), read_only=True)
    exploitation_forms_legal = serializers.ListField(child=serializers.CharField(), read_only=True)
    indicators = serializers.ListField(child=serializers.CharField(), read_only=True)
    screening = serializers.SerializerMethodField()
    draft = serializers.SerializerMethodField()
    person = serializers.SerializerMethodField()

    def get_fields(self) -> dict[str, serializers.Field]:
        # DRF deep-copies every declared field for each response (it rebuilds each one from
        # its arguments), a millisecond of each submission. These fields are read-only and
        # hold no state of their own beyond what ``bind`` sets on the copy, so a shallow copy
        # of each is enough: the copy is bound to this serializer, the declared field is not.
        return {name: copy.copy(field) for name, field in self._declared_fields.items()}

    def get_screening(self, obj: Referral) -> dict[str, Any] | None:
        if not obj.screening_result:
            return None
        r = obj.screening_result
        return {
            "catalogue": r["catalogue"],
            "dimensions_met": r["dimensions_met"],
            "points_to_trafficking": r["points_to_trafficking"],
            "dimensions": r["dimensions"],
        }

    def get_draft(self, obj: Referral) -> dict[str, Any] | None:
        """What a draft holds, for its author only."""
        request = self.context.get("request")
        if obj.is_draft and request is not None and obj.referrer_id == request.user.pk:
            return obj.draft_data or {}
        return None

    def get_person(self, obj: Referral) -> dict[str, Any] | None:
        if not self.context.get("detail") or obj.person is None:
            return None
        p = obj.person
        return {
            "given_names": p.given_names,
            "family_name": p.family_name,
            "aliases": p.aliases or [],
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "estimated_birth_year": p.estimated_birth_year,
            "gender": p.gender,
            "nationalities": p.nationalities,
            "languages": p.languages,
        }


def _input_schema():  # noqa: ANN202
    fields: dict[str, serializers.Field] = {
        "organisation": serializers.UUIDField(required=False),
        "submit": serializers.BooleanField(required=False, default=False),
    }
    for name in sorted(FIELD_NAMES):
        if name in MULTI_FIELDS:
            fields[name] = serializers.ListField(child=serializers.CharField(), required=False)
        else:
            fields[name] = serializers.CharField(required=False, allow_blank=True)
    return inline_serializer("ReferralInput", fields)


def _check_payload(data: Any) -> dict[str, list[str]]:
    """Shape problems of the JSON body, by field (a JSON object of strings and lists)."""
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        if key not in FIELD_NAMES:
            continue
        if isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
        ):
            errors[key] = [_("This value has the wrong shape.")]
        elif isinstance(value, str) and len(value) > MAX_JSON_TEXT:
            errors[key] = [_("This text is too long.")]
    return errors


def _field_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """Errors on the fields given (a partial draft may leave others empty), shape included."""
    errors = _check_payload(data)
    raw = services.raw_draft_values({k: v for k, v in data.items() if k not in errors})
    for form_class in STEP_FORMS:
        given = {k: v for k, v in raw.items() if k in form_class.base_fields}
        if not given:
            continue
        form = form_class(data=given)
        if not form.is_valid():
            for name, messages in form.errors.items():
                if name in given or name == "__all__":
                    errors.setdefault(name, []).extend(str(m) for m in messages)
    return errors


def _organisation(request: Request, data: dict[str, Any]):  # noqa: ANN202
    organisations = referring_organisations(request.user)
    wanted = str(data.get("organisation") or "")
    if wanted:
        org = next((o for o in organisations if str(o.pk) == wanted), None)
        if org is None:
            raise ValidationError({"organisation": [_("You cannot refer for this organisation.")]})
        return org
    if len(organisations) == 1:
        return organisations[0]
    if not organisations:
        raise services.ReferralNotAllowed(_("You are not a referrer of any organisation."))
    raise ValidationError({"organisation": [_("Say for which organisation you refer.")]})


class ReferralListCreateView(APIView):
    @extend_schema(
        responses=ReferralOutputSerializer(many=True),
        parameters=[OpenApiParameter("status", str, required=False)],
    )
    def get(self, request: Request) -> Response:
        """Referrals the caller may see (their organisation's; all submitted ones for the
        competent authority)."""
        from rest_framework.pagination import LimitOffsetPagination

        qs = selectors.referral_list_for_user(
            request.user, status=request.query_params.get("status", "")
        )
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ReferralOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=_input_schema(),
        responses={201: ReferralOutputSerializer, 200: ReferralOutputSerializer},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=_(
                    "A unique key per referral; a retry with the same key and body "
                    "returns the first result instead of creating a new referral."
                ),
            )
        ],
    )
    def post(self, request: Request) -> Response:
        """Create a referral (a draft, or with ``"submit": true`` a submitted referral)."""
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > services.MAX_IDEMPOTENCY_KEY:
            raise ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
        try:
            organisation = _organisation(request, data)
        except services.ReferralNotAllowed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        submit = data.get("submit") in (True, "true", "1", 1)
        # With "submit", the whole referral is validated once, on submission, below.
        errors = _check_payload(data) if submit else _field_errors(data)
        if errors:
            raise ValidationError(errors)
        prefill = {k: v for k, v in data.items() if k in FIELD_NAMES}
        try:
            if submit:
                referral, created = services.referral_create_and_submit_once(
                    acting_user=request.user,
                    organisation=organisation,
                    channel=Channel.API,
                    prefill=prefill,
                    idempotency_key=key,
                )
            else:
                existing = (
                    Referral.objects.filter(referrer=request.user, idempotency_key=key).exists()
                    if key
                    else False
                )
                created = not existing
                referral = services.referral_draft_create(
                    acting_user=request.user,
                    organisation=organisation,
                    channel=Channel.API,
                    prefill=prefill,
                    idempotency_key=key,
                )
        except services.ReferralNotAllowed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except services.IdempotencyConflict:
            return Response(
                {"Idempotency-Key": [_("This key was already used with a different request.")]},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except services.ReferralInvalid as exc:
            raise ValidationError(exc.errors) from None
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        out = ReferralOutputSerializer(referral, context={"request": request}).data
        return Response(out, status=code)


class ReferralDetailView(APIView):
    @extend_schema(responses=ReferralOutputSerializer)
    def get(self, request: Request, pk: str) -> Response:
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        audit_record(actor=request.user, action=AuditAction.READ, obj=referral)
        ctx = {"request": request, "detail": True}
        return Response(ReferralOutputSerializer(referral, context=ctx).data)

    @extend_schema(request=_input_schema(), responses=ReferralOutputSerializer)
    def patch(self, request: Request, pk: str) -> Response:
        """Change fields of one's own draft."""
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        errors = _field_errors(data)
        if errors:
            raise ValidationError(errors)
        services.referral_draft_save(acting_user=request.user, referral=referral, data=data)
        return Response(ReferralOutputSerializer(referral, context={"request": request}).data)


class ReferralSubmitView(APIView):
    @extend_schema(request=None, responses=ReferralOutputSerializer)
    def post(self, request: Request, pk: str) -> Response:
        """Submit a draft; idempotent (a submitted referral is returned as it is)."""
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        try:
            referral = services.referral_submit(acting_user=request.user, referral=referral)
        except services.ReferralInvalid as exc:
            raise ValidationError(exc.errors) from None
        return Response(ReferralOutputSerializer(referral, context={"request": request}).data)


class AttachmentOutputSerializer(serializers.ModelSerializer):
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "referral", "name", "content_type", "size", "sha256", "created_at"]
        fields += ["download"]

    def get_download(self, obj: Attachment) -> str:
        return reverse("v1:referral-attachment-content", args=[obj.pk])


class ReferralAttachmentsView(APIView):
    """Files of a referral: listed by those who may see the referral, added (multipart, field
    ``file``) by the author of a draft, with the same limits and content checks as the page."""

    parser_classes = [MultiPartParser]

    @extend_schema(responses=AttachmentOutputSerializer(many=True))
    def get(self, request: Request, pk: str) -> Response:
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        # File names may identify the person: listing them is a read of the referral.
        audit_record(
            actor=request.user,
            action=AuditAction.READ,
            obj=referral,
            details={"part": "attachments"},
        )
        items = referral.attachments.all()
        return Response(AttachmentOutputSerializer(items, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={201: AttachmentOutputSerializer},
    )
    def post(self, request: Request, pk: str) -> Response:
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        if not can_edit_draft(request.user, referral):
            return Response(
                {"detail": _("Files can only be added to your own draft.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        try:
            upload = request.FILES.get("file")
        except RequestDataTooBig:
            raise ValidationError({"file": [_("The file is too large.")]}) from None
        if upload is None:
            raise ValidationError({"file": [_("Send the file in the “file” field.")]})
        try:
            attachment = attachments.attachment_add(
                acting_user=request.user, referral=referral, upload=upload
            )
        except DjangoValidationError as exc:
            if exc.code == "denied":
                return Response({"detail": exc.messages[0]}, status=status.HTTP_403_FORBIDDEN)
            raise ValidationError({"file": exc.messages}) from None
        return Response(AttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentDetailView(APIView):
    @extend_schema(responses=AttachmentOutputSerializer)
    def get(self, request: Request, pk: str) -> Response:
        """A file's description (not its content)."""
        attachment = get_for_user_or_404(
            selectors.attachment_queryset_for_user(request.user), pk=pk
        )
        audit_record(
            actor=request.user,
            action=AuditAction.READ,
            obj=attachment.referral,
            details={"part": "attachments"},
        )
        return Response(AttachmentOutputSerializer(attachment).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: str) -> Response:
        """Remove a file from one's own draft."""
        attachment = get_for_user_or_404(
            selectors.attachment_queryset_for_user(request.user), pk=pk
        )
        try:
            attachments.attachment_remove(acting_user=request.user, attachment=attachment)
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages[0]}, status=status.HTTP_403_FORBIDDEN)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentContentView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: str) -> StreamingHttpResponse:
        """The file itself, streamed; every download is audited."""
        attachment = get_for_user_or_404(
            selectors.attachment_queryset_for_user(request.user), pk=pk
        )
        data = attachments.attachment_read(acting_user=request.user, attachment=attachment)
        return attachments.streaming_response(attachment, data)


class InformationRequestOutputSerializer(serializers.Serializer):
    """A question of the competent authority and, once given, the referring organisation's
    answer. Who asked and who answered are not given: the organisations speak, not people."""

    id = serializers.UUIDField(read_only=True)
    referral = serializers.UUIDField(source="referral_id", read_only=True)
    question = serializers.CharField(read_only=True)
    asked_at = serializers.DateTimeField(read_only=True)
    status = serializers.SerializerMethodField()
    answer = serializers.CharField(read_only=True, allow_null=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    can_answer = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=["open", "answered"]))
    def get_status(self, obj: InformationRequest) -> str:
        return "open" if obj.is_open else "answered"

    def get_can_answer(self, obj: InformationRequest) -> bool:
        """Whether the caller may answer it now (an open request of their organisation)."""
        return obj.is_open and bool(self.context.get("may_answer"))


class InformationAnswerInputSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=8000)


def _information_context(request: Request, referral: Referral) -> dict[str, Any]:
    return {
        "request": request,
        "may_answer": can_answer_information_requests(request.user, referral),
    }


class ReferralInformationRequestsView(APIView):
    """The competent authority's requests for information about a referral, for those who may
    see the referral (as on its page)."""

    @extend_schema(responses=InformationRequestOutputSerializer(many=True))
    def get(self, request: Request, pk: str) -> Response:
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        items = list(
            selectors.information_request_queryset_for_user(request.user).filter(referral=referral)
        )
        # Questions and answers may identify the person: listing them is a read of the referral.
        audit_record(
            actor=request.user,
            action=AuditAction.READ,
            obj=referral,
            details={"part": "information_requests"},
        )
        ctx = _information_context(request, referral)
        return Response(InformationRequestOutputSerializer(items, many=True, context=ctx).data)


class InformationRequestAnswerView(APIView):
    """Answer an open request for information on one of one's organisation's referrals, with
    the same rules and messages as the referral's page."""

    @extend_schema(
        request=InformationAnswerInputSerializer,
        responses={
            200: InformationRequestOutputSerializer,
            400: OpenApiResponse(description="Errors by field, such as ``answer``."),
            403: OpenApiResponse(
                description="The caller sees the referral but is not of its organisation."
            ),
            404: OpenApiResponse(description="No such referral or request for the caller."),
            409: OpenApiResponse(description="The request has already been answered."),
        },
    )
    def post(self, request: Request, pk: str, request_id: str) -> Response:
        referral = get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)
        info = get_for_user_or_404(
            selectors.information_request_queryset_for_user(request.user).filter(referral=referral),
            pk=request_id,
        )
        if not can_answer_information_requests(request.user, referral):
            return Response(
                {"detail": _("Only the referring organisation can answer.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        if not info.is_open:
            return _already_answered()
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        value = data.get("answer", "")
        if not isinstance(value, str):
            raise ValidationError({"answer": [_("This value has the wrong shape.")]})
        form = InformationAnswerForm(data={"answer": value})
        if not form.is_valid():
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        try:
            info = services.information_request_answer(
                acting_user=request.user,
                information_request=info,
                answer=form.cleaned_data["answer"],
            )
        except services.InformationRequestClosed:
            return _already_answered()
        except services.ReferralNotAllowed as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        ctx = _information_context(request, referral)
        return Response(InformationRequestOutputSerializer(info, context=ctx).data)


def _already_answered() -> Response:
    return Response(
        {"detail": _("This request has already been answered.")},
        status=status.HTTP_409_CONFLICT,
    )


def register(router, patterns) -> None:  # noqa: ANN001
    patterns += [
        path(
            "referrals/<uuid:pk>/attachments/",
            ReferralAttachmentsView.as_view(),
            name="referral-attachments",
        ),
        path(
            "attachments/<uuid:pk>/",
            AttachmentDetailView.as_view(),
            name="referral-attachment",
        ),
        path(
            "attachments/<uuid:pk>/content/",
            AttachmentContentView.as_view(),
            name="referral-attachment-content",
        ),
        path("referrals/", ReferralListCreateView.as_view(), name="referral-list"),
        path("referrals/<uuid:pk>/", ReferralDetailView.as_view(), name="referral-detail"),
        path("referrals/<uuid:pk>/submit/", ReferralSubmitView.as_view(), name="referral-submit"),
        path(
            "referrals/<uuid:pk>/information-requests/",
            ReferralInformationRequestsView.as_view(),
            name="referral-information-requests",
        ),
        path(
            "referrals/<uuid:pk>/information-requests/<uuid:request_id>/answer/",
            InformationRequestAnswerView.as_view(),
            name="referral-information-request-answer",
        ),
    ]
