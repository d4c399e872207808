"""Periodic work of orientation: reminders and expiry, and the retention purge."""

from __future__ import annotations

from django_tasks import task


@task()
def remind_pending_orientations() -> dict[str, int]:
    from balise.orientation.services import remind_pending

    return remind_pending()


@task()
def purge_closed_support_files() -> dict[str, int]:
    """The scheduler's run is real (``apply=True``); the command dry-runs by default."""
    from balise.orientation.retention import purge

    return purge(apply=True).as_dict()
