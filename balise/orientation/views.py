"""Orientation pages. Thin: they call services and selectors; every object is loaded through the
user's scope, so anything outside it answers 404 exactly like something that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.access import get_for_user_or_404
from balise.directory.models import Service
from balise.orientation import forms, placement, selectors, services
from balise.orientation.enums import ConsentBasis, FileStatus, OrientationStatus
from balise.orientation.lifecycle import ORIENTATION, history
from balise.orientation.models import DangerLocation, OrientationRequest
from balise.orientation.permissions import (
    can_orient,
    can_override_consent,
    is_authority_staff,
    orienting_organisations,
    service_staff_organisations,
)


def _errors_to_form(form, error: ValidationError) -> None:  # noqa: ANN001
    if hasattr(error, "error_dict"):
        for field, errs in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error.messages)


def _orientable_persons(user):  # noqa: ANN001, ANN202
    """People the user may orient: from referrals they see (authority staff), or followed by
    their service (support workers, when allowed)."""
    from balise.persons.models import Person
    from balise.referrals.enums import ReferralStatus
    from balise.referrals.selectors import referral_queryset_for_user

    if not can_orient(user):
        return Person.objects.none()
    from_referrals = (
        referral_queryset_for_user(user)
        .exclude(status=ReferralStatus.DRAFT)
        .filter(person__isnull=False, anonymous_notification=False)
        .values("person_id")
    )
    followed = selectors.support_file_queryset_for_user(user).filter(
        service__organisation__in=service_staff_organisations(user), status=FileStatus.OPEN
    )
    return Person.objects.filter(
        Q(pk__in=from_referrals) | Q(pk__in=followed.values("person_id"))
    ).distinct()


def _referrals_to_orient(user):  # noqa: ANN001, ANN202
    from balise.referrals.enums import ReferralStatus
    from balise.referrals.selectors import referral_queryset_for_user

    if not is_authority_staff(user) or not can_orient(user):
        return []
    return (
        referral_queryset_for_user(user)
        .filter(status=ReferralStatus.SUBMITTED, person__isnull=False)
        .order_by("-submitted_at")[:50]
    )


def orientation_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = selectors.orientation_queryset_for_user(user)
    staff_orgs = service_staff_organisations(user)
    senders = orienting_organisations(user)
    if not (is_authority_staff(user) or staff_orgs or senders or qs.exists()):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status in OrientationStatus.values:
        qs = qs.filter(status=status)
    inbox = qs.filter(service__organisation__in=staff_orgs) if staff_orgs else qs.none()
    others = qs.exclude(pk__in=inbox.values("pk"))
    return render(
        request,
        "orientation/list.html",
        {
            "inbox": inbox[:200],
            "others": others[:200],
            "files": selectors.support_file_queryset_for_user(user)[:200],
            "referrals": _referrals_to_orient(user),
            "statuses": OrientationStatus.choices,
            "status": status,
            "can_group": is_authority_staff(user) and can_orient(user),
        },
    )


def _suggestions(person, referral, data: dict) -> list:  # noqa: ANN001
    need = placement.need_for_person(
        person,
        referral=referral,
        need=data.get("need") or "shelter",
        safe_relocation=bool(data.get("safe_relocation")),
        min_distance_km=data.get("min_distance_km"),
        family=bool(data.get("family")),
        wheelchair=bool(data.get("wheelchair")),
        preferred_regions=forms.SuggestForm.split(data.get("preferred_regions", "")),
        avoid_regions=forms.SuggestForm.split(data.get("avoid_regions", "")),
    )
    return placement.suggest(need, placement.directory_slots()), need


@require_http_methods(["GET", "POST"])
def orientation_new_view(request: HttpRequest, person_pk) -> HttpResponse:  # noqa: ANN001
    from balise.referrals.selectors import referral_queryset_for_user

    person = get_for_user_or_404(_orientable_persons(request.user), pk=person_pk)
    referral = None
    referral_id = request.GET.get("referral") or request.POST.get("referral") or ""
    if referral_id:
        referral = get_for_user_or_404(
            referral_queryset_for_user(request.user).filter(person=person), pk=referral_id
        )
    suggest_form = forms.SuggestForm(request.GET or None, prefix="s")
    suggest_data = suggest_form.cleaned_data if suggest_form.is_valid() else {}
    suggestions, need = _suggestions(person, referral, suggest_data)
    all_services = Service.objects.filter(is_active=True).order_by("region", "name")
    choices = [(str(s.pk), f"{s.name} — {s.region}") for s in all_services]
    initial = {
        "need": suggest_data.get("need") or "shelter",
        "safe_relocation": suggest_data.get("safe_relocation", False),
        "min_distance_km": suggest_data.get("min_distance_km"),
    }
    if person.is_presumed_minor():
        initial["consent_basis"] = ConsentBasis.MINOR
    form = forms.OrientationForm(request.POST or None, service_choices=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        chosen = [s for s in all_services if str(s.pk) in set(form.cleaned_data["services"])]
        data = services.OrientationInput(
            services=chosen,
            need=form.cleaned_data["need"],
            shared_fields=form.cleaned_data["shared_fields"],
            message=form.cleaned_data["message"],
            consent_basis=form.cleaned_data["consent_basis"],
            consent_recorded=form.cleaned_data["consent_recorded"],
            override_justification=form.cleaned_data["override_justification"],
            safe_relocation=form.cleaned_data["safe_relocation"],
            min_distance_km=form.cleaned_data["min_distance_km"],
        )
        try:
            created = services.orientation_send(
                acting_user=request.user, person=person, data=data, referral=referral
            )
        except ValidationError as e:
            _errors_to_form(form, e)
        except PermissionDenied as e:
            form.add_error("consent_basis", str(e))
        else:
            messages.success(
                request,
                _("%(n)d orientation request(s) sent.") % {"n": len(created)},
            )
            return redirect("orientation:detail", pk=created[0].pk)
    return render(
        request,
        "orientation/new.html",
        {
            "person": person,
            "referral": referral,
            "suggest_form": suggest_form,
            "suggestions": suggestions,
            "need": need,
            "form": form,
            "danger_form": forms.DangerLocationForm(prefix="d"),
            "danger_count": DangerLocation.objects.filter(person=person).count(),
            "can_override": can_override_consent(request.user),
            "minor": person.is_presumed_minor(),
        },
    )


@require_POST
def danger_location_add_view(request: HttpRequest, person_pk) -> HttpResponse:  # noqa: ANN001
    person = get_for_user_or_404(_orientable_persons(request.user), pk=person_pk)
    form = forms.DangerLocationForm(request.POST, prefix="d")
    if form.is_valid():
        services.danger_location_add(acting_user=request.user, person=person, **form.cleaned_data)
        messages.success(request, _("The place is recorded."))
    else:
        messages.error(request, _("Check the coordinates."))
    url = request.POST.get("next_query", "")
    target = redirect("orientation:new", person_pk=person.pk)
    if url.startswith("?"):
        target["Location"] += url
    return target


def _load_orientation(request: HttpRequest, pk) -> OrientationRequest:  # noqa: ANN001
    return get_for_user_or_404(selectors.orientation_queryset_for_user(request.user), pk=pk)


def orientation_detail_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    orientation = _load_orientation(request, pk)
    view = selectors.viewpoint(request.user, orientation)
    shared = []
    if view == "service":
        shared = selectors.shared_person_data(orientation)
        audit_record(
            actor=request.user,
            action=AuditAction.READ,
            obj=orientation,
            details={"shared_fields": orientation.shared_fields},
        )
    support_file = getattr(orientation, "support_file", None) if view != "referrer" else None
    if support_file is not None and view == "service" and orientation.status != "accepted":
        support_file = None
    return render(
        request,
        "orientation/detail.html",
        {
            "o": orientation,
            "view": view,
            "shared": shared,
            "transitions": history(orientation.transitions.all()) if view != "referrer" else [],
            "decline_form": forms.DeclineForm(),
            "can_answer": view == "service" and ORIENTATION.can(orientation, "accept"),
            "can_withdraw": view in ("sender", "authority")
            and orientation.requesting_organisation in orienting_organisations(request.user)
            and ORIENTATION.can(orientation, "withdraw"),
            "support_file": support_file,
        },
    )


@require_POST
def orientation_accept_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    orientation = _load_orientation(request, pk)
    if selectors.viewpoint(request.user, orientation) != "service":
        raise Http404
    try:
        support_file = services.orientation_accept(
            acting_user=request.user, orientation=orientation
        )
    except services.NoPlaceAvailable:
        messages.error(
            request,
            _(
                "No free place is left in this service: the request stays open. Decline it with "
                "« no place » or update your places."
            ),
        )
        return redirect("orientation:detail", pk=orientation.pk)
    except Exception as e:  # TransitionNotAllowed
        from balise.core.state_machine import TransitionNotAllowed

        if not isinstance(e, TransitionNotAllowed):
            raise
        messages.error(request, _("This request has already been answered."))
        return redirect("orientation:detail", pk=orientation.pk)
    messages.success(request, _("Accepted. The follow-up file is open."))
    return redirect("orientation:file", pk=support_file.pk)


@require_POST
def orientation_decline_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    from balise.core.state_machine import TransitionNotAllowed

    orientation = _load_orientation(request, pk)
    if selectors.viewpoint(request.user, orientation) != "service":
        raise Http404
    form = forms.DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.orientation_decline(
                acting_user=request.user, orientation=orientation, **form.cleaned_data
            )
        except ValidationError as e:
            _errors_to_form(form, e)
        except TransitionNotAllowed:
            messages.error(request, _("This request has already been answered."))
            return redirect("orientation:detail", pk=orientation.pk)
        else:
            messages.success(request, _("Declined. The request is no longer visible to you."))
            return redirect("orientation:list")
    return render(
        request,
        "orientation/detail.html",
        {
            "o": orientation,
            "view": "service",
            "shared": selectors.shared_person_data(orientation),
            "transitions": history(orientation.transitions.all()),
            "decline_form": form,
            "can_answer": True,
        },
        status=400,
    )


@require_POST
def orientation_withdraw_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    from balise.core.state_machine import TransitionNotAllowed

    orientation = _load_orientation(request, pk)
    try:
        services.orientation_withdraw(
            acting_user=request.user,
            orientation=orientation,
            reason=request.POST.get("reason", "")[:500],
        )
    except (PermissionDenied, TransitionNotAllowed):
        raise Http404 from None
    messages.success(request, _("The request is withdrawn."))
    return redirect("orientation:detail", pk=orientation.pk)


# -- support files ------------------------------------------------------------------------
def _load_file(request: HttpRequest, pk):  # noqa: ANN001, ANN202
    return get_for_user_or_404(selectors.support_file_queryset_for_user(request.user), pk=pk)


FILE_FORMS = {
    "event": forms.SupportEventForm,
    "right": forms.RightForm,
    "guardian": forms.GuardianForm,
    "note": forms.NoteForm,
    "close": forms.CloseForm,
    "reopen": forms.ReopenForm,
}


def _file_context(request: HttpRequest, support_file, bound: dict | None = None) -> dict:  # noqa: ANN001
    staff = selectors.is_file_staff(request.user, support_file)
    ctx = {
        "f": support_file,
        "staff": staff,
        "shared": selectors.shared_person_data(support_file.orientation) if staff else [],
        "events": support_file.events.all(),
        "rights": support_file.rights.all(),
        "notes": selectors.notes_for_user(request.user, support_file),
        "transitions": history(support_file.transitions.all()),
        "minor": support_file.person.is_presumed_minor(),
        "open": support_file.status == FileStatus.OPEN,
    }
    for key, form_class in FILE_FORMS.items():
        ctx[f"{key}_form"] = (bound or {}).get(key) or form_class(prefix=key)
    return ctx


def support_file_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    support_file = _load_file(request, pk)
    audit_record(actor=request.user, action=AuditAction.READ, obj=support_file, details={})
    return render(request, "orientation/file.html", _file_context(request, support_file))


@require_POST
def support_file_action_view(request: HttpRequest, pk, action: str) -> HttpResponse:  # noqa: ANN001
    from balise.core.state_machine import TransitionNotAllowed

    support_file = _load_file(request, pk)
    if action not in FILE_FORMS or not selectors.is_file_staff(request.user, support_file):
        raise Http404
    form = FILE_FORMS[action](request.POST, prefix=action)
    if form.is_valid():
        d = form.cleaned_data
        kw = {"acting_user": request.user, "support_file": support_file}
        try:
            if action == "event":
                services.support_event_add(**kw, **d)
            elif action == "right":
                services.right_add(**kw, **d)
            elif action == "guardian":
                services.guardian_set(**kw, **d)
            elif action == "note":
                services.note_add(**kw, **d)
            elif action == "close":
                services.file_close(**kw, **d)
            else:
                services.file_reopen(**kw, **d)
        except ValidationError as e:
            _errors_to_form(form, e)
        except TransitionNotAllowed:
            form.add_error(None, _("This is not possible in the file's current state."))
        else:
            messages.success(request, _("Saved."))
            return redirect("orientation:file", pk=support_file.pk)
    ctx = _file_context(request, support_file, bound={action: form})
    return render(request, "orientation/file.html", ctx, status=400)


# -- group placement ----------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def group_assignment_view(request: HttpRequest) -> HttpResponse:
    """Several people at once (e.g. after a police operation): the optimiser proposes who goes
    where, maximising the number placed, and explains each person it could not place."""
    if not (is_authority_staff(request.user) and can_orient(request.user)):
        raise PermissionDenied
    referrals = list(_referrals_to_orient(request.user))
    form = forms.SuggestForm(request.POST or None, prefix="s")
    result = None
    if request.method == "POST" and form.is_valid():
        chosen = set(request.POST.getlist("referrals"))
        picked = [r for r in referrals if str(r.pk) in chosen]
        if not picked:
            form.add_error(None, _("Choose at least one person."))
        else:
            d = form.cleaned_data
            people = []
            by_key = {}
            for r in picked:
                p = placement.need_for_person(
                    r.person,
                    referral=r,
                    need=d["need"],
                    safe_relocation=d["safe_relocation"],
                    min_distance_km=d["min_distance_km"],
                    family=d["family"],
                    wheelchair=d["wheelchair"],
                    preferred_regions=form.split(d["preferred_regions"]),
                    avoid_regions=form.split(d["avoid_regions"]),
                )
                p.key = str(r.pk)
                people.append(p)
                by_key[p.key] = r
            slots = placement.directory_slots()
            names = {s.key: s for s in slots}
            assignment = placement.optimal_assign(people, slots)
            result = {
                "assignment": assignment,
                "rows": [
                    (
                        by_key[p.key],
                        names.get(assignment.placements.get(p.key, "")),
                        assignment.unplaced.get(p.key, ""),
                    )
                    for p in people
                ],
            }
    return render(
        request,
        "orientation/group.html",
        {"form": form, "referrals": referrals, "result": result},
    )
