"""Enqueue the work that follows a change so that it is never lost and never runs on a change
that was rolled back."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def _stored_in_this_database(task: Any) -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue_with_change(task: Any, *args: Any) -> None:
    """Enqueue ``task(*args)`` as part of the current transaction.

    With the database backend (deployments) the task's row is written inside the transaction:
    it commits with the change or disappears with it, and a crash between the commit and the
    enqueue cannot lose it (one round trip and one commit fewer, too). Other backends run or
    send the task at once, so it is enqueued once the change has committed."""
    if _stored_in_this_database(task) and transaction.get_connection().in_atomic_block:
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
