"""Issue a partner API key and print it once: only its hash is stored."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from grids.models import Region
from portal.models import ApiScope, PartnerAPIKey


class Command(BaseCommand):
    help = "Create an API key for a partner system, limited to a region and scopes. Prints the key once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="Partner organization (合作单位)")
        parser.add_argument("--region", required=True, help="Region code the key may see, e.g. 330203")
        parser.add_argument(
            "--scopes",
            default=ApiScope.READ.value,
            help=f"Comma-separated, from: {', '.join(ApiScope.values)} (default: read)",
        )
        parser.add_argument("--expires-days", type=int, help="Expire the key after this many days")
        parser.add_argument("--name", help="What the key is for (default: the partner's name)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"No region with code {options['region']!r}.")
        days = options["expires_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-days must be a positive number of days.")
        api_key = PartnerAPIKey(
            partner=options["partner"],
            name=(options["name"] or options["partner"])[:50],
            region=region,
            scopes=[s.strip() for s in options["scopes"].split(",") if s.strip()],
            expiry_date=timezone.now() + timedelta(days=days) if days else None,
        )
        try:
            api_key.full_clean(exclude=["id", "prefix", "hashed_key"])
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        key = PartnerAPIKey.objects.assign_key(api_key)
        api_key.save()
        self.stderr.write(
            f"Created key {api_key.prefix} for {api_key.partner} in {region.name} ({region.code}), "
            f"scopes {', '.join(api_key.scopes)}"
            + (f", expires {api_key.expiry_date:%Y-%m-%d %H:%M}" if api_key.expiry_date else "")
            + ". Store it now: it cannot be shown again."
        )
        # The key alone on stdout, so that scripts can capture it.
        self.stdout.write(key)
