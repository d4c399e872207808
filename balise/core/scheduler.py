"""Periodic work (reminders, purges, sweeps). Apps register a task with an interval; the
scheduler enqueues it on the task backend when due. Run exactly one scheduler per deployment
(`manage.py run_scheduler`); the workers (`manage.py db_worker`) execute the tasks."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Periodic:
    task_path: str  # "balise.accounts.tasks.sweep_inactive_accounts"
    every: datetime.timedelta


PERIODIC: list[Periodic] = [
    Periodic("balise.accounts.tasks.sweep_inactive_accounts", datetime.timedelta(hours=24)),
]


def register(task_path: str, every: datetime.timedelta) -> None:
    PERIODIC.append(Periodic(task_path, every))


def due(
    last_run: dict[str, datetime.datetime], now: datetime.datetime | None = None
) -> list[Periodic]:
    now = now or timezone.now()
    return [
        p for p in PERIODIC if p.task_path not in last_run or now - last_run[p.task_path] >= p.every
    ]
