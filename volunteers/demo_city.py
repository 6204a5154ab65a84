"""``seed_demo --scale city``: about 100,000 volunteers and 1,000,000 service records (PostgreSQL).

Rows go in with COPY (brands.demo_life's writer: ids drawn from the sequence first, foreign keys
checked once at the end), then the maintained totals are computed in ONE aggregate
``UPDATE … FROM (SELECT … GROUP BY …)`` and the per-year totals in one ``INSERT … SELECT``, so
``hours_total`` equals the sum of each volunteer's approved records, as the services keep it.
About 40 % of the volunteers are party members (linked to member records by their ID hash);
the first one has 500 records (the benchmark's "my page"). Idempotent: skipped when the city's
volunteers exist. Measured: see README (about a minute on the benchmark machine).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterator

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from brands.demo_life import _copy_rows, _foreign_keys_checked_once, _reserve_ids
from grids.demo import MemberMaker, _surname
from grids.models import Gender, PartyMember, Region, RegionLevel, district_code_of
from portal.models import Role, RoleAssignment, User
from portal.privacy import mask_id_number
from volunteers.models import (
    RecordStatus,
    ServiceRecord,
    Specialty,
    Volunteer,
    VolunteerStatus,
    VolunteerYear,
)

Log = Callable[[str], None]

CITY_VOLUNTEERS = 100_000
CITY_RECORDS = 1_000_000
PARTY_SHARE = 0.4
HEAVY_RECORDS = 500  # the first volunteer's history: the benchmark's "my page"
USERNAME = "cityvol-{:06d}"
# Everyone's password, hashed once (a published demo password, as the demo accounts'): the
# benchmark signs in as the heavy volunteer.
PASSWORD = "siming-volunteer-demo"
YEARS = 3
# Service by month: March (学雷锋月) and December (国际志愿者日) busiest, the summer heat quietest.
MONTH_WEIGHTS = (6, 5, 12, 9, 9, 7, 5, 5, 8, 9, 9, 12)
DESCRIPTIONS = (
    "社区治安巡逻",
    "垃圾分类督导",
    "独居老人探访",
    "政策宣传入户",
    "文明劝导",
    "义诊服务",
    "法律咨询",
)


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    if scale != "city":
        return
    if connection.vendor != "postgresql":
        log("  city volunteers: PostgreSQL only (COPY), skipped")
        return
    if User.objects.filter(username=USERNAME.format(0)).exists():
        log("  city volunteers: present, skipped")
        return
    started = time.monotonic()
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY).values_list("id", "path"))
    with _foreign_keys_checked_once(User, RoleAssignment, Volunteer, ServiceRecord):
        volunteers = _load_volunteers(rng, communities)
        records = _load_records(rng, volunteers)
    _compute_totals(volunteers[0][0], volunteers[-1][0])
    transaction.on_commit(_analyze)
    log(
        f"  city volunteers: {len(volunteers):,} volunteers, {records:,} service records "
        f"in {time.monotonic() - started:.0f}s"
    )


def _load_volunteers(rng: random.Random, communities: list[tuple[int, str]]) -> list[tuple[int, int]]:
    """COPY the accounts, their volunteer role and the profiles; returns (volunteer id, community id)."""
    now = timezone.now()
    members = _party_members(int(CITY_VOLUNTEERS * PARTY_SHARE))
    user_ids = _reserve_ids(User, CITY_VOLUNTEERS)
    volunteer_ids = _reserve_ids(Volunteer, CITY_VOLUNTEERS)
    password = make_password(PASSWORD)
    maker = MemberMaker(taken={m["id_number_hash"] for m in members}, today=timezone.localdate())
    people = [_person(rng, i, members, communities, maker) for i in range(CITY_VOLUNTEERS)]
    _copy_rows(
        User._meta.db_table,
        ("id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
         "is_active", "date_joined", "real_name", "unread_messages"),
        ((uid, password, False, USERNAME.format(i), "", "", "", False, True, now, p["name"], 0)
         for i, (uid, p) in enumerate(zip(user_ids, people, strict=True))),
    )  # fmt: skip
    _copy_rows(
        RoleAssignment._meta.db_table,
        ("user_id", "role", "region_id", "created_at"),
        ((uid, Role.VOLUNTEER, p["community_id"], now) for uid, p in zip(user_ids, people, strict=True)),
    )
    _copy_rows(
        Volunteer._meta.db_table,
        ("id", "user_id", "name", "mobile", "id_number_hash", "id_number_masked", "birth_date", "community_id",
         "district_code", "is_in_service", "work_unit", "member_id", "consented_at", "status", "status_reason",
         "hours_total", "created_at", "updated_at", "status_changed_at"),
        ((vid, uid, p["name"], p["mobile"], p["hash"], p["masked"], p["birth"], p["community_id"],
          p["district"], p["in_service"], p["work_unit"], p["member_id"], now, p["status"], "", 0,
          p["joined"], now, None if p["status"] == VolunteerStatus.APPLICANT else now)
         for vid, uid, p in zip(volunteer_ids, user_ids, people, strict=True)),
    )  # fmt: skip
    specialty_ids = list(Specialty.objects.values_list("id", flat=True))
    _copy_rows(
        Volunteer.specialties.through._meta.db_table,
        ("volunteer_id", "specialty_id"),
        (
            (vid, sid)
            for vid in volunteer_ids
            for sid in rng.sample(specialty_ids, k=rng.choice((0, 1, 1, 2, 3)))
        ),
    )
    return [(vid, p["community_id"]) for vid, p in zip(volunteer_ids, people, strict=True)]


def _party_members(count: int) -> list[dict]:
    """Members of grid branches not yet volunteers, with their community (the grid's parent)."""
    return list(
        PartyMember.objects.filter(volunteer__isnull=True, region__level=RegionLevel.GRID)
        .exclude(id_number_hash=None)
        .order_by("id")
        .values(
            "id", "name", "mobile", "id_number_hash", "id_number_masked", "birth_date", "is_in_service",
            "work_unit", "region__parent_id", "district_code",
        )[:count]
    )  # fmt: skip


def _person(
    rng: random.Random, i: int, members: list[dict], communities: list[tuple[int, str]], maker: MemberMaker
) -> dict:
    status = rng.choices(
        (
            VolunteerStatus.ACTIVE,
            VolunteerStatus.APPLICANT,
            VolunteerStatus.SUSPENDED,
            VolunteerStatus.ARCHIVED,
        ),
        (90, 6, 2, 2),
    )[0]
    joined = timezone.now() - dt.timedelta(days=rng.randint(1, 365 * YEARS))
    if i % 5 < 2 and members:  # 40 %: party members, registered with their own ID number
        m = members.pop()
        return {
            "name": m["name"], "mobile": m["mobile"] or _mobile(rng), "hash": m["id_number_hash"],
            "masked": m["id_number_masked"], "birth": m["birth_date"], "community_id": m["region__parent_id"],
            "district": m["district_code"], "in_service": m["is_in_service"],
            "work_unit": m["work_unit"] if m["is_in_service"] else "", "member_id": m["id"],
            "status": VolunteerStatus.ACTIVE if i == 0 else status, "joined": joined,
        }  # fmt: skip
    community_id, path = communities[rng.randrange(len(communities))]
    district = district_code_of(path)
    gender = Gender.FEMALE if rng.random() < 0.55 else Gender.MALE
    birth = dt.date(rng.randint(1950, 2006), rng.randint(1, 12), rng.randint(1, 28))
    # Drawn again while the number is taken (by a member linked above or another volunteer).
    number, digest = maker._unique_id_number(rng, district, birth, gender)
    return {
        "name": _surname(rng) + MemberMaker._given_name(rng, gender, birth.year), "mobile": _mobile(rng),
        "hash": digest, "masked": mask_id_number(number), "birth": birth, "community_id": community_id,
        "district": district, "in_service": False, "work_unit": "", "member_id": None,
        "status": VolunteerStatus.ACTIVE if i == 0 else status, "joined": joined,
    }  # fmt: skip


def _mobile(rng: random.Random) -> str:
    return MemberMaker._mobile(rng)


def _load_records(rng: random.Random, volunteers: list[tuple[int, int]]) -> int:
    today = timezone.localdate()
    counts = _record_counts(rng, len(volunteers))
    total = sum(counts)
    ids = iter(_reserve_ids(ServiceRecord, total))
    now = timezone.now()

    def rows() -> Iterator[tuple]:
        for (vid, community_id), count in zip(volunteers, counts, strict=True):
            for _ in range(count):
                served = _served_on(rng, today)
                pending = (today - served).days < 45 and rng.random() < 0.5
                status = RecordStatus.PENDING if pending else RecordStatus.APPROVED
                yield (
                    next(ids), vid, community_id, "declared", served, rng.choice((1, 1.5, 2, 2, 2.5, 3, 4)),
                    rng.choice(DESCRIPTIONS), status, "", None if pending else now, "", "", now,
                )  # fmt: skip

    _copy_rows(
        ServiceRecord._meta.db_table,
        ("id", "volunteer_id", "region_id", "source", "served_on", "hours", "description", "status",
         "decline_reason", "decided_at", "external_ref", "partner", "created_at"),
        rows(),
    )  # fmt: skip
    return total


def _record_counts(rng: random.Random, n: int) -> list[int]:
    """About CITY_RECORDS in all: most volunteers serve a few times, a few very often."""
    counts = [min(int(rng.expovariate(1 / 10)), 300) for _ in range(n)]
    counts[0] = HEAVY_RECORDS
    scale = (CITY_RECORDS - HEAVY_RECORDS) / max(sum(counts[1:]), 1)
    return [counts[0], *(round(c * scale) for c in counts[1:])]


def _served_on(rng: random.Random, today: dt.date) -> dt.date:
    year = today.year - rng.choices(range(YEARS), (5, 3, 2))[0]
    month = rng.choices(range(1, 13), MONTH_WEIGHTS)[0]
    if year == today.year and month > today.month:
        year -= 1
    day = dt.date(year, month, rng.randint(1, 28))
    return min(day, today)


def _compute_totals(first: int, last: int) -> None:
    """The maintained totals from the approved records: one aggregate UPDATE, one INSERT … SELECT."""
    records, volunteers = ServiceRecord._meta.db_table, Volunteer._meta.db_table
    years = VolunteerYear._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {volunteers} v SET hours_total = s.total FROM ("
            f"  SELECT volunteer_id, SUM(hours) AS total FROM {records}"
            f"  WHERE status = %s AND volunteer_id BETWEEN %s AND %s GROUP BY volunteer_id"
            f") s WHERE v.id = s.volunteer_id",
            [RecordStatus.APPROVED, first, last],
        )
        cursor.execute(
            f"INSERT INTO {years} (volunteer_id, year, hours)"
            f"  SELECT volunteer_id, EXTRACT(YEAR FROM served_on)::int, SUM(hours) FROM {records}"
            f"  WHERE status = %s AND volunteer_id BETWEEN %s AND %s"
            f"  GROUP BY volunteer_id, EXTRACT(YEAR FROM served_on)"
            f"  ON CONFLICT (volunteer_id, year) DO NOTHING",
            [RecordStatus.APPROVED, first, last],
        )


def _analyze() -> None:
    """VACUUM ANALYZE the loaded tables: until then the planner thinks they are empty."""
    with connection.cursor() as cursor:
        for model in (User, RoleAssignment, Volunteer, ServiceRecord, VolunteerYear):
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        cursor.execute(f"VACUUM ANALYZE {Volunteer.specialties.through._meta.db_table}")
