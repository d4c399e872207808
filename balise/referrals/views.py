"""Pages of the guided referral form and of the referrer's follow-up. Thin: they call services
and selectors; objects are loaded only through the user's scope (404 otherwise)."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.codelists.lists import Channel
from balise.core.access import get_for_user_or_404
from balise.referrals import attachments, panels, screening, selectors, services
from balise.referrals.enums import ReferralAction, ReferralStatus
from balise.referrals.forms import (
    FORM_BY_STEP,
    STEP_FORMS,
    STEP_OF_FIELD,
    STEPS,
    AttachmentForm,
    InformationAnswerForm,
)
from balise.referrals.models import Referral
from balise.referrals.permissions import (
    can_edit_draft,
    is_authority_staff,
    referring_organisations,
    why_cannot_refer,
)
from balise.referrals.receipt import receipt_pdf

STEP_TITLES = {**{f.step: f.title for f in STEP_FORMS}}


def _step_title(step: str) -> str:
    return str(STEP_TITLES.get(step) or _("Review and send"))


def _load(request: HttpRequest, pk) -> Referral:  # noqa: ANN001
    return get_for_user_or_404(selectors.referral_queryset_for_user(request.user), pk=pk)


def _load_draft(request: HttpRequest, pk) -> Referral:  # noqa: ANN001
    referral = _load(request, pk)
    if not can_edit_draft(request.user, referral):
        raise Http404(_("Not found."))
    return referral


def _post_or_error(request: HttpRequest):  # noqa: ANN202
    """``request.POST``, or None when the request is larger than the server accepts."""
    try:
        return request.POST
    except RequestDataTooBig:
        return None


def referral_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    referrals = selectors.referral_list_for_user(request.user, status=status)
    if not referrals.exists() and not referring_organisations(request.user):
        if not is_authority_staff(request.user):
            raise PermissionDenied
    alerts = request.user.referral_alerts.filter(read_at__isnull=True).select_related("referral")
    return render(
        request,
        "referrals/list.html",
        {
            "referrals": referrals[:200],
            "statuses": ReferralStatus.choices,
            "status": status,
            "alerts": alerts[:20],
            "can_refer": bool(referring_organisations(request.user)),
        },
    )


@require_http_methods(["GET", "POST"])
def referral_new_view(request: HttpRequest) -> HttpResponse:
    organisations = referring_organisations(request.user)
    reasons = {
        org.pk: why_cannot_refer(request.user, org, Channel.PROFESSIONAL_FORM)
        for org in organisations
    }
    allowed = [org for org in organisations if not reasons[org.pk]]
    if request.method == "POST":
        org_id = request.POST.get("organisation", "")
        organisation = next((o for o in allowed if str(o.pk) == org_id), None)
        if organisation is None and len(allowed) == 1 and not org_id:
            organisation = allowed[0]
        if organisation is not None:
            referral = services.referral_draft_create(
                acting_user=request.user,
                organisation=organisation,
                channel=Channel.PROFESSIONAL_FORM,
                prefill={},
                idempotency_key=request.POST.get("idempotency_key", "")[:100],
            )
            return redirect("referrals:step", pk=referral.pk, step=referral.draft_step or "person")
        messages.error(request, _("Choose an organisation you may refer for."))
    status = 200 if allowed else 403
    return render(
        request,
        "referrals/new.html",
        {
            "allowed": allowed,
            "refused": [(o, reasons[o.pk]) for o in organisations if reasons[o.pk]],
            "idempotency_key": secrets.token_urlsafe(16),
        },
        status=status,
    )


def _step_context(referral: Referral, step: str, form, **extra) -> dict:  # noqa: ANN001, ANN003
    index = STEPS.index(step)
    ctx = {
        "referral": referral,
        "step": step,
        "step_title": _step_title(step),
        "steps": [(s, _step_title(s)) for s in STEPS],
        "step_number": index + 1,
        "step_count": len(STEPS),
        "previous_step": STEPS[index - 1] if index else "",
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else "",
        "form": form,
    }
    if step == "indicators":
        result = services.draft_screening(referral)
        catalogue = screening.get_catalogue(result["list"])
        checked = set(form["indicators"].value() or [])
        ctx["indicator_groups"] = [
            (number, label, [(i, i.code in checked) for i in inds])
            for number, label, inds in catalogue.by_dimension()
        ]
        ctx["screening"] = result
        ctx["screening_rows"] = screening.describe(result)
        ctx["catalogue"] = catalogue
    if step == "narrative":
        ctx["attachments"] = referral.attachments.all()
        ctx["attachment_form"] = extra.pop("attachment_form", None) or AttachmentForm()
        ctx["max_mb"] = attachments.MAX_BYTES // (1024 * 1024)
    ctx.update(extra)
    return ctx


@require_http_methods(["GET", "POST"])
def referral_step_view(request: HttpRequest, pk, step: str) -> HttpResponse:  # noqa: ANN001
    referral = _load(request, pk)
    if not referral.is_draft:
        return redirect("referrals:detail", pk=referral.pk)
    if not can_edit_draft(request.user, referral):
        raise Http404(_("Not found."))
    if step == "review":
        return _review(request, referral)
    if step not in FORM_BY_STEP:
        raise Http404(_("Not found."))
    if request.method == "POST":
        post = _post_or_error(request)
        if post is None:
            form = services.step_form(referral, step)
            form.is_valid()
            messages.error(
                request,
                _("Too much was sent at once. Shorten the longest text and save again."),
            )
            return render(
                request, "referrals/step.html", _step_context(referral, step, form), status=400
            )
        data = services.raw_from_querydict(post, step)
        action = post.get("action", "save")
        target = post.get("goto", "")
        services.referral_draft_save(
            acting_user=request.user,
            referral=referral,
            data=data,
            step=target if target in STEPS else step,
        )
        form = services.step_form(referral, step)
        valid = form.is_valid()
        if action == "save" or not valid:
            if valid:
                messages.success(request, _("Draft saved."))
            else:
                messages.warning(
                    request,
                    _("Draft saved. Some answers need correcting: see the messages below."),
                )
            return render(
                request,
                "referrals/step.html",
                _step_context(referral, step, form),
                status=200 if valid else 422 if action != "save" else 200,
            )
        if target in STEPS:
            return redirect("referrals:step", pk=referral.pk, step=target)
        return redirect("referrals:step", pk=referral.pk, step=step)
    form = services.step_form(referral, step)
    if referral.draft_data and any(name in referral.draft_data for name in form.fields):
        form.is_valid()  # show problems in what was saved earlier
    else:
        form = FORM_BY_STEP[step](initial={})
    return render(request, "referrals/step.html", _step_context(referral, step, form))


@require_POST
def referral_autosave_view(request: HttpRequest, pk, step: str) -> HttpResponse:  # noqa: ANN001
    """htmx autosave: stores the step's values and answers with a short status (and, on the
    indicators step, the updated screening advice)."""
    referral = _load_draft(request, pk)
    if step not in FORM_BY_STEP:
        raise Http404(_("Not found."))
    post = _post_or_error(request)
    if post is None:
        return HttpResponse(
            '<span class="error">'
            + _("Too much was sent at once: not saved. Shorten the longest text.")
            + "</span>",
            status=200,
        )
    services.referral_draft_save(
        acting_user=request.user,
        referral=referral,
        data=services.raw_from_querydict(post, step),
        step=step,
    )
    ctx = {"saved_at": timezone.localtime(), "step": step, "referral": referral}
    if step == "indicators":
        result = services.draft_screening(referral)
        ctx["screening"] = result
        ctx["screening_rows"] = screening.describe(result)
    return render(request, "referrals/_autosaved.html", ctx)


def _summary(form) -> list[tuple[str, str]]:  # noqa: ANN001
    """(label, value shown) for each answered field of a step, as typed when not valid."""
    rows = []
    for bound in form:
        value = bound.value()
        if value in (None, "", [], "not_asked", "unknown") or value is False:
            continue
        field = bound.field
        choices = dict((str(k), v) for k, v in getattr(field, "choices", []) or [])
        if value is True or value == "true":
            shown = _("Yes")
        elif value == "false":
            shown = _("No")
        elif isinstance(value, list):
            shown = "; ".join(str(choices.get(str(v), v)) for v in value)
        elif choices:
            shown = str(choices.get(str(value), value))
        else:
            shown = str(value)
        rows.append((str(bound.label), shown))
    return rows


def _review(request: HttpRequest, referral: Referral) -> HttpResponse:
    cleaned, errors = services.validate_draft(referral)
    if request.method == "POST":
        post = _post_or_error(request) or {}
        if post.get("action") == "submit":
            try:
                submitted = services.referral_submit(acting_user=request.user, referral=referral)
            except services.ReferralInvalid as exc:
                errors = exc.errors
            except services.ReferralNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Referral sent. Its reference is %(ref)s.") % {"ref": submitted.reference},
                )
                return redirect("referrals:detail", pk=submitted.pk)
    result = services.draft_screening(referral)
    error_rows = []
    for field, msgs in errors.items():
        step = STEP_OF_FIELD.get(field, field if field in STEPS else "review")
        form_class = FORM_BY_STEP.get(step)
        label = (
            form_class.base_fields[field].label
            if form_class and field in form_class.base_fields
            else _step_title(step)
        )
        error_rows.append({"step": step, "label": label, "messages": msgs, "field": field})
    forms_by_step = [
        (f.step, _step_title(f.step), _summary(services.step_form(referral, f.step)))
        for f in STEP_FORMS
    ]
    reason = why_cannot_refer(request.user, referral.organisation, referral.channel)
    ctx = _step_context(
        referral,
        "review",
        None,
        errors=error_rows,
        forms_by_step=forms_by_step,
        presumed_minor=cleaned.get("presumed_minor"),
        consent_refused=cleaned.get("consent_status") == "refused",
        screening=result,
        screening_rows=screening.describe(result),
        cannot_submit_reason=reason,
        idempotency_key=secrets.token_urlsafe(16),
    )
    return render(
        request,
        "referrals/review.html",
        ctx,
        status=422 if errors and request.method == "POST" else 200,
    )


def _detail(
    request: HttpRequest,
    referral: Referral,
    *,
    failed=None,
    failed_form=None,
    status: int = 200,  # noqa: ANN001
) -> HttpResponse:
    requests = []
    for info in referral.information_requests.select_related("asked_by").all():
        form = (
            failed_form
            if failed is not None and info.pk == failed
            else InformationAnswerForm(auto_id=f"id_%s_{info.pk}")
        )
        requests.append((info, form))
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "person": referral.person,
            "panels": panels.render_panels(request, referral),
            "screening_rows": screening.describe(referral.screening_result)
            if referral.screening_result
            else [],
            "information_requests": requests,
            "can_answer": referral.organisation in referring_organisations(request.user),
            "attachments": referral.attachments.all(),
            "transitions": [
                (t.at, dict(ReferralStatus.choices).get(t.to_state, t.to_state))
                for t in referral.transitions.all()
            ],
        },
        status=status,
    )


def referral_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    referral = _load(request, pk)
    if referral.is_draft:
        return redirect("referrals:step", pk=referral.pk, step=referral.draft_step or "person")
    audit_record(actor=request.user, action=AuditAction.READ, obj=referral)
    return _detail(request, referral)


def referral_receipt_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    referral = _load(request, pk)
    if referral.is_draft:
        raise Http404(_("Not found."))
    pdf = receipt_pdf(referral)
    audit_record(actor=request.user, action=ReferralAction.RECEIPT, obj=referral)
    response = HttpResponse(bytes(pdf), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{referral.reference}.pdf"'
    return response


@require_POST
def referral_withdraw_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    referral = _load(request, pk)
    try:
        services.referral_withdraw(
            acting_user=request.user, referral=referral, reason=request.POST.get("reason", "")
        )
    except (services.ReferralNotAllowed, Exception) as exc:  # TransitionNotAllowed included
        if isinstance(exc, services.ReferralNotAllowed):
            raise Http404(_("Not found.")) from None
        from balise.core.state_machine import TransitionNotAllowed

        if not isinstance(exc, TransitionNotAllowed):
            raise
        messages.error(request, _("This referral can no longer be withdrawn."))
    else:
        messages.success(request, _("Referral withdrawn."))
    return redirect("referrals:list")


@require_POST
def information_answer_view(request: HttpRequest, pk, request_pk) -> HttpResponse:  # noqa: ANN001
    referral = _load(request, pk)
    info = get_for_user_or_404(referral.information_requests.all(), pk=request_pk)
    form = InformationAnswerForm(request.POST, auto_id=f"id_%s_{info.pk}")
    if form.is_valid():
        try:
            services.information_request_answer(
                acting_user=request.user,
                information_request=info,
                answer=form.cleaned_data["answer"],
            )
        except services.ReferralNotAllowed as exc:
            form.add_error("answer", str(exc))
        else:
            messages.success(request, _("Answer sent."))
            return redirect("referrals:detail", pk=referral.pk)
    return _detail(request, referral, failed=info.pk, failed_form=form, status=422)


@require_POST
def attachment_upload_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    referral = _load_draft(request, pk)
    try:
        form = AttachmentForm(request.POST, request.FILES)
        valid = form.is_valid()
    except RequestDataTooBig:
        form, valid = AttachmentForm(), False
        form.errors["file"] = form.error_class([_("The file is too large.")])
    if valid:
        try:
            attachments.attachment_add(
                acting_user=request.user, referral=referral, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("File added."))
            return redirect("referrals:step", pk=referral.pk, step="narrative")
    form_step = services.step_form(referral, "narrative")
    return render(
        request,
        "referrals/step.html",
        _step_context(referral, "narrative", form_step, attachment_form=form),
        status=422,
    )


def attachment_download_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    attachment = get_for_user_or_404(selectors.attachment_queryset_for_user(request.user), pk=pk)
    data = attachments.attachment_read(acting_user=request.user, attachment=attachment)
    return attachments.streaming_response(attachment, data)


@require_POST
def attachment_remove_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    attachment = get_for_user_or_404(selectors.attachment_queryset_for_user(request.user), pk=pk)
    try:
        attachments.attachment_remove(acting_user=request.user, attachment=attachment)
    except ValidationError:
        raise Http404(_("Not found.")) from None
    messages.success(request, _("File removed."))
    return redirect(reverse("referrals:step", args=[attachment.referral_id, "narrative"]))
