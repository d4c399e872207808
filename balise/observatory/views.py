from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed

from . import exports, importing, presentation, selectors, services
from .forms import CorrectionForm, ImportForm, PrivacyForm, ReleaseForm
from .lifecycle import RELEASE
from .permissions import is_statistician, public_statistics_enabled
from .report import build_report
from .report_pdf import report_pdf


def _release(request: HttpRequest, pk: Any) -> Any:
    return get_for_user_or_404(selectors.release_queryset_for_user(request.user), pk=pk)


def _public_release(pk: Any) -> Any:
    if not public_statistics_enabled():
        raise Http404(_("Not found."))
    return get_for_user_or_404(selectors.public_release_queryset(), pk=pk)


def _require_statistician(request: HttpRequest) -> None:
    if not is_statistician(request.user):
        raise PermissionDenied


def _list(request: HttpRequest, releases: Any, public: bool) -> HttpResponse:
    statistician = not public and is_statistician(request.user)
    context: dict[str, Any] = {
        "releases": releases,
        "public": public,
        "statistician": statistician,
        "refresh": services.latest_refresh() if statistician else None,
        "assemblies": selectors.active_assemblies_for_user(request.user) if statistician else [],
    }
    return render(request, "observatory/list.html", context)


def release_list_view(request: HttpRequest) -> HttpResponse:
    if not is_statistician(request.user) and not selectors.can_read_published(request.user):
        raise PermissionDenied
    releases = selectors.release_queryset_for_user(request.user)
    return _list(request, releases, public=False)


def public_list_view(request: HttpRequest) -> HttpResponse:
    if not public_statistics_enabled():
        raise Http404(_("Not found."))
    return _list(request, selectors.public_release_queryset(), public=True)


@require_POST
def refresh_view(request: HttpRequest) -> HttpResponse:
    _require_statistician(request)
    refresh = services.refresh_projection(actor=request.user)
    messages.success(
        request, _("Statistics refreshed: %(rows)d person-periods.") % {"rows": refresh.rows}
    )
    return redirect("observatory:list")


@require_http_methods(["GET", "POST"])
def release_new_view(request: HttpRequest) -> HttpResponse:
    _require_statistician(request)
    refresh = services.latest_refresh()
    regions = services.refresh_regions(refresh)
    form = ReleaseForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            assembly = services.request_release_assembly(
                actor=request.user,
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
                area=form.cleaned_data["area"],
                request_id=form.cleaned_data["request_id"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("observatory:assembly", pk=assembly.pk)
    return render(request, "observatory/new.html", {"form": form, "refresh": refresh})


def _assembly(request: HttpRequest, pk: Any) -> Any:
    """Assemblies are drafts in the making: other users get 404, as for drafts."""
    return get_for_user_or_404(selectors.assembly_queryset_for_user(request.user), pk=pk)


def assembly_view(request: HttpRequest, pk: Any) -> HttpResponse:
    assembly = _assembly(request, pk)
    return render(
        request,
        "observatory/assembly.html",
        {"assembly": assembly, "status": presentation.assembly_status(assembly)},
    )


def assembly_status_view(request: HttpRequest, pk: Any) -> HttpResponse:
    """The progress fragment the page polls; 286 tells htmx to stop polling once finished."""
    assembly = _assembly(request, pk)
    response = render(
        request,
        "observatory/_assembly_status.html",
        {"assembly": assembly, "status": presentation.assembly_status(assembly)},
    )
    if not assembly.is_active:
        response.status_code = 286
    return response


def _detail(request: HttpRequest, release: Any, public: bool) -> HttpResponse:
    titles = presentation.titles()
    grids = [presentation.grid(release, t, titles.get(t["name"])) for t in release.tables]
    statistician = not public and is_statistician(request.user)
    adjustments = release.parameters.get("adjustments", [])

    def named(kind: str) -> list[str]:
        names = dict.fromkeys(a["table"] for a in adjustments if a["adjustment"] == kind)
        return [str(titles.get(n, n)) for n in names]

    withheld = named("withheld")
    return render(
        request,
        "observatory/detail.html",
        {
            "withheld": withheld,
            "national_only": [n for n in named("national_only") if n not in withheld],
            "release": release,
            "grids": grids,
            "public": public,
            "statistician": statistician,
            "events": RELEASE.allowed_events(release.status) if statistician else [],
            "correction_form": CorrectionForm() if statistician else None,
            "formats": exports.FORMATS if statistician else exports.PUBLIC_FORMATS,
            "transitions": release.transitions.select_related("actor") if statistician else [],
            "correction": getattr(release, "correction", None) if release.is_public else None,
        },
    )


def release_detail_view(request: HttpRequest, pk: Any) -> HttpResponse:
    return _detail(request, _release(request, pk), public=False)


def public_detail_view(request: HttpRequest, pk: Any) -> HttpResponse:
    return _detail(request, _public_release(pk), public=True)


@require_POST
def release_transition_view(request: HttpRequest, pk: Any, event: str) -> HttpResponse:
    release = _release(request, pk)
    _require_statistician(request)
    try:
        if event == "review":
            services.review_release(release, actor=request.user)
        elif event == "publish":
            services.publish_release(release, actor=request.user)
        elif event == "reopen":
            RELEASE.apply(release, "reopen", actor=request.user)
            audit_record(
                actor=request.user,
                action=AuditAction.TRANSITION,
                obj=release,
                details={"event": "reopen"},
            )
        else:
            raise Http404(_("Not found."))
    except (TransitionNotAllowed, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [_("Not allowed.")])))
    else:
        messages.success(request, _("Release updated."))
    return redirect("observatory:detail", pk=release.pk)


@require_POST
def release_correct_view(request: HttpRequest, pk: Any) -> HttpResponse:
    release = _release(request, pk)
    _require_statistician(request)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            assembly = services.request_correction(
                release,
                actor=request.user,
                note=form.cleaned_data["note"],
                request_id=form.cleaned_data["request_id"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("observatory:assembly", pk=assembly.pk)
    else:
        messages.error(request, _("Say what the correction changes."))
    return redirect("observatory:detail", pk=release.pk)


def _dashboard(request: HttpRequest, release: Any, public: bool) -> HttpResponse:
    return render(
        request,
        "observatory/dashboard.html",
        {"report": build_report(release), "release": release, "public": public},
    )


def dashboard_view(request: HttpRequest, pk: Any) -> HttpResponse:
    return _dashboard(request, _release(request, pk), public=False)


def public_dashboard_view(request: HttpRequest, pk: Any) -> HttpResponse:
    return _dashboard(request, _public_release(pk), public=True)


def _published(release: Any) -> Any:
    if not release.is_public:
        raise Http404(_("Not found."))
    return release


def report_view(request: HttpRequest, pk: Any) -> HttpResponse:
    release = _published(_release(request, pk))
    return render(
        request,
        "observatory/report.html",
        {"report": build_report(release), "release": release, "public": False},
    )


def public_report_view(request: HttpRequest, pk: Any) -> HttpResponse:
    release = _public_release(pk)
    return render(
        request,
        "observatory/report.html",
        {"report": build_report(release), "release": release, "public": True},
    )


def _pdf(request: HttpRequest, release: Any) -> HttpResponse:
    data = report_pdf(build_report(release))
    audit_record(
        actor=request.user if request.user.is_authenticated else None,
        action=AuditAction.DOWNLOAD,
        obj=release,
        details={"format": "pdf", "public": not request.user.is_authenticated},
    )
    response = HttpResponse(data, content_type="application/pdf")
    name = f"balise-annual-report-{release.period}-{release.area}-v{release.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def report_pdf_view(request: HttpRequest, pk: Any) -> HttpResponse:
    return _pdf(request, _published(_release(request, pk)))


def public_report_pdf_view(request: HttpRequest, pk: Any) -> HttpResponse:
    return _pdf(request, _public_release(pk))


def _export(request: HttpRequest, release: Any, fmt: str, allowed: tuple[str, ...]) -> HttpResponse:
    if fmt not in allowed:
        raise Http404(_("Not found."))
    data = exports.export(release, fmt)
    audit_record(
        actor=request.user if request.user.is_authenticated else None,
        action=AuditAction.EXPORT,
        obj=release,
        details={"format": fmt, "status": release.status},
    )
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(release, fmt)}"'
    return response


def export_view(request: HttpRequest, pk: Any, fmt: str) -> HttpResponse:
    release = _release(request, pk)
    if is_statistician(request.user):
        return _export(request, release, fmt, exports.FORMATS)
    if fmt in exports.RESTRICTED_FORMATS:
        raise PermissionDenied
    return _export(request, release, fmt, exports.PUBLIC_FORMATS)


def public_export_view(request: HttpRequest, pk: Any, fmt: str) -> HttpResponse:
    return _export(request, _public_release(pk), fmt, exports.PUBLIC_FORMATS)


def external_list_view(request: HttpRequest) -> HttpResponse:
    if not is_statistician(request.user) and not selectors.can_read_published(request.user):
        raise PermissionDenied
    series = selectors.external_series_for_user(request.user)
    return render(
        request,
        "observatory/external.html",
        {"series": series, "statistician": is_statistician(request.user)},
    )


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    _require_statistician(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[importing.RowError] = []
    if request.method == "POST" and form.is_valid():
        try:
            series = importing.import_series(
                actor=request.user,
                name=form.cleaned_data["name"],
                producer=form.cleaned_data["producer"],
                unit=form.cleaned_data["unit"],
                upload=form.cleaned_data["file"],
            )
        except importing.ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported %(n)d figures for %(years)s into the series “%(name)s”.")
                % {
                    "n": series.values.count(),
                    "years": ", ".join(str(y) for y in importing.years_of(series)),
                    "name": series.name,
                },
            )
            return redirect("observatory:external")
    return render(request, "observatory/import.html", {"form": form, "errors": errors})


@require_http_methods(["GET", "POST"])
def privacy_view(request: HttpRequest, pk: Any) -> HttpResponse:
    """Differentially private counts for a release's period, charged to the budget ledger."""
    _require_statistician(request)
    release = _release(request, pk)
    form = PrivacyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from .privacy import noisy_counts

        try:
            noisy_counts(
                release,
                form.cleaned_data["breakdown"],
                epsilon=form.cleaned_data["epsilon"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("observatory:privacy", pk=release.pk)
    from .models import PrivacyBudget

    budgets = PrivacyBudget.objects.prefetch_related("spends__release")
    return render(
        request,
        "observatory/privacy.html",
        {"release": release, "form": form, "budgets": budgets, "public": False},
    )
