import time
from importlib import import_module

from django.core.management.base import BaseCommand
from django.utils import timezone

from balise.core import scheduler


class Command(BaseCommand):
    help = "Enqueue periodic tasks when they are due (run one per deployment)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="enqueue what is due, then exit")
        parser.add_argument("--tick", type=int, default=60, help="seconds between checks")

    def handle(self, *args, once: bool, tick: int, **options):
        last_run = {}
        while True:
            for periodic in scheduler.due(last_run):
                module_name, _, attr = periodic.task_path.rpartition(".")
                getattr(import_module(module_name), attr).enqueue()
                last_run[periodic.task_path] = timezone.now()
                self.stdout.write(f"enqueued {periodic.task_path}")
            if once:
                return
            time.sleep(tick)
