"""Public pages (no account, no cookie) and the staff pages that triage public reports."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.public_reports import conf, ratelimit, selectors, services
from balise.public_reports import pow as proof_of_work
from balise.public_reports.enums import ReportStatus
from balise.public_reports.forms import (
    CodeForm,
    PublicReportForm,
    ReporterMessageForm,
    StaffMessageForm,
    StaffTransitionForm,
)
from balise.public_reports.permissions import can_handle_public_reports

PUBLIC_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The rules of every public page: the language comes from ``?lang=`` (no cookie), the
    response is never cached and sets no cookie, and it carries no referrer. These pages hold
    no session and no ambient authority, so they are exempt from Django's cookie-based CSRF
    check: a submission is protected by its single-use proof-of-work challenge, and adding to a
    conversation needs the short-lived signed token that only the page showing it holds."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:  # noqa: ANN002, ANN003
        lang = request.GET.get("lang") or request.POST.get("lang") or ""
        if lang not in PUBLIC_LANGUAGES:
            lang = translation.get_language_from_request(request)
            if lang not in PUBLIC_LANGUAGES:
                lang = settings.LANGUAGE_CODE
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        response["Referrer-Policy"] = "no-referrer"
        response["Content-Language"] = lang
        return response

    return csrf_exempt(wrapper)


def _context(request: HttpRequest, **extra: object) -> dict[str, object]:
    lang = request.LANGUAGE_CODE
    return {
        "lang": lang,
        "quick_exit_url": conf.quick_exit_url(),
        "idle_days": conf.receipt_code_idle_days(),
        "public_languages": [(code, name) for code, name in settings.LANGUAGES],
        **extra,
    }


def _too_many(request: HttpRequest, template: str, **ctx: object) -> HttpResponse:
    return render(
        request,
        template,
        _context(
            request,
            throttled=True,
            **ctx,
        ),
        status=429,
    )


@public_page
@require_http_methods(["GET", "POST"])
def report_view(request: HttpRequest) -> HttpResponse:
    form = PublicReportForm(request.POST or None)
    template = "public_reports/report_form.html"
    if request.method == "POST":
        limit, window = conf.submission_rate()
        if not ratelimit.hit("submit", request, limit=limit, window=window):
            return _too_many(
                request, template, form=form, challenge=proof_of_work.issue_challenge()
            )
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                form.add_error(None, _("Your report could not be sent. Please try again."))
            else:
                try:
                    payload = proof_of_work.check(data["pow_challenge"], data["pow_solution"])
                    submitted = services.public_report_submit(
                        pow_payload=payload,
                        language=request.LANGUAGE_CODE,
                        **{k: v for k, v in data.items() if k in services.REPORT_FIELDS},
                    )
                except proof_of_work.ProofOfWorkError as exc:
                    form.add_error(None, pow_message(exc.kind))
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return render(
                        request,
                        "public_reports/receipt.html",
                        _context(request, code=submitted.code),
                    )
    return render(
        request,
        template,
        _context(request, form=form, challenge=proof_of_work.issue_challenge()),
        status=400 if request.method == "POST" else 200,
    )


def pow_message(kind: str) -> str:
    if kind == "stale":
        return _("The anti-abuse check took too long. Please send the form again.")
    if kind == "replayed":
        return _("This form was already sent. Please check your receipt code or start again.")
    return _(
        "The anti-abuse check did not complete. JavaScript must be enabled for it; "
        "please send the form again."
    )


@public_page
@require_GET
def challenge_view(request: HttpRequest) -> HttpResponse:
    challenge = proof_of_work.issue_challenge()
    return JsonResponse({"challenge": challenge.token, "difficulty": challenge.difficulty})


def _conversation(request: HttpRequest, report, form=None, status: int = 200) -> HttpResponse:  # noqa: ANN001
    return render(
        request,
        "public_reports/conversation.html",
        _context(
            request,
            report=report,
            messages_list=report.messages.order_by("id"),
            form=form or ReporterMessageForm(initial={"token": services.access_token_for(report)}),
        ),
        status=status,
    )


@public_page
@require_http_methods(["GET", "POST"])
def follow_up_view(request: HttpRequest) -> HttpResponse:
    """Enter the receipt code. The code travels only in the body of a POST."""
    form = CodeForm(request.POST or None)
    template = "public_reports/code_form.html"
    if request.method == "POST":
        limit, window = conf.code_attempt_rate()
        if not ratelimit.hit("code", request, limit=limit, window=window):
            return _too_many(request, template, form=CodeForm())
        report = services.public_report_open(code=request.POST.get("code", ""))
        if report is not None:
            return _conversation(request, report)
        error = _(
            "This code does not open any report. Check what you typed; a code stops "
            "working after a long time without use."
        )
        return render(request, template, _context(request, form=CodeForm(), page_error=error))
    return render(request, template, _context(request, form=form))


@public_page
@require_POST
def follow_up_message_view(request: HttpRequest) -> HttpResponse:
    form = ReporterMessageForm(request.POST)
    report = services.report_from_access_token(request.POST.get("token", ""))
    if report is None:
        error = _("Your page has expired. Enter your receipt code again.")
        return render(
            request,
            "public_reports/code_form.html",
            _context(request, form=CodeForm(), page_error=error),
        )
    if not form.is_valid():
        return _conversation(request, report, form=form, status=400)
    services.reporter_message_add(report=report, body=form.cleaned_data["body"])
    return _conversation(request, report)


# --- Staff ---------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not can_handle_public_reports(request.user):
        raise PermissionDenied


def staff_list_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    status = request.GET.get("status", "")
    status = status if status in ReportStatus.values else ""
    reports = selectors.public_report_list(
        user=request.user, status=status, region=request.GET.get("region", "")
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "public_reports/staff_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ReportStatus.choices,
            "region": request.GET.get("region", "")[:100],
            "notices": request.user.public_report_notices.filter(
                read_at__isnull=True
            ).select_related("report")[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def staff_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    report = get_for_user_or_404(selectors.public_report_queryset_for_user(request.user), pk=pk)
    message_form = StaffMessageForm(request.POST or None)
    if request.method == "POST" and message_form.is_valid():
        services.staff_message_add(
            acting_user=request.user, report=report, body=message_form.cleaned_data["body"]
        )
        messages.success(request, _("Answer sent. The reporter sees it with their code."))
        return redirect("public_reports:staff_detail", pk=report.pk)
    services.public_report_read(acting_user=request.user, report=report)
    from balise.public_reports.lifecycle import REPORT

    return render(
        request,
        "public_reports/staff_detail.html",
        {
            "report": report,
            "messages_list": report.messages.select_related("author").order_by("id"),
            "message_form": message_form,
            "transition_form": StaffTransitionForm(),
            "events": REPORT.allowed_events(report.status),
            "transitions": _labelled(report.transitions.select_related("actor").order_by("-at")),
            "referral_available": services.referral_organisation_for(request.user) is not None,
        },
    )


def _labelled(transitions) -> list:  # noqa: ANN001
    labels = dict(ReportStatus.choices)
    out = list(transitions)
    for t in out:
        t.to_label = labels.get(t.to_state, t.to_state)
    return out


@require_POST
def staff_transition_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    report = get_for_user_or_404(selectors.public_report_queryset_for_user(request.user), pk=pk)
    form = StaffTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("public_reports:staff_detail", pk=report.pk)
    try:
        services.public_report_transition(
            acting_user=request.user, report=report, **form.cleaned_data
        )
    except TransitionNotAllowed:
        messages.error(request, _("This change is not possible from the current status."))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("Status changed."))
    return redirect("public_reports:staff_detail", pk=report.pk)


@require_POST
def staff_referral_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    """Turn the report into a referral draft and open it in the referral form."""
    _require_staff(request)
    report = get_for_user_or_404(selectors.public_report_queryset_for_user(request.user), pk=pk)
    try:
        referral = services.public_report_turn_into_referral(
            acting_user=request.user, report=report
        )
    except TransitionNotAllowed:
        messages.error(request, _("This change is not possible from the current status."))
        return redirect("public_reports:staff_detail", pk=report.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return redirect("public_reports:staff_detail", pk=report.pk)
    messages.success(
        request, _("Referral draft created from the report. Complete it, then submit it.")
    )
    return redirect("referrals:step", pk=referral.pk, step="person")
