"""Assembling a release runs in the background: the request only queues it, a progress page
follows it (statisticians only), a double click starts one assembly, and a failure leaves no
release behind and says why in the reader's language."""

import datetime
import uuid

import pytest
import time_machine
from django.urls import reverse

from balise.audit.models import AuditEntry
from balise.observatory import services
from balise.observatory.enums import AssemblyError, AssemblyStatus, ObservatoryAction
from balise.observatory.models import Release, ReleaseAssembly
from balise.observatory.tests import factories as obs
from tests import factories

pytestmark = pytest.mark.django_db

NEW = {"year": 2025, "quarter": "", "area": "national"}


def test_the_request_queues_and_the_task_assembles_with_progress(
    statistician, synthetic_refresh, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(statistician)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("observatory:new"), NEW)
    assembly = ReleaseAssembly.objects.get()
    assert response["Location"] == reverse("observatory:assembly", args=[assembly.pk])
    # Nothing was assembled in the request.
    assert assembly.status == AssemblyStatus.QUEUED and not Release.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    assert "Waiting for a worker to start." in page
    polled = client.get(reverse("observatory:assembly_status", args=[assembly.pk]))
    assert polled.status_code == 200  # still polling

    for callback in callbacks:  # the worker picks the task up
        callback()

    assembly.refresh_from_db()
    assert assembly.status == AssemblyStatus.SUCCEEDED
    assert (assembly.progress, assembly.step) == (100, "done")
    assert assembly.release.audit_report["passed"] is True
    assert assembly.started_at <= assembly.updated_at <= assembly.finished_at
    assert [t.event for t in assembly.transitions.all()] == ["start", "succeed"]
    polled = client.get(reverse("observatory:assembly_status", args=[assembly.pk]))
    assert polled.status_code == 286  # htmx stops polling
    assert reverse("observatory:detail", args=[assembly.release_id]) in polled.content.decode()
    assert AuditEntry.objects.filter(action=ObservatoryAction.ASSEMBLY_REQUEST).count() == 1
    # The list shows no assembly in progress any more.
    assert "Being assembled" not in client.get(reverse("observatory:list")).content.decode()


def test_a_double_click_starts_one_assembly(
    statistician, synthetic_refresh, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(statistician)
    form = {**NEW, "request_id": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(reverse("observatory:new"), form)
        second = client.post(reverse("observatory:new"), form)
        # Another form for the same release while the first is queued: the same assembly.
        third = client.post(reverse("observatory:new"), {**NEW, "request_id": str(uuid.uuid4())})
    assert first["Location"] == second["Location"] == third["Location"]
    assert ReleaseAssembly.objects.count() == 1
    assert "Being assembled" in client.get(reverse("observatory:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.run_release_assembly(ReleaseAssembly.objects.get().pk)
    # Resubmitted once finished, the same form still finds its assembly.
    again = client.post(reverse("observatory:new"), form)
    assert again["Location"] == first["Location"]
    assert Release.objects.count() == 1
    # Delivered twice, the task does nothing the second time.
    services.run_release_assembly(ReleaseAssembly.objects.get().pk)
    assert Release.objects.count() == 1


def test_a_failure_leaves_no_release_and_says_why_in_the_readers_language(
    statistician, synthetic_refresh, signed_in, django_capture_on_commit_callbacks, monkeypatch
):
    real_audit_record = services.audit_record

    def failing_audit_record(**kwargs):
        real_audit_record(**kwargs)
        if kwargs["action"] == ObservatoryAction.RELEASE_CREATE:
            raise RuntimeError("audit log unavailable")  # after the release row was written

    monkeypatch.setattr(services, "audit_record", failing_audit_record)
    client = signed_in(statistician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("observatory:new"), NEW)
    assembly = ReleaseAssembly.objects.get()
    assert assembly.status == AssemblyStatus.FAILED
    assert assembly.error == AssemblyError.UNEXPECTED
    assert assembly.release is None and not Release.objects.exists()  # nothing half-built
    assert not AuditEntry.objects.filter(action=ObservatoryAction.RELEASE_CREATE).exists()
    assert AuditEntry.objects.filter(action=ObservatoryAction.ASSEMBLY_FAILED).count() == 1
    english = client.get(response["Location"]).content.decode()
    assert "The assembly failed unexpectedly. No draft was created" in english
    client.cookies["django_language"] = "fr"
    french = client.get(response["Location"]).content.decode()
    assert "L’assemblage a échoué de façon inattendue" in french
    polled = client.get(reverse("observatory:assembly_status", args=[assembly.pk]))
    assert polled.status_code == 286


def test_a_correction_already_made_meanwhile_fails_the_queued_one(
    statistician, reviewer, synthetic_refresh, django_capture_on_commit_callbacks
):
    published = obs.published_release(statistician, reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        queued = services.request_correction(published, actor=statistician, note="Late data.")
    services.correct_release(published, actor=reviewer, note="Other correction.")
    assembly = services.run_release_assembly(queued.pk)
    assert assembly.status == AssemblyStatus.FAILED
    assert assembly.error == AssemblyError.CORRECTION_EXISTS
    assert Release.objects.filter(previous=published).count() == 1


def test_a_correction_is_asked_for_through_the_page(
    statistician, reviewer, synthetic_refresh, signed_in, django_capture_on_commit_callbacks
):
    published = obs.published_release(statistician, reviewer)
    client = signed_in(statistician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("observatory:correct", args=[published.pk]), {"note": "Late referrals."}
        )
    assembly = ReleaseAssembly.objects.get()
    assert response["Location"] == reverse("observatory:assembly", args=[assembly.pk])
    assert assembly.release.previous == published
    assert assembly.release.correction_note == "Late referrals."


def test_an_interrupted_assembly_is_failed_and_asked_for_again(
    statistician, synthetic_refresh, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=False):
            stuck = services.request_release_assembly(actor=statistician, year=2025)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 11, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=False):
            again = services.request_release_assembly(actor=statistician, year=2025)
    stuck.refresh_from_db()
    assert stuck.status == AssemblyStatus.FAILED
    assert stuck.error == AssemblyError.INTERRUPTED
    assert again.pk != stuck.pk and again.status == AssemblyStatus.QUEUED


def test_who_may_follow_an_assembly(
    statistician, reviewer, synthetic_refresh, signed_in, client, api_client_for,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False):
        assembly = services.request_release_assembly(actor=statistician, year=2025)
    page = reverse("observatory:assembly", args=[assembly.pk])
    fragment = reverse("observatory:assembly_status", args=[assembly.pk])
    for user in (statistician, reviewer):  # every statistician of the observatory
        assert signed_in(user).get(page).status_code == 200
        assert signed_in(user).get(fragment).status_code == 200
    for user in (factories.case_officer(), factories.referrer_at_association()):
        assert signed_in(user).get(page).status_code == 404  # as if it did not exist
        assert signed_in(user).get(fragment).status_code == 404
        assert signed_in(user).post(reverse("observatory:new"), NEW).status_code == 403
    anonymous = client.get(page)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client.get(fragment).status_code == 302
    # The API says the same.
    url = f"/api/v1/observatory/assemblies/{assembly.pk}/"
    assert api_client_for(reviewer).get(url).status_code == 200
    officer = api_client_for(factories.case_officer())
    assert officer.get(url).status_code == 404
    assert officer.post("/api/v1/observatory/assemblies/", {"year": 2025}).status_code == 403
    assert ReleaseAssembly.objects.count() == 1


def test_the_api_asks_for_an_assembly_and_follows_it(
    statistician, synthetic_refresh, api_client_for, django_capture_on_commit_callbacks
):
    api = api_client_for(statistician)
    request_id = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            "/api/v1/observatory/assemblies/",
            {"year": 2025, "request_id": request_id},
            format="json",
        )
    assert response.status_code == 202, response.content
    body = api.get(f"/api/v1/observatory/assemblies/{response.json()['id']}/").json()
    assert body["status"] == "succeeded" and body["progress"] == 100
    assert body["release"] and body["error_message"] == ""
    again = api.post(
        "/api/v1/observatory/assemblies/", {"year": 2025, "request_id": request_id}, format="json"
    )
    assert again.json()["id"] == response.json()["id"]
    refused = api.post(
        "/api/v1/observatory/assemblies/", {"year": 2025, "area": "Atlantis"}, format="json"
    )
    assert refused.status_code == 400


def test_the_periodic_sweep_fails_assemblies_whose_worker_stopped(
    statistician, synthetic_refresh, django_capture_on_commit_callbacks
):
    from balise.core import scheduler
    from balise.observatory.tasks import fail_stale_assemblies_task

    path = "balise.observatory.tasks.fail_stale_assemblies_task"
    assert path in {p.task_path for p in scheduler.PERIODIC}
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)):
        with django_capture_on_commit_callbacks(execute=False):
            stuck = services.request_release_assembly(actor=statistician, year=2025)
    with time_machine.travel(datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)):
        assert fail_stale_assemblies_task.call() == {"failed": 0}  # still within the hour
    with time_machine.travel(datetime.datetime(2026, 1, 5, 10, 5, tzinfo=datetime.UTC)):
        assert fail_stale_assemblies_task.call() == {"failed": 1}
    stuck.refresh_from_db()
    assert stuck.status == AssemblyStatus.FAILED
    assert stuck.error == AssemblyError.INTERRUPTED
