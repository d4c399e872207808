from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.hotline import lifecycle, selectors, services
from balise.hotline.enums import ACTIVE_STATUSES, CallStatus
from balise.hotline.forms import CallFilterForm, CallForm, CallTransitionForm
from balise.hotline.permissions import is_hotline_operator, operator_hotlines


def _require_operator(request: HttpRequest) -> None:
    if not is_hotline_operator(request.user):
        raise PermissionDenied


def _apply_errors(form, exc: ValidationError) -> None:  # noqa: ANN001
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def call_list_view(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    filters = CallFilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    mine = request.GET.get("mine") == "1"
    calls = selectors.call_list(
        user=request.user,
        operator_id=str(request.user.pk) if mine else "",
        **{k: v for k, v in criteria.items() if v},
    )
    page = Paginator(calls, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "hotline/call_list.html",
        {"filters": filters, "page": page, "mine": mine, "query": query.urlencode()},
    )


@require_http_methods(["GET", "POST"])
def call_create_view(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = CallForm(
        request.POST or None,
        initial={"received_at": now},
        hotlines=operator_hotlines(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Call logged."))
            return redirect("hotline:call_detail", pk=call.pk)
    return render(request, "hotline/call_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def call_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_operator(request)
    call = get_for_user_or_404(selectors.call_queryset_for_user(request.user), pk=pk)
    editable = call.status in ACTIVE_STATUSES
    form = CallForm(request.POST or None, instance=call) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.call_update(acting_user=request.user, call=call, **form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("hotline:call_detail", pk=call.pk)
    notes = services.call_notes_read(acting_user=request.user, call=call)
    return render(
        request,
        "hotline/call_detail.html",
        {
            "call": call,
            "notes": notes,
            "form": form,
            "events": lifecycle.CALL.allowed_events(call.status),
            "transition_form": CallTransitionForm(),
            "transitions": _labelled(call.transitions.select_related("actor").order_by("-at")),
            "referral_available": True,
            "referral_url": reverse("referrals:detail", args=[call.referral_id])
            if call.referral_id
            else "",
        },
    )


@require_POST
def call_referral_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    """Turn the call into a referral draft and open it in the referral form."""
    _require_operator(request)
    call = get_for_user_or_404(selectors.call_queryset_for_user(request.user), pk=pk)
    try:
        referral = services.call_turn_into_referral(acting_user=request.user, call=call)
    except TransitionNotAllowed:
        messages.error(request, _("This change is not possible from the current status."))
        return redirect("hotline:call_detail", pk=call.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
        return redirect("hotline:call_detail", pk=call.pk)
    messages.success(
        request, _("Referral draft created from the call. Complete it, then submit it.")
    )
    return redirect("referrals:step", pk=referral.pk, step="person")


def _labelled(transitions) -> list:  # noqa: ANN001
    labels = dict(CallStatus.choices)
    out = list(transitions)
    for t in out:
        t.to_label = labels.get(t.to_state, t.to_state)
    return out


@require_POST
def call_transition_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_operator(request)
    call = get_for_user_or_404(selectors.call_queryset_for_user(request.user), pk=pk)
    form = CallTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an action."))
        return redirect("hotline:call_detail", pk=call.pk)
    try:
        services.call_transition(
            acting_user=request.user,
            call=call,
            event=form.cleaned_data["event"],
            reason=form.cleaned_data["reason"],
            follow_up_due=form.cleaned_data["follow_up_due"],
        )
    except TransitionNotAllowed:
        messages.error(request, _("This change is not possible from the current status."))
    except ValidationError as exc:
        for errors in getattr(exc, "message_dict", {"": exc.messages}).values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, _("Status changed."))
    return redirect("hotline:call_detail", pk=call.pk)


def follow_up_list_view(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    groups = selectors.open_follow_ups_by_operator(user=request.user)
    return render(
        request, "hotline/follow_ups.html", {"groups": groups, "today": timezone.localdate()}
    )
