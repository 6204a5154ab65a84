"""manage.py seed_demo --scale small|city: a realistic Ningbo dataset and one demo account per role.

Each app contributes a seeder module with ``seed(*, scale, rng, log)``; they run in order, each in
its own transaction, and each only adds what is missing, so running the command again does not
duplicate anything. The demo accounts are created right after the region tree, so that later
seeders (brands, volunteers, wishes) can attribute their records to them.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from brands.models import ActivityRecord
from grids.demo import CITY_CODE, DEMO_COMMUNITY_CODE, DEMO_DISTRICT_CODE, DEMO_STREET_CODE
from grids.models import PartyMember, PartyOrganization, Region
from portal.models import ApiScope, PartnerAPIKey, Role, RoleAssignment, User

Seeder = Callable[..., None]

# Seeders in the order they run; a module that does not exist (yet) is skipped.
SEEDERS = (
    "grids.demo",
    "demo accounts",
    "brands.demo",
    "volunteers.demo_vreg",
    "volunteers.demo_city",
    "volunteers.demo_vevents",
    "volunteers.demo_vhours",
    "volunteers.demo",
    "wishes.demo_wsubmit",
    "wishes.demo_market",
    "wishes.demo_wclaim",
    "wishes.demo_city",
    "wishes.demo",
    "fengling.demo",
    "portal.stats.demo_dash",
)

DEMO_KEY_NAME = "演示合作系统"
DEMO_PARTNER = "甬城志愿服务平台（演示）"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    real_name: str
    role: str | None  # None: the superuser
    region_code: str | None = None  # None with a role: the demo grid branch (secretary)
    label: str = ""  # what the list says instead of the role ("" role: an account with no role)


# Published passwords, for the demo only: never seed a database that real people use.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "siming-admin-demo", "系统管理员", None),
    DemoAccount("city_admin", "siming-city-demo", "陈立新", Role.CITY_STAFF, CITY_CODE),
    DemoAccount("haishu_staff", "siming-district-demo", "王海燕", Role.DISTRICT_STAFF, DEMO_DISTRICT_CODE),
    DemoAccount("ximen_staff", "siming-street-demo", "周建华", Role.STREET_STAFF, DEMO_STREET_CODE),
    DemoAccount(
        "chaoyang_staff", "siming-community-demo", "俞丽萍", Role.COMMUNITY_STAFF, DEMO_COMMUNITY_CODE
    ),
    DemoAccount("chaoyang_secretary", "siming-secretary-demo", "", Role.BRANCH_SECRETARY),
    DemoAccount("volunteer", "siming-volunteer-demo", "张子轩", Role.VOLUNTEER, DEMO_COMMUNITY_CODE),
    DemoAccount("partner", "siming-partner-demo", DEMO_PARTNER, Role.PARTNER, CITY_CODE),
    # wishes.demo_market makes it the representative of an approved enterprise (宁波甬爱家电有限公司).
    DemoAccount("yongai_rep", "siming-welfare-demo", "李永爱", "", label="爱心单位经办人（公益集市）"),
)


def _counts() -> dict[str, int]:
    models = {
        "regions": Region,
        "organizations": PartyOrganization,
        "members": PartyMember,
        "activity records": ActivityRecord,
    }
    return {label: model.objects.count() for label, model in models.items()}


class Command(BaseCommand):
    help = "Build (or top up) a realistic Ningbo demo dataset and a demo account for every role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale",
            choices=["small", "city"],
            default="small",
            help="small: a few hundred grids, seconds on SQLite; city: 2,892 communities, "
            "14,700 grid branches, 300,000 members (use PostgreSQL)",
        )
        parser.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
        parser.add_argument(
            "--allow-demo-accounts",
            action="store_true",
            help="seed with DEBUG off too (benchmarks): the accounts have published passwords",
        )

    def handle(self, *args: Any, scale: str, seed: int, allow_demo_accounts: bool, **options: Any) -> None:
        if not (settings.DEBUG or allow_demo_accounts):
            raise CommandError(
                "seed_demo creates accounts with published passwords: run it with DEBUG=true, or pass "
                "--allow-demo-accounts on a database no real user can reach (benchmarks)."
            )
        rng = random.Random(seed)
        before = _counts()
        started = time.monotonic()
        timings = []
        self.new_key: str | None = None
        for name in SEEDERS:
            seeder = self._seeder(name)
            if seeder is None:
                self.stdout.write(f"{name}: not present, skipped")
                continue
            self.stdout.write(f"{name} (scale {scale}):")
            began = time.monotonic()
            with transaction.atomic():
                seeder(scale=scale, rng=rng, log=self.stdout.write)
            timings.append((name, time.monotonic() - began))
        self._report(before, timings, time.monotonic() - started)

    def _seeder(self, name: str) -> Seeder | None:
        if name == "demo accounts":
            return self.seed_accounts
        if importlib.util.find_spec(name) is None:
            return None
        return importlib.import_module(name).seed

    # --- Accounts ------------------------------------------------------------------------

    def seed_accounts(self, *, scale: str, rng: random.Random, log: Callable[[str], None]) -> None:
        branch = self._demo_branch()
        created = [account.username for account in DEMO_ACCOUNTS if self._ensure(account, branch)]
        log(f"  accounts: {len(created)} added" + (f" ({', '.join(created)})" if created else ""))
        if not PartnerAPIKey.objects.filter(name=DEMO_KEY_NAME).exists():
            _, self.new_key = PartnerAPIKey.objects.create_key(
                name=DEMO_KEY_NAME,
                partner=DEMO_PARTNER,
                region=Region.objects.get(code=CITY_CODE),
                scopes=[
                    ApiScope.READ,
                    ApiScope.WISHES_WRITE,
                    ApiScope.SERVICE_WRITE,
                    ApiScope.ACTIVITIES_WRITE,
                ],
            )
            log("  partner API key: 1 added")

    @staticmethod
    def _demo_branch() -> PartyOrganization:
        # 朝阳社区's first grid always gets a full 网格党支部 (grids.demo.organization_for).
        branch = (
            PartyOrganization.objects.filter(region__code=f"{DEMO_COMMUNITY_CODE}001")
            .select_related("region", "secretary")
            .order_by("id")
            .first()
        )
        if branch is None:
            raise CommandError("The demo grid branch of 朝阳社区 is missing: grids.demo must run first.")
        return branch

    @staticmethod
    def _ensure(account: DemoAccount, branch: PartyOrganization) -> bool:
        """Create the account and its role once; an existing account is left as it is."""
        secretary: PartyMember | None = branch.secretary if account.role == Role.BRANCH_SECRETARY else None
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "real_name": secretary.name if secretary else account.real_name,
                "is_staff": account.role is None,
                "is_superuser": account.role is None,
            },
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
        if account.role == Role.BRANCH_SECRETARY:
            RoleAssignment.objects.get_or_create(
                user=user, role=account.role, region=branch.region, organization=branch
            )
            if secretary and secretary.user_id is None:
                secretary.user = user
                secretary.save(update_fields=["user"])
        elif account.role:
            region = Region.objects.get(code=account.region_code)
            RoleAssignment.objects.get_or_create(
                user=user, role=account.role, region=region, organization=None
            )
        return created

    # --- Output --------------------------------------------------------------------------

    def _report(self, before: dict[str, int], timings: list[tuple[str, float]], total: float) -> None:
        out = self.stdout
        after = _counts()
        out.write("")
        # Each seeder's "added" lines sum to the first line; the second is what the database
        # holds, this run's additions and whatever was there before.
        out.write("Added this run:  " + " · ".join(f"{k} {after[k] - before[k]:,}" for k in after))
        out.write("In the database: " + " · ".join(f"{k} {n:,}" for k, n in after.items()))
        for name, seconds in timings:
            out.write(f"  {name:<16} {seconds:8.1f}s")
        out.write(f"  {'total':<16} {total:8.1f}s")
        out.write("")
        out.write(self.style.WARNING("Demo accounts — published passwords, for the demo only:"))
        for account in DEMO_ACCOUNTS:
            role = account.label or (Role(account.role).label if account.role else "超级管理员")
            # The partner account shows the login refusal; partners work through the key below.
            note = " (API key only: the login page refuses it)" if account.role == Role.PARTNER else ""
            out.write(f"  {account.username:<20} {account.password:<24} {role}{note}")
        out.write("  (Passwords are set when an account is first created; a changed one is kept.)")
        if self.new_key:
            out.write("")
            out.write(self.style.WARNING(f"Partner API key ({DEMO_PARTNER}); shown only this once:"))
            out.write(f"  Authorization: Api-Key {self.new_key}")
