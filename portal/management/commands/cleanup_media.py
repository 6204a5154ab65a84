import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from portal import media


class Command(BaseCommand):
    help = (
        "List media files no database row references and older than the grace period; "
        "delete them with --delete. The weekly beat task runs the same sweep with --delete."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--delete", action="store_true", help="delete the files listed (default: list only)"
        )
        parser.add_argument(
            "--grace-hours",
            type=int,
            help="keep files younger than this (default MEDIA_ORPHAN_GRACE_HOURS; never less than 1)",
        )

    def handle(self, *args: Any, delete: bool, grace_hours: int | None, **options: Any) -> None:
        if grace_hours is not None and grace_hours < 1:
            raise CommandError("--grace-hours must be at least 1: younger files may be uploads in flight")
        grace = dt.timedelta(hours=grace_hours) if grace_hours else None
        sweep = media.sweep_orphans(delete=delete, grace=grace)
        for name in sweep.orphans:
            self.stdout.write(name)
        verb = "deleted" if delete else "would delete (run with --delete)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{sweep.checked} files checked; {len(sweep.orphans)} orphaned {verb}; "
                f"{len(sweep.young)} unreferenced but younger than the grace period kept"
            )
        )
