from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.organisations import selectors, services
from balise.organisations.enums import OrganisationKind
from balise.organisations.forms import OrganisationForm, TransitionForm
from balise.organisations.permissions import can_manage_organisations


def _require_admin(request: HttpRequest) -> None:
    if not can_manage_organisations(request.user):
        raise PermissionDenied


def organisation_list_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "")[:100]
    organisations = selectors.organisation_list(user=request.user, kind=kind, q=q)
    return render(
        request,
        "organisations/list.html",
        {
            "organisations": organisations,
            "kinds": OrganisationKind.choices,
            "kind": kind,
            "q": q,
            "users_url": reverse("accounts:users"),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = services.organisation_create(acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Organisation created."))
        return redirect("organisations:detail", pk=org.pk)
    return render(request, "organisations/form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def organisation_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    org = get_for_user_or_404(selectors.organisation_queryset_for_user(request.user), pk=pk)
    form = OrganisationForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            acting_user=request.user, organisation=org, **form.cleaned_data
        )
        messages.success(request, _("Changes saved."))
        return redirect("organisations:detail", pk=org.pk)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": org,
            "form": form,
            "transition_form": TransitionForm(),
            "transitions": org.transitions.select_related("actor").order_by("-at")[:50],
            "memberships": org.memberships.filter(is_active=True).select_related("user"),
        },
    )


@require_POST
def organisation_transition_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_admin(request)
    org = get_for_user_or_404(selectors.organisation_queryset_for_user(request.user), pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.organisation_transition(
                acting_user=request.user,
                organisation=org,
                event=form.cleaned_data["event"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Status changed."))
        except TransitionNotAllowed:
            messages.error(request, _("This change is not possible from the current status."))
    else:
        messages.error(request, _("Give a reason for the change."))
    return redirect("organisations:detail", pk=org.pk)
