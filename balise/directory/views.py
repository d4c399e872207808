"""Directory pages: everyone who orients or receives people reads it; a shelter's managers keep
their own entries true (details and places); the date of the last update shows everywhere."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from balise.core.access import get_for_user_or_404
from balise.directory import selectors, services
from balise.directory.enums import ServiceKind
from balise.directory.forms import PlacesForm, ServiceForm
from balise.directory.permissions import can_create_service, can_manage_service, can_read_directory


def _managed_organisations(user):  # noqa: ANN001, ANN202
    from balise.accounts.enums import Role
    from balise.organisations.models import Organisation

    if user.has_role(Role.ADMINISTRATOR):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=[o.pk for o in user.organisations_with_role(Role.SHELTER_MANAGER)]
    )


def service_list_view(request: HttpRequest) -> HttpResponse:
    if not can_read_directory(request.user):
        raise PermissionDenied
    kind = request.GET.get("kind", "")
    region = request.GET.get("region", "")
    free = request.GET.get("free") == "1"
    services_qs = selectors.service_list(
        request.user,
        kind=kind if kind in ServiceKind.values else "",
        region=region,
        with_free_places=free,
    )
    regions = (
        selectors.service_queryset_for_user(request.user)
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )
    return render(
        request,
        "directory/list.html",
        {
            "services": services_qs[:500],
            "kinds": ServiceKind.choices,
            "kind": kind,
            "regions": list(regions),
            "region": region,
            "free": free,
            "managed_ids": set(
                selectors.managed_services(request.user).values_list("pk", flat=True)
            ),
            "can_create": can_create_service(request.user),
        },
    )


def service_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    service = get_for_user_or_404(selectors.service_queryset_for_user(request.user), pk=pk)
    return render(
        request,
        "directory/detail.html",
        {"service": service, "can_manage": can_manage_service(request.user, service)},
    )


@require_http_methods(["GET", "POST"])
def service_edit_view(request: HttpRequest, pk=None) -> HttpResponse:  # noqa: ANN001
    if pk is None:
        if not can_create_service(request.user):
            raise PermissionDenied
        service = None
    else:
        service = get_for_user_or_404(selectors.managed_services(request.user), pk=pk)
    form = ServiceForm(
        request.POST or None,
        instance=service,
        organisations=_managed_organisations(request.user),
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        services.service_save(acting_user=request.user, service=saved, changed=form.changed_data)
        messages.success(request, _("The entry is saved."))
        return redirect("directory:detail", pk=saved.pk)
    return render(request, "directory/edit.html", {"form": form, "service": service})


@require_http_methods(["GET", "POST"])
def places_edit_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    service = get_for_user_or_404(selectors.managed_services(request.user), pk=pk)
    initial = {
        "total": service.places_total,
        "occupied": service.places_occupied,
        "reserved_quota": service.places_reserved_quota,
        "out_of_service": service.places_out_of_service,
    }
    form = PlacesForm(request.POST or None, initial=initial, booked=service.places_booked)
    if request.method == "POST" and form.is_valid():
        try:
            services.places_update(acting_user=request.user, service=service, **form.cleaned_data)
        except ValueError:
            form.add_error("total", _("Someone has just booked a place: check the figures again."))
        else:
            messages.success(request, _("The places are up to date."))
            return redirect("directory:detail", pk=service.pk)
    return render(request, "directory/places.html", {"form": form, "service": service})
