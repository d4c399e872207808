"""/api/v1/public-reports/: the staff side of anonymous public reports (list, read, answer,
triage), and /api/v1/public/report/: the anonymous side for other front ends (a partner's app,
a kiosk), under the same rules as the pages.

* Submission: a single-use proof-of-work challenge, the honeypot field, the per-address rate
  limit (shared with the page), nothing kept about the caller, the receipt code returned once.
* Follow-up: the receipt code opens the reporter's conversation, to read the team's answers and
  add information. The code travels in the body (``code``) or in an ``Authorization: Receipt
  <code>`` header, never in the URL; every use counts against the page's per-address limit on
  code attempts, renews the code, and a wrong, expired, malformed or missing code gets one and
  the same answer after one Argon2id verification."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBase
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import authentication, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, NotFound, Throttled
from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from balise.core.state_machine import TransitionNotAllowed
from balise.public_reports import conf, ratelimit, selectors, services
from balise.public_reports import pow as proof_of_work
from balise.public_reports.enums import (
    AuthorKind,
    MinorsInvolved,
    ReportClosureReason,
    ReportStatus,
)
from balise.public_reports.forms import (
    PublicReportForm,
    ReporterAdditionForm,
    validate_plain_text,
)
from balise.public_reports.models import PublicReport, PublicReportMessage
from balise.public_reports.permissions import can_handle_public_reports
from balise.public_reports.views import PUBLIC_LANGUAGES, pow_message


class MessageSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicReportMessage
        fields = ["id", "author_kind", "body", "created_at"]


class PublicReportListSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublicReport
        fields = [
            "id",
            "submitted_at",
            "language",
            "region",
            "minors_involved",
            "exploitation_forms",
            "status",
            "closure_reason",
        ]


class PublicReportSerializer(PublicReportListSerializer):
    messages = MessageSerializer(many=True, read_only=True)
    code_active = serializers.SerializerMethodField()

    class Meta(PublicReportListSerializer.Meta):
        fields = PublicReportListSerializer.Meta.fields + [
            "what",
            "where",
            "when",
            "who_affected",
            "contact",
            "code_active",
            "messages",
        ]

    def get_code_active(self, report: PublicReport) -> bool:
        return bool(report.code_hash)


class StaffMessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=5000, validators=[validate_plain_text])


class TransitionSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=["take_up", "close", "reopen"])
    closure_reason = serializers.ChoiceField(
        choices=ReportClosureReason.choices, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ReportReferralCreatedSerializer(serializers.Serializer):
    referral = serializers.UUIDField()


class PublicReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Public reports for the hotline team and the competent authority. Filter: ``status``."""

    lookup_value_regex = "[0-9a-f-]{36}"

    def initial(self, request: Request, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().initial(request, *args, **kwargs)
        if not can_handle_public_reports(request.user):
            raise DRFPermissionDenied

    def get_serializer_class(self):  # noqa: ANN201
        return {
            "list": PublicReportListSerializer,
            "message": StaffMessageSerializer,
            "transition": TransitionSerializer,
        }.get(self.action, PublicReportSerializer)

    def get_queryset(self):  # noqa: ANN201
        status_filter = self.request.query_params.get("status", "")
        return selectors.public_report_list(
            user=self.request.user,
            status=status_filter if status_filter in ReportStatus.values else "",
        )

    def get_object(self) -> PublicReport:
        try:
            return selectors.public_report_queryset_for_user(self.request.user).get(
                pk=self.kwargs["pk"]
            )
        except (PublicReport.DoesNotExist, ValueError, ValidationError):
            raise NotFound from None

    def retrieve(self, request: Request, *args, **kwargs) -> Response:  # noqa: ANN002, ANN003
        report = self.get_object()
        services.public_report_read(acting_user=request.user, report=report)
        return Response(PublicReportSerializer(report).data)

    @extend_schema(request=StaffMessageSerializer, responses=MessageSerializer)
    @action(detail=True, methods=["post"])
    def message(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        data = StaffMessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = services.staff_message_add(
                acting_user=request.user, report=report, body=data.validated_data["body"]
            )
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.public_report_transition(
                acting_user=request.user, report=report, **data.validated_data
            )
        except TransitionNotAllowed:
            return Response(
                {"event": ["This change is not possible from the current status."]},
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as exc:
            raise DRFValidationError(exc.message_dict) from None
        return Response(PublicReportSerializer(report).data)

    @extend_schema(request=None, responses={201: ReportReferralCreatedSerializer})
    @action(detail=True, methods=["post"])
    def referral(self, request: Request, pk: str | None = None) -> Response:
        """Turn the report into a referral draft (only what is needed is copied)."""
        report = self.get_object()
        try:
            referral = services.public_report_turn_into_referral(
                acting_user=request.user, report=report
            )
        except TransitionNotAllowed:
            return Response(
                {"event": ["This change is not possible from the current status."]},
                status=status.HTTP_409_CONFLICT,
            )
        except PermissionDenied as exc:
            raise DRFPermissionDenied(str(exc) or None) from None
        return Response({"referral": str(referral.pk)}, status=status.HTTP_201_CREATED)


class PublicSubmissionSerializer(serializers.Serializer):
    """What the page's form takes, as JSON. ``website`` is the honeypot: leave it empty."""

    what = serializers.CharField(max_length=10000)
    where = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    when = serializers.CharField(max_length=500, required=False, allow_blank=True)
    who_affected = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    minors_involved = serializers.ChoiceField(choices=MinorsInvolved.choices, required=False)
    exploitation_forms = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=20
    )
    contact = serializers.CharField(max_length=500, required=False, allow_blank=True)
    language = serializers.CharField(max_length=8, required=False, allow_blank=True)
    website = serializers.CharField(required=False, allow_blank=True, max_length=200)
    pow_challenge = serializers.CharField(max_length=500)
    pow_solution = serializers.CharField(max_length=32)


class PublicReceiptSerializer(serializers.Serializer):
    receipt_code = serializers.CharField()
    code_idle_days = serializers.IntegerField()


class ChallengeSerializer(serializers.Serializer):
    challenge = serializers.CharField()
    difficulty = serializers.IntegerField()


def _public(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _reporter_language(request: Request) -> str:
    """``language`` of the body (fr, en, ar), else the ``Accept-Language`` header: no cookie."""
    lang = str(request.data.get("language") or "") if isinstance(request.data, dict) else ""
    if lang not in PUBLIC_LANGUAGES:
        lang = translation.get_language_from_request(request._request)
        lang = lang if lang in PUBLIC_LANGUAGES else settings.LANGUAGE_CODE
    return lang


class _AnonymousView(APIView):
    """No account, no token, no session; DRF's own throttles are off because they would keep
    the caller's address in the cache in clear (the app's rate limit keys on a keyed hash).
    Every answer, errors included, is never cached and carries no referrer."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def finalize_response(self, request: Request, response, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        return _public(super().finalize_response(request, response, *args, **kwargs))


class PublicChallengeView(_AnonymousView):
    @extend_schema(responses=ChallengeSerializer, auth=[])
    def get(self, request: Request) -> Response:
        """A fresh proof-of-work challenge: find ``solution`` such that
        SHA-256(challenge + ":" + solution) starts with ``difficulty`` zero bits."""
        challenge = proof_of_work.issue_challenge()
        return Response({"challenge": challenge.token, "difficulty": challenge.difficulty})


class PublicSubmitView(_AnonymousView):
    @extend_schema(
        request=PublicSubmissionSerializer,
        responses={201: PublicReceiptSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        """Send an anonymous report. The receipt code in the answer is shown this once and
        never stored in clear: keep it to read the answers and add information."""
        lang = _reporter_language(request)
        with translation.override(lang):
            return self._submit(request, lang)

    def _submit(self, request: Request, lang: str) -> Response:
        limit, window = conf.submission_rate()
        if not ratelimit.hit("submit", request._request, limit=limit, window=window):
            return Response(
                {"detail": _("Too many reports from this connection. Please try again later.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if not isinstance(request.data, dict):
            raise DRFValidationError({"non_field_errors": [_("Send a JSON object.")]})
        body = dict(request.data.items()) if hasattr(request.data, "getlist") else request.data
        if hasattr(request.data, "getlist"):
            body["exploitation_forms"] = request.data.getlist("exploitation_forms")
        body.setdefault("minors_involved", MinorsInvolved.UNKNOWN)
        form = PublicReportForm(data=body)
        if not form.is_valid():
            raise DRFValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        data = form.cleaned_data
        if data["website"]:
            raise DRFValidationError(
                {"non_field_errors": [_("Your report could not be sent. Please try again.")]}
            )
        try:
            payload = proof_of_work.check(data["pow_challenge"], data["pow_solution"])
            submitted = services.public_report_submit(
                pow_payload=payload,
                language=lang,
                **{k: v for k, v in data.items() if k in services.REPORT_FIELDS},
            )
        except proof_of_work.ProofOfWorkError as exc:
            raise DRFValidationError({"pow_solution": [pow_message(exc.kind)]}) from None
        except ValidationError as exc:
            raise DRFValidationError({"non_field_errors": exc.messages}) from None
        return Response(
            {"receipt_code": submitted.code, "code_idle_days": conf.receipt_code_idle_days()},
            status=status.HTTP_201_CREATED,
        )


# -- the reporter's follow-up ---------------------------------------------------------------

RECEIPT_SCHEME = "Receipt"


class ReceiptCodeHeader(authentication.BaseAuthentication):
    """Names the ``Authorization: Receipt <code>`` scheme, for the ``WWW-Authenticate`` header
    of a refused code and for the OpenAPI description. It signs nobody in: the views read the
    code themselves, after counting the attempt, because it may also come in the body."""

    def authenticate(self, request: Request) -> None:
        return None

    def authenticate_header(self, request: Request) -> str:
        return RECEIPT_SCHEME


class ReceiptCodeScheme(OpenApiAuthenticationExtension):
    target_class = ReceiptCodeHeader
    name = "receiptCode"

    def get_security_definition(self, auto_schema) -> dict[str, Any]:  # noqa: ANN001
        return {
            "type": "http",
            "scheme": RECEIPT_SCHEME,
            "description": (
                "The receipt code given when the report was sent, as "
                "`Authorization: Receipt 7K2QD-M9XRT-4HBWN-P3C8Z` (or as `code` in the body)."
            ),
        }


def _code_from(request: Request) -> str:
    """The receipt code of the body (``code``) or of the ``Authorization: Receipt`` header.
    Never the URL's: a code in a query string is ignored."""
    scheme, _sep, rest = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
    in_header = rest.strip() if scheme.lower() == RECEIPT_SCHEME.lower() else ""
    value = request.data.get("code") if isinstance(request.data, dict) else None
    in_body = value if isinstance(value, str) else ""
    if in_header and in_body:
        raise DRFValidationError(
            {"code": [_("Send the receipt code once: in the body or in the Authorization header.")]}
        )
    return in_header or in_body


def _open_with_code(request: Request) -> PublicReport:
    """Count the attempt against the page's per-address limit, then open the report. Wrong,
    expired, malformed and missing codes all get the same refusal."""
    limit, window = conf.code_attempt_rate()
    if not ratelimit.hit("code", request._request, limit=limit, window=window):
        raise Throttled(
            detail=_("Too many attempts from your connection. Please wait a while and try again.")
        )
    report = services.public_report_open(code=_code_from(request))
    if report is None:
        raise AuthenticationFailed(
            _(
                "This code does not open any report. Check what you typed; a code stops "
                "working after a long time without use."
            )
        )
    return report


class ReporterMessageSerializer(serializers.Serializer):
    """A message as the reporter sees it: from the team (never a staff member's name) or their
    own, dated to the day as on the page."""

    author_kind = serializers.ChoiceField(choices=AuthorKind.choices)
    body = serializers.CharField()
    date = serializers.SerializerMethodField()

    def get_date(self, message: PublicReportMessage) -> str:
        return timezone.localdate(message.created_at).isoformat()


class ConversationSerializer(serializers.Serializer):
    """What the follow-up page shows: the status, what the reporter wrote, the conversation."""

    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    what = serializers.CharField()
    messages = serializers.SerializerMethodField()
    code_idle_days = serializers.SerializerMethodField()

    @extend_schema_field(ReporterMessageSerializer(many=True))
    def get_messages(self, report: PublicReport) -> list[dict[str, Any]]:
        return ReporterMessageSerializer(report.messages.order_by("id"), many=True).data

    def get_code_idle_days(self, report: PublicReport) -> int:
        """The code stops working after this many days without use."""
        return conf.receipt_code_idle_days()


class ReceiptCodeInputSerializer(serializers.Serializer):
    code = serializers.CharField(
        required=False,
        help_text="The receipt code, unless it is sent as `Authorization: Receipt <code>`.",
    )
    language = serializers.ChoiceField(
        choices=sorted(PUBLIC_LANGUAGES), required=False, help_text="fr, en or ar."
    )


class ReporterAdditionInputSerializer(ReceiptCodeInputSerializer):
    body = serializers.CharField(max_length=5000)


_REFUSALS = {
    400: OpenApiResponse(description="Errors by field, such as ``body``."),
    401: OpenApiResponse(
        description="The same answer for a wrong, expired, malformed or missing code."
    ),
    429: OpenApiResponse(description="Too many code attempts from this address."),
}


class _ReporterView(_AnonymousView):
    authentication_classes = [ReceiptCodeHeader]

    def finalize_response(self, request: Request, response, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        response = super().finalize_response(request, response, *args, **kwargs)
        lang = getattr(request, "reporter_language", "")
        if lang:
            response["Content-Language"] = lang
        return response

    def initial(self, request: Request, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().initial(request, *args, **kwargs)
        request.reporter_language = _reporter_language(request)


class ReporterConversationView(_ReporterView):
    @extend_schema(
        request=ReceiptCodeInputSerializer,
        responses={200: ConversationSerializer, **_REFUSALS},
    )
    def post(self, request: Request) -> Response:
        """Read one's report and the team's answers with the receipt code (a POST, so that the
        code never sits in a URL)."""
        with translation.override(request.reporter_language):
            report = _open_with_code(request)
            return Response(ConversationSerializer(report).data)


class ReporterMessageView(_ReporterView):
    @extend_schema(
        request=ReporterAdditionInputSerializer,
        responses={201: ConversationSerializer, **_REFUSALS},
    )
    def post(self, request: Request) -> Response:
        """Add information to one's report with the receipt code. The answer is the
        conversation with the new message."""
        with translation.override(request.reporter_language):
            if not isinstance(request.data, dict):
                raise DRFValidationError({"non_field_errors": [_("Send a JSON object.")]})
            report = _open_with_code(request)
            body = request.data.get("body", "")
            if not isinstance(body, str):
                raise DRFValidationError({"body": [_("This value has the wrong shape.")]})
            form = ReporterAdditionForm(data={"body": body})
            if not form.is_valid():
                raise DRFValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
            services.reporter_message_add(report=report, body=form.cleaned_data["body"])
            return Response(ConversationSerializer(report).data, status=status.HTTP_201_CREATED)


def register(router, patterns) -> None:  # noqa: ANN001
    router.register("public-reports", PublicReportViewSet, basename="public-report")
    patterns += [
        path("public/report/", PublicSubmitView.as_view(), name="public-report-submit"),
        path(
            "public/report/challenge/",
            PublicChallengeView.as_view(),
            name="public-report-challenge",
        ),
        path(
            "public/report/follow-up/",
            ReporterConversationView.as_view(),
            name="public-report-follow-up",
        ),
        path(
            "public/report/follow-up/messages/",
            ReporterMessageView.as_view(),
            name="public-report-follow-up-messages",
        ),
    ]
