from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.plans import charts, forms, importing, permissions, selectors, services
from balise.plans.enums import MeasureStatus, UpdateStatus
from balise.plans.models import Measure, Plan, ProgressUpdate
from balise.plans.report_pdf import committee_report_pdf


def _plan(request: HttpRequest, pk) -> Plan:  # noqa: ANN001
    return get_for_user_or_404(selectors.plan_queryset_for_user(request.user), pk=pk)


def _managed_plan(request: HttpRequest, pk) -> Plan:  # noqa: ANN001
    plan = _plan(request, pk)
    if not permissions.can_manage_plan(request.user, plan):
        raise PermissionDenied
    return plan


def _measure(request: HttpRequest, pk) -> Measure:  # noqa: ANN001
    return get_for_user_or_404(selectors.measure_queryset_for_user(request.user), pk=pk)


def _form_errors(form, exc: ValidationError) -> None:  # noqa: ANN001
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _date_param(request: HttpRequest, name: str = "date") -> datetime.date:
    raw = request.GET.get(name, "")
    if not raw:
        return services.local_today()
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise Http404(_("Not found.")) from None


# -- plans ------------------------------------------------------------------------------------
def plan_list_view(request: HttpRequest) -> HttpResponse:
    plans = selectors.plan_queryset_for_user(request.user).order_by("-period_start", "title")
    return render(
        request,
        "plans/list.html",
        {
            "plans": plans,
            "can_create": permissions.can_create_plan(request.user),
            "unread": selectors.notifications_for_user(request.user)
            .filter(read_at__isnull=True)
            .count(),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_create_view(request: HttpRequest) -> HttpResponse:
    orgs = permissions.coordinator_organisations(request.user)
    if not orgs:
        raise PermissionDenied
    form = forms.PlanForm(request.POST or None, coordinating_choices=orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("coordinating_organisation", orgs[0])
        try:
            plan = services.plan_create(
                acting_user=request.user, coordinating_organisation=org, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Plan created. Add its axes and measures, or import them."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


def plan_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _plan(request, pk)
    manager = permissions.can_manage_plan(request.user, plan)
    measures = (
        plan.measures.select_related("axis", "lead_body")
        .prefetch_related("partner_bodies")
        .order_by("axis__number", "number")
    )
    own = permissions.member_organisation_ids(request.user)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "manager": manager,
            "axes": plan.axes.all(),
            "measures": measures,
            "own_org_ids": own,
            "axis_form": forms.AxisForm(),
            "pending": list(
                ProgressUpdate.objects.filter(measure__plan=plan, status=UpdateStatus.SUBMITTED)
                .select_related("measure", "author_organisation")
                .order_by("submitted_at")[:100]
            )
            if manager
            else [],
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _managed_plan(request, pk)
    form = forms.PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(acting_user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


@require_POST
def plan_publish_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _managed_plan(request, pk)
    publish = request.POST.get("published") == "1"
    services.plan_set_published(acting_user=request.user, plan=plan, published=publish)
    messages.success(
        request, _("The plan is now public.") if publish else _("The plan is no longer public.")
    )
    return redirect("plans:detail", pk=plan.pk)


@require_POST
def axis_create_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _managed_plan(request, pk)
    form = forms.AxisForm(request.POST)
    if form.is_valid():
        try:
            services.axis_create(acting_user=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, _("Axis added."))
        except ValidationError:
            messages.error(request, _("An axis of this plan already has this number."))
    else:
        messages.error(request, _("Give the axis a number and a title."))
    return redirect("plans:detail", pk=plan.pk)


# -- measures ---------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def measure_create_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _managed_plan(request, pk)
    form = forms.MeasureForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        partners = data.pop("partner_bodies")
        try:
            measure = services.measure_create(
                acting_user=request.user, plan=plan, partner_bodies=partners, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Measure created."))
            return redirect("plans:measure", pk=measure.pk)
    return render(request, "plans/measure_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def measure_edit_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    if not permissions.can_manage_plan(request.user, measure.plan):
        raise PermissionDenied
    form = forms.MeasureForm(request.POST or None, instance=measure, plan=measure.plan)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        partners = data.pop("partner_bodies")
        try:
            services.measure_update(
                acting_user=request.user, measure=measure, partner_bodies=partners, **data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("plans:measure", pk=measure.pk)
    return render(
        request, "plans/measure_form.html", {"form": form, "plan": measure.plan, "measure": measure}
    )


@require_http_methods(["GET", "POST"])
def measure_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    plan = measure.plan
    manager = permissions.can_manage_plan(request.user, plan)
    can_post = permissions.can_post_update(request.user, measure)
    update_form = forms.UpdateForm(
        request.POST or None,
        request.FILES or None,
        measure=measure,
        initial={"date": services.local_today()},
    )
    if request.method == "POST":
        if not can_post:
            raise PermissionDenied
        if update_form.is_valid():
            data = update_form.cleaned_data
            values = [
                services.ProposedValue(indicator=ind, date=data["date"], value=value)
                for ind, value in update_form.indicator_values()
            ]
            try:
                update = services.update_submit(
                    acting_user=request.user,
                    measure=measure,
                    date=data["date"],
                    text=data["text"],
                    new_status=data["new_status"],
                    status_reason=data["status_reason"],
                    values=values,
                    files=data["evidence"],
                )
            except ValidationError as exc:
                _form_errors(update_form, exc)
            else:
                messages.success(
                    request, _("Update sent. It counts once the coordinator validates it.")
                )
                return redirect("plans:update", pk=update.pk)
    visible_updates = selectors.update_queryset_for_user(request.user).filter(measure=measure)
    indicators = []
    for ind in measure.indicators.prefetch_related("values"):
        points = [(v.date, v.value) for v in ind.values.all()]
        indicators.append(
            {
                "indicator": ind,
                "values": list(ind.values.all()),
                "chart": charts.indicator_chart(
                    chart_id=f"chart-{ind.pk}",
                    title=ind.name,
                    points=points,
                    target=ind.target_value,
                    unit=ind.unit,
                ),
            }
        )
    return render(
        request,
        "plans/measure.html",
        {
            "plan": plan,
            "measure": measure,
            "manager": manager,
            "can_post": can_post,
            "update_form": update_form,
            "updates": visible_updates,
            "milestones": measure.milestones.select_related("owner"),
            "indicators": indicators,
            "transitions": measure.transitions.select_related("actor").order_by("-at"),
            "transition_form": forms.MeasureTransitionForm(measure=measure),
            "milestone_form": forms.MilestoneForm(),
            "indicator_form": forms.IndicatorForm(),
            "value_form": forms.IndicatorValueForm(initial={"date": services.local_today()}),
            "done_form": forms.MilestoneDoneForm(initial={"done_at": services.local_today()}),
            "own_org_ids": permissions.member_organisation_ids(request.user),
            "today": services.local_today(),
        },
    )


@require_POST
def measure_transition_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    if not permissions.can_manage_plan(request.user, measure.plan):
        raise PermissionDenied
    form = forms.MeasureTransitionForm(request.POST, measure=measure)
    if form.is_valid():
        try:
            services.measure_transition(
                acting_user=request.user,
                measure=measure,
                event=form.cleaned_data["event"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Status changed."))
        except (TransitionNotAllowed, ValidationError):
            messages.error(request, _("This change is not possible from the current status."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("plans:measure", pk=measure.pk)


@require_POST
def milestone_create_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    if not permissions.can_manage_plan(request.user, measure.plan):
        raise PermissionDenied
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        services.milestone_create(acting_user=request.user, measure=measure, **form.cleaned_data)
        messages.success(request, _("Milestone added."))
    else:
        messages.error(request, _("Give the milestone a title and a due date."))
    return redirect("plans:measure", pk=measure.pk)


@require_POST
def milestone_done_view(request: HttpRequest, pk, milestone_pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    milestone = get_for_user_or_404(measure.milestones.all(), pk=milestone_pk)
    if not permissions.can_complete_milestone(request.user, milestone):
        raise PermissionDenied
    form = forms.MilestoneDoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_complete(
                acting_user=request.user, milestone=milestone, done_at=form.cleaned_data["done_at"]
            )
            messages.success(request, _("Milestone marked done."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Give the date the milestone was done."))
    return redirect("plans:measure", pk=measure.pk)


@require_POST
def indicator_create_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    if not permissions.can_manage_plan(request.user, measure.plan):
        raise PermissionDenied
    form = forms.IndicatorForm(request.POST)
    if form.is_valid():
        services.indicator_create(acting_user=request.user, measure=measure, **form.cleaned_data)
        messages.success(request, _("Indicator added."))
    else:
        messages.error(request, _("Give the indicator a name."))
    return redirect("plans:measure", pk=measure.pk)


@require_POST
def indicator_value_view(request: HttpRequest, pk, indicator_pk) -> HttpResponse:  # noqa: ANN001
    measure = _measure(request, pk)
    indicator = get_for_user_or_404(measure.indicators.all(), pk=indicator_pk)
    if not permissions.can_manage_plan(request.user, measure.plan):
        raise PermissionDenied
    form = forms.IndicatorValueForm(request.POST)
    if form.is_valid():
        services.indicator_value_record(
            acting_user=request.user, indicator=indicator, **form.cleaned_data
        )
        messages.success(request, _("Value recorded."))
    else:
        messages.error(request, _("Give a date and a value."))
    return redirect("plans:measure", pk=measure.pk)


# -- progress updates -------------------------------------------------------------------------
def update_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    update = get_for_user_or_404(selectors.update_queryset_for_user(request.user), pk=pk)
    manager = permissions.can_manage_plan(request.user, update.measure.plan)
    return render(
        request,
        "plans/update.html",
        {
            "update": update,
            "measure": update.measure,
            "plan": update.measure.plan,
            "manager": manager,
            "review_form": forms.ReviewForm(),
            "proposed": update.proposed_values.select_related("indicator"),
            "evidence": update.evidence.all(),
            "transitions": update.transitions.select_related("actor"),
        },
    )


@require_POST
def update_review_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    update = get_for_user_or_404(selectors.update_queryset_for_user(request.user), pk=pk)
    if not permissions.can_manage_plan(request.user, update.measure.plan):
        raise PermissionDenied
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("plans:update", pk=update.pk)
    try:
        if form.cleaned_data["decision"] == "validate":
            services.update_validate(
                acting_user=request.user, update=update, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Update validated: its status change and values count."))
        else:
            services.update_return(
                acting_user=request.user, update=update, comment=form.cleaned_data["comment"]
            )
            messages.success(request, _("Update returned to the body."))
    except TransitionNotAllowed:
        messages.error(request, _("This update was already reviewed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:update", pk=update.pk)


def evidence_download_view(request: HttpRequest, pk) -> FileResponse:  # noqa: ANN001
    evidence = get_for_user_or_404(selectors.evidence_queryset_for_user(request.user), pk=pk)
    handle = services.evidence_open(acting_user=request.user, evidence=evidence)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- dashboard and committee report -----------------------------------------------------------
def _dashboard_context(plan: Plan, on_date: datetime.date) -> dict:
    dashboard = selectors.plan_dashboard(plan, on_date=on_date)
    return {
        "dashboard": dashboard,
        "statuses": list(MeasureStatus),
        "axis_chart": charts.status_by_axis_chart(
            chart_id="chart-axes", title=_("Measures by status and axis"), axes=dashboard.axes
        ),
        "indicator_charts": [
            {
                "series": s,
                "chart": charts.indicator_chart(
                    chart_id=f"chart-{s.indicator.pk}",
                    title=f"{s.indicator.measure.number} — {s.indicator.name}",
                    points=s.points,
                    target=s.indicator.target_value,
                    unit=s.indicator.unit,
                ),
            }
            for s in dashboard.indicators
        ],
    }


def dashboard_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _plan(request, pk)
    context = _dashboard_context(plan, services.local_today())
    context.update({"plan": plan, "manager": permissions.can_manage_plan(request.user, plan)})
    return render(request, "plans/dashboard.html", context)


def report_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _plan(request, pk)
    on_date = _date_param(request)
    report = selectors.committee_report(plan, on_date=on_date)
    manager = permissions.can_manage_plan(request.user, plan)
    return render(
        request,
        "plans/report.html",
        {
            "plan": plan,
            "report": report,
            "manager": manager,
            "statuses": list(MeasureStatus),
            "committee_form": forms.CommitteeForm(initial={"date": on_date}),
            "meetings": plan.committee_meetings.all(),
        },
    )


def report_pdf_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _plan(request, pk)
    on_date = _date_param(request)
    report = selectors.committee_report(plan, on_date=on_date)
    response = HttpResponse(committee_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="committee-report-{on_date}.pdf"'
    return response


@require_POST
def committee_create_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _managed_plan(request, pk)
    form = forms.CommitteeForm(request.POST)
    if form.is_valid():
        services.committee_meeting_record(
            acting_user=request.user, plan=plan, date=form.cleaned_data["date"]
        )
        messages.success(request, _("Committee date recorded."))
        url = reverse("plans:report", kwargs={"pk": plan.pk})
        return redirect(f"{url}?date={form.cleaned_data['date'].isoformat()}")
    messages.error(request, _("Give the committee date."))
    return redirect("plans:report", pk=plan.pk)


# -- import and export ------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = _managed_plan(request, pk)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        result = importing.plan_measures_import(
            acting_user=request.user, plan=plan, filename=f.name, data=f.read()
        )
        if result.ok:
            messages.success(
                request,
                _(
                    "%(rows)s rows imported: %(axes)s new axes, %(created)s new measures, "
                    "%(updated)s measures updated."
                )
                % {
                    "rows": result.rows,
                    "axes": result.axes_created,
                    "created": result.measures_created,
                    "updated": result.measures_updated,
                },
            )
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/import.html",
        {
            "plan": plan,
            "form": form,
            "result": result,
            "columns": importing.COLUMNS,
            "statuses": list(MeasureStatus),
        },
        status=400 if result is not None and not result.ok else 200,
    )


def export_view(request: HttpRequest, pk, fmt: str) -> HttpResponse:  # noqa: ANN001
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Not found."))
    plan = _managed_plan(request, pk)
    stamp = timezone.now().date().isoformat()
    if fmt == "csv":
        response = HttpResponse(
            importing.export_csv(acting_user=request.user, plan=plan),
            content_type="text/csv; charset=utf-8",
        )
    else:
        response = HttpResponse(
            importing.export_xlsx(acting_user=request.user, plan=plan),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="plan-{stamp}.{fmt}"'
    return response


# -- notifications ----------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    notices = selectors.notifications_for_user(request.user)
    if request.method == "POST":
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("plans:notifications")
    return render(request, "plans/notifications.html", {"notices": notices[:200]})


# -- public -----------------------------------------------------------------------------------
def public_plan_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    plan = get_for_user_or_404(selectors.public_plan_queryset(), pk=pk)
    context = _dashboard_context(plan, services.local_today())
    measures = (
        plan.measures.select_related("axis", "lead_body")
        .prefetch_related("partner_bodies", "milestones")
        .order_by("axis__number", "number")
    )
    updates = {}
    for u in ProgressUpdate.objects.filter(
        measure__plan=plan, status=UpdateStatus.VALIDATED
    ).order_by("-date"):
        updates.setdefault(u.measure_id, []).append(u)
    rows = [{"measure": m, "updates": updates.get(m.pk, [])} for m in measures]
    context.update({"plan": plan, "rows": rows, "public": True})
    return render(request, "plans/public.html", context)
