from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Migrate, load the small Ningbo demo dataset and serve the portal on 127.0.0.1:8000 (development only)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--scale", default="small", choices=["small", "city"])

    def handle(self, *args: Any, addrport: str, scale: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo runs with DEBUG=true only (it serves with runserver).")
        call_command("migrate", interactive=False, verbosity=1)
        call_command("seed_demo", scale=scale)
        mode = (
            "eagerly (no broker)"
            if settings.CELERY_TASK_ALWAYS_EAGER
            else f"via {settings.CELERY_BROKER_URL}"
        )
        self.stdout.write(self.style.SUCCESS(f"Celery tasks run {mode}. Serving on http://{addrport}/"))
        # No autoreloader: it would re-run this whole command (migrate, seed) on every change.
        call_command("runserver", addrport, use_reloader=False)
