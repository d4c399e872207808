"""Pages of the competent authority: the queue, the case, the delay dashboard. Thin layers over
services and selectors; anything outside the user's scope answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.codelists.lists import ExploitationForm
from balise.core.access import get_for_user_or_404
from balise.core.state_machine import TransitionNotAllowed
from balise.identification import clocks, lifecycle, selectors, services
from balise.identification.charts import trend_svg
from balise.identification.enums import (
    OPEN_STATES,
    REVIEW_EVENTS,
    CaseEvent,
    CaseState,
)
from balise.identification.forms import (
    AssignForm,
    EventForm,
    GuardianForm,
    InformationRequestForm,
    LinkForm,
    NoteForm,
)
from balise.identification.models import Case, CaseNotification
from balise.identification.pagination import CappedPaginator
from balise.identification.permissions import (
    can_assign,
    can_decide,
    can_review,
    can_see_dashboard,
    is_authority_staff,
)
from balise.referrals.models import InformationRequest


def _require_staff(request: HttpRequest) -> None:
    # Need-to-know: the queue's existence is not revealed to anyone else.
    if not is_authority_staff(request.user):
        raise Http404(_("Not found."))


def _case(request: HttpRequest, pk) -> Case:  # noqa: ANN001
    return get_for_user_or_404(selectors.case_queryset_for_user(request.user), pk=pk)


def allowed_events(user, case: Case) -> list[str]:  # noqa: ANN001
    events = []
    for event in lifecycle.CASE.allowed_events(case.state):
        if event == CaseEvent.MERGE:
            continue
        if event in REVIEW_EVENTS:
            if can_review(user):
                stage = REVIEW_EVENTS[event][0]
                pending = case.decisions.filter(
                    stage=stage, outcome="negative", review_outcome=""
                ).first()
                if pending and pending.decided_by_id != user.pk:
                    events.append(event)
        elif can_decide(user):
            events.append(event)
    return events


def queue_view(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    filters = selectors.QueueFilters.from_params(request.GET)
    today = clocks.local_today()
    qs = selectors.case_queue(request.user, filters, today=today)
    try:
        number = max(1, int(request.GET.get("page") or 1))
    except ValueError:
        number = 1
    paginator = CappedPaginator(qs, 50, page=number)
    page = paginator.get_page(number)
    notifications = (
        CaseNotification.objects.filter(user=request.user, read_at__isnull=True)
        .select_related("case", "alert")
        .order_by("-created_at")[:10]
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "identification/queue.html",
        {
            "page": page,
            "filters": filters,
            "today": today,
            "states": CaseState.choices,
            "forms": ExploitationForm.choices,
            "regions": selectors.queue_regions(),
            "referrers": selectors.queue_referrers(),
            "notifications": notifications,
            "querystring": params.urlencode(),
            "sorts": [
                ("urgency", _("Urgency, then deadline")),
                ("deadline", _("Deadline, earliest first")),
                ("-deadline", _("Deadline, latest first")),
                ("received", _("Oldest first")),
                ("-received", _("Newest first")),
            ],
        },
    )


def case_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    return _render_case(request, case)


def _render_case(request: HttpRequest, case: Case, **forms) -> HttpResponse:  # noqa: ANN003
    referrals = list(selectors.case_referrals(case))
    events = allowed_events(request.user, case)
    audit_record(actor=request.user, action=AuditAction.READ, obj=case)
    CaseNotification.objects.filter(user=request.user, case=case, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    today = clocks.local_today()
    context = {
        "case": case,
        "today": today,
        "overdue": case.is_overdue(today),
        "protected": case.protected_from_removal(today),
        "deadlines": clocks.case_deadlines(case, today),
        "referrals": referrals,
        "decisions": case.decisions.select_related("decided_by", "reviewed_by").order_by(
            "decided_at"
        ),
        "transitions": case.transitions.select_related("actor").order_by("-at", "-id"),
        "notes": case.notes.select_related("author"),
        "information_requests": InformationRequest.objects.filter(
            referral__in=referrals
        ).select_related("referral"),
        "events": events,
        "event_form": forms.get("event_form") or EventForm(events=events),
        "can_assign": can_assign(request.user),
        "can_decide": can_decide(request.user),
        "assign_form": AssignForm(
            initial={"assignee": case.assigned_to_id}, users=selectors.assignable_users()
        ),
        "note_form": forms.get("note_form") or NoteForm(),
        "info_form": forms.get("info_form") or InformationRequestForm(referrals=referrals),
        "link_form": forms.get("link_form") or LinkForm(),
        "guardian_form": forms.get("guardian_form")
        or GuardianForm(initial={"name": case.guardian_name, "contact": case.guardian_contact}),
        "can_link": can_decide(request.user) and case.state in OPEN_STATES[:2],
    }
    status = 400 if any(f.errors for f in forms.values()) else 200
    return render(request, "identification/case.html", context, status=status)


def _add_errors(form, errors: dict[str, list[str]]) -> None:  # noqa: ANN001
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


@require_POST
def case_event_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    events = [e.value for e in CaseEvent if e != CaseEvent.MERGE]
    form = EventForm(request.POST, events=events)
    if form.is_valid():
        try:
            services.case_event(acting_user=request.user, case=case, **form.cleaned_data)
        except TransitionNotAllowed:
            form.add_error("event", _("This step is not possible at the case's current stage."))
        except services.CaseInvalid as exc:
            _add_errors(form, exc.errors)
        else:
            messages.success(request, _("Recorded."))
            return redirect("identification:case", pk=case.pk)
    case.refresh_from_db()
    return _render_case(request, case, event_form=form)


@require_POST
def case_assign_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    form = AssignForm(request.POST, users=selectors.assignable_users())
    if form.is_valid():
        services.case_assign(
            acting_user=request.user, case=case, assignee=form.cleaned_data["assignee"]
        )
        messages.success(request, _("Assignment saved."))
        return redirect("identification:case", pk=case.pk)
    return _render_case(request, case)


@require_POST
def case_note_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.case_note_add(acting_user=request.user, case=case, text=form.cleaned_data["text"])
        messages.success(request, _("Note added."))
        return redirect("identification:case", pk=case.pk)
    return _render_case(request, case, note_form=form)


@require_POST
def case_information_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    referrals = list(selectors.case_referrals(case))
    form = InformationRequestForm(request.POST, referrals=referrals)
    if form.is_valid():
        referral = next(r for r in referrals if str(r.pk) == form.cleaned_data["referral"])
        try:
            services.case_request_information(
                acting_user=request.user,
                case=case,
                referral=referral,
                question=form.cleaned_data["question"],
            )
        except services.CaseInvalid as exc:
            _add_errors(form, exc.errors)
        else:
            messages.success(request, _("Question sent to the referrer."))
            return redirect("identification:case", pk=case.pk)
    return _render_case(request, case, info_form=form)


@require_POST
def case_link_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        into = (
            selectors.case_queryset_for_user(request.user)
            .filter(reference=form.cleaned_data["into"].strip().upper())
            .first()
        )
        if into is None:
            form.add_error("into", _("No case has this reference."))
        else:
            try:
                target = services.case_link(
                    acting_user=request.user,
                    case=case,
                    into=into,
                    reason=form.cleaned_data["reason"],
                )
            except TransitionNotAllowed:
                form.add_error(None, _("A case can be linked only before any decision."))
            except services.CaseInvalid as exc:
                _add_errors(form, exc.errors)
            else:
                messages.success(request, _("Referrals linked to the existing case."))
                return redirect("identification:case", pk=target.pk)
    return _render_case(request, case, link_form=form)


@require_POST
def case_guardian_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_staff(request)
    case = _case(request, pk)
    form = GuardianForm(request.POST)
    if form.is_valid():
        try:
            services.case_guardian_record(acting_user=request.user, case=case, **form.cleaned_data)
        except services.CaseInvalid as exc:
            _add_errors(form, exc.errors)
        else:
            messages.success(request, _("Guardian recorded."))
            return redirect("identification:case", pk=case.pk)
    return _render_case(request, case, guardian_form=form)


def dashboard_view(request: HttpRequest) -> HttpResponse:
    if not can_see_dashboard(request.user):
        raise Http404(_("Not found."))
    data = selectors.delay_dashboard()
    return render(
        request,
        "identification/dashboard.html",
        {"data": data, "chart": trend_svg(data["trend"], data["target_working_days"])},
    )
