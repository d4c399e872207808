"""Pages for the competent authority's case officers and team leads: pending possible
matches, one person's matches side by side, and the confirm / reject / undo actions. Everyone
else gets a 404, and every page showing identifying data is audited as a read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from balise.audit.enums import AuditAction
from balise.audit.services import audit_record
from balise.core.access import get_for_user_or_404
from balise.identification.selectors import case_queryset_for_user
from balise.linkage import selectors, services
from balise.linkage.models import CandidateStatus
from balise.persons.models import Person


def _require_reviewer(request: HttpRequest) -> None:
    if not selectors.can_review_matches(request.user):
        raise Http404(_("Not found."))


def queue_view(request: HttpRequest) -> HttpResponse:
    """Pending candidates, without identifying data (short person references and scores)."""
    _require_reviewer(request)
    candidates = selectors.pending_queue(request.user)[:200]
    return render(
        request,
        "linkage/queue.html",
        {"candidates": candidates, "model_saved": services.model_path().exists()},
    )


def person_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_reviewer(request)
    person = get_for_user_or_404(selectors.person_queryset_for_user(request.user), pk=pk)
    return _render_person(request, person)


def case_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_reviewer(request)
    case = get_for_user_or_404(case_queryset_for_user(request.user), pk=pk)
    if case.person_id is None:
        raise Http404(_("Not found."))
    person = get_for_user_or_404(
        selectors.person_queryset_for_user(request.user), pk=case.person_id
    )
    return _render_person(request, person)


def _render_person(request: HttpRequest, person: Person) -> HttpResponse:
    candidates = list(
        selectors.candidates_of_person(request.user, person).select_related(
            "person", "candidate_person"
        )
    )
    merges = list(
        selectors.merge_queryset_for_user(request.user)
        .filter(kept=person)
        .select_related("merged_by", "undone_by")
    )
    merged_into = (
        selectors.merge_queryset_for_user(request.user)
        .filter(merged=person, undone_at__isnull=True)
        .first()
    )
    seen = {person.pk}
    for c in candidates:
        seen.update({c.person_id, c.candidate_person_id})
    for pid in sorted(str(p) for p in seen):
        audit_record(
            actor=request.user,
            action=AuditAction.READ,
            object_type="persons.person",
            object_id=pid,
            details={"via": "linkage.person", "candidates": len(candidates)},
        )
    rows = [(c, selectors.side_by_side(c)) for c in candidates]
    return render(
        request,
        "linkage/person.html",
        {
            "person": person,
            "rows": rows,
            "merges": merges,
            "merged_into": merged_into,
            "pending": CandidateStatus.PENDING,
            "model_saved": services.model_path().exists(),
        },
    )


@require_POST
def decide_view(request: HttpRequest, pk, decision: str) -> HttpResponse:  # noqa: ANN001
    _require_reviewer(request)
    candidate = get_for_user_or_404(selectors.candidate_queryset_for_user(request.user), pk=pk)
    back = request.POST.get("person") or str(candidate.person_id)
    try:
        if decision == "confirm":
            services.candidate_confirm(acting_user=request.user, candidate=candidate)
            messages.success(request, _("The two records are now one person. This can be undone."))
            back = str(candidate.candidate_person_id)
        else:
            services.candidate_reject(acting_user=request.user, candidate=candidate)
            messages.success(request, _("The possible match was rejected."))
    except services.MergeError:
        messages.error(request, _("This possible match was already decided or cannot be merged."))
    if back not in {str(candidate.person_id), str(candidate.candidate_person_id)}:
        back = str(candidate.person_id)
    return redirect("linkage:person", back)


@require_POST
def unmerge_view(request: HttpRequest, pk) -> HttpResponse:  # noqa: ANN001
    _require_reviewer(request)
    merge = get_for_user_or_404(selectors.merge_queryset_for_user(request.user), pk=pk)
    try:
        services.merge_undo(acting_user=request.user, merge=merge)
        messages.success(request, _("The merge was undone: the previous links are restored."))
    except services.MergeError:
        messages.error(request, _("This merge was already undone."))
    return redirect("linkage:person", merge.kept_id)
