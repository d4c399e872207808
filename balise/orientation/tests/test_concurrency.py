"""Two people reserving the last place at the same moment: one success, one clear refusal.

Real concurrency needs real row locks: PostgreSQL, two threads, two connections. SQLite
serialises writers on the whole database, so the test is skipped there with a reason."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from balise.directory import services as directory_services
from balise.directory.models import Service
from balise.orientation import services
from balise.orientation.enums import OrientationStatus
from balise.orientation.models import OrientationRequest, SupportFile
from balise.orientation.tests import factories as f
from tests import factories

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks under real concurrency (SQLite locks the file)")


def _race(*jobs):  # noqa: ANN002, ANN202
    """Run the jobs at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i, job):  # noqa: ANN001, ANN202
        try:
            barrier.wait(timeout=10)
            results[i] = job()
        except Exception as e:  # noqa: BLE001
            results[i] = e
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_two_acceptances_of_the_last_place_one_wins_one_is_refused():
    officer = factories.case_officer()
    shelter = f.service(places=1)
    worker_a, worker_b = f.staff(shelter), f.staff(shelter)
    first = f.orientation(officer, f.adult(), shelter)
    second = f.orientation(officer, f.adult(given_names="Zoé"), shelter)

    results = _race(
        lambda: services.orientation_accept(acting_user=worker_a, orientation=first),
        lambda: services.orientation_accept(acting_user=worker_b, orientation=second),
    )
    wins = [r for r in results if isinstance(r, SupportFile)]
    refusals = [r for r in results if isinstance(r, services.NoPlaceAvailable)]
    assert len(wins) == 1 and len(refusals) == 1, results
    shelter.refresh_from_db()
    assert shelter.places_booked == 1 and shelter.places_free == 0
    statuses = sorted(OrientationRequest.objects.values_list("status", flat=True))
    assert statuses == [OrientationStatus.ACCEPTED, OrientationStatus.PENDING]
    assert SupportFile.objects.count() == 1


def test_many_bookings_never_exceed_the_free_places():
    shelter = f.service(places=3)
    results = _race(*[lambda: directory_services.place_book(shelter.pk) for _ in range(8)])
    refused = [r for r in results if isinstance(r, directory_services.NoPlaceAvailable)]
    assert len(refused) == 5, results
    assert Service.objects.get(pk=shelter.pk).places_booked == 3
