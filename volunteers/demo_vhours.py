"""Demo data for teams, stations, service hours and certificates (issue 7).

Jiangbei's 温暖星期五 runs its teams from stations by specialty: here two stations and the medical,
arts, education and legal-aid teams, each with a leader and members, and confirmed hours that put
demo volunteers at every star level (0–5). The demo account ``volunteer`` gets confirmed and
pending hours, a team and a certificate. Idempotent: a second run adds nothing.

The demo's past hours are bulk inserted as approved records; the maintained totals are then set
from the same figures (the one place totals are written other than by volunteers.services.hours).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from grids.models import Region, RegionLevel
from portal.models import Role, RoleAssignment, User
from portal.privacy import hash_id_number, mask_id_number
from portal.validators import id_check_digit
from volunteers.models import (
    MembershipStatus,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Specialty,
    Station,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerStatus,
    VolunteerYear,
)
from volunteers.services.certificates import certificate_issue
from volunteers.services.hours import record_approve, record_create

Log = Callable[[str], None]

JIANGBEI = "330205"
STATIONS = [
    ("温暖星期五·甬江驿站", "江北区甬江街道江澄北路 88 号"),
    ("温暖星期五·慈城驿站", "江北区慈城镇解放路 12 号"),
]
TEAMS = [
    ("温暖星期五医疗服务队", "医疗", "义诊、健康讲座和慢病随访。"),
    ("温暖星期五文艺服务队", "文艺", "社区文艺演出和老年人兴趣班。"),
    ("温暖星期五教育服务队", "教育", "四点半课堂和青少年课业辅导。"),
    ("温暖星期五法律援助服务队", "法律援助", "法律咨询、矛盾调解和普法宣传。"),
]
# Confirmed hours of the star-level volunteers: 0 to 5 stars at 100/300/600/1,000/1,500 hours.
STAR_HOURS = [40, 120, 360, 720, 1080, 1560]
NAMES = ["陈思远", "林晓燕", "周文斌", "黄丽君", "吴国庆", "郑海波", "孙佳怡", "马俊杰"]
RECORD_HOURS = Decimal("8")
SERVICES = ["社区义诊", "文艺汇演", "四点半课堂", "法律咨询", "健康讲座", "普法宣传"]


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    jiangbei = Region.objects.filter(code=JIANGBEI).first()
    communities = list(
        Region.objects.filter(path__startswith=jiangbei.path, level=RegionLevel.COMMUNITY).order_by("path")[
            :4
        ]
        if jiangbei
        else []
    )
    if not communities:
        log("  vhours: no Jiangbei communities, skipped")
        return
    if Station.objects.filter(name=STATIONS[0][0]).exists():
        log("  teams, stations and hours: already there")
        return
    staff = _staff(jiangbei)
    stations = [
        Station.objects.create(name=name, address=address, region=communities[i % len(communities)].parent)
        for i, (name, address) in enumerate(STATIONS)
    ]
    volunteers = [
        _volunteer(f"wxq-{i + 1}", NAMES[i], communities[i % len(communities)], i) for i in range(8)
    ]
    teams = []
    for i, (name, specialty, description) in enumerate(TEAMS):
        team = Team.objects.create(
            name=name,
            specialty=Specialty.objects.filter(name=specialty).first(),
            station=stations[i % len(stations)],
            leader=volunteers[i],
            description=description,
        )
        teams.append(team)
    for i, volunteer in enumerate(volunteers):
        for team in {teams[i % 4], teams[(i + 1) % 4]}:
            TeamMembership.objects.create(
                team=team, volunteer=volunteer, status=MembershipStatus.APPROVED, decided_by=staff
            )
    records = _past_hours(volunteers[:6], teams, staff, rng)
    _set_totals(records)
    demo = _demo_volunteer(teams[0], staff)
    log(
        f"  stations: {len(stations)}, teams: {len(teams)}, volunteers: {len(volunteers)}, "
        f"approved records: {len(records)}" + (", demo volunteer: hours and a certificate" if demo else "")
    )


def _staff(jiangbei: Region) -> User:
    """Who confirmed the demo's past hours: a Jiangbei staff account without a password."""
    user, created = User.objects.get_or_create(
        username="jiangbei-wxq", defaults={"real_name": "温暖星期五办公室"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        RoleAssignment.objects.create(user=user, role=Role.DISTRICT_STAFF, region=jiangbei)
    return user


def _id_number(area: str, birth: dt.date, sequence: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_digit(first17)


def _volunteer(username: str, name: str, community: Region, i: int) -> Volunteer:
    user, created = User.objects.get_or_create(username=username, defaults={"real_name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, region=community)
    birth = dt.date(1970 + i * 3, 1 + i, 10 + i)
    id_number = _id_number(JIANGBEI, birth, 500 + i)
    return Volunteer.objects.create(
        user=user,
        name=name,
        mobile=f"1390574{i:04d}",
        id_number_hash=hash_id_number(id_number),
        id_number_masked=mask_id_number(id_number),
        birth_date=birth,
        community=community,
        district_code=JIANGBEI,
        consented_at=timezone.now(),
        status=VolunteerStatus.ACTIVE,
    )


def _past_hours(
    volunteers: list[Volunteer], teams: list[Team], staff: User, rng: random.Random
) -> list[ServiceRecord]:
    """Fridays (温暖星期五) going back from last week, 8 hours each, until each reaches their figure."""
    today = timezone.localdate()
    last_friday = today - dt.timedelta(days=(today.weekday() - 4) % 7 or 7)
    now = timezone.now()
    records = []
    for volunteer, total in zip(volunteers, STAR_HOURS, strict=True):
        for week in range(int(Decimal(total) / RECORD_HOURS)):
            records.append(
                ServiceRecord(
                    volunteer=volunteer,
                    region_id=volunteer.community_id,
                    team=teams[week % len(teams)] if week % 3 else None,
                    source=RecordSource.DECLARED,
                    served_on=last_friday - dt.timedelta(weeks=week),
                    hours=RECORD_HOURS,
                    description=rng.choice(SERVICES),
                    status=RecordStatus.APPROVED,
                    decided_by=staff,
                    decided_at=now,
                    created_by=staff,
                )
            )
    return ServiceRecord.objects.bulk_create(records, batch_size=500)


def _set_totals(records: list[ServiceRecord]) -> None:
    by_volunteer: dict[int, Decimal] = defaultdict(Decimal)
    by_year: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    by_team: dict[int, Decimal] = defaultdict(Decimal)
    for record in records:
        by_volunteer[record.volunteer_id] += record.hours
        by_year[record.volunteer_id, record.served_on.year] += record.hours
        if record.team_id:
            by_team[record.team_id] += record.hours
    for pk, hours in by_volunteer.items():
        Volunteer.objects.filter(pk=pk).update(hours_total=hours)
    VolunteerYear.objects.bulk_create(
        VolunteerYear(volunteer_id=pk, year=year, hours=hours) for (pk, year), hours in by_year.items()
    )
    for pk, hours in by_team.items():
        Team.objects.filter(pk=pk).update(hours_total=hours)


def _demo_volunteer(team: Team, jiangbei_staff: User) -> bool:
    """The ``volunteer`` demo account: approved and pending hours, a team and a certificate."""
    user = User.objects.filter(username="volunteer").first()
    if user is None:
        return False
    volunteer = Volunteer.objects.filter(user=user).first() or _demo_profile(user)
    if (
        volunteer.status != VolunteerStatus.ACTIVE
        # The event seeder's attendance leaves records pending; declared ones mean this ran before.
        or ServiceRecord.objects.filter(volunteer=volunteer, source=RecordSource.DECLARED).exists()
    ):
        return False
    reviewer = _reviewer_for(volunteer)
    if reviewer is None:
        return False
    today = timezone.localdate()
    for days, hours, text in (
        (30, "3", "朝阳社区助老服务"),
        (23, "2.5", "垃圾分类宣传"),
        (9, "4", "社区义诊志愿者"),
    ):
        record = record_create(
            actor=volunteer.user,
            volunteer=volunteer,
            source=RecordSource.DECLARED,
            served_on=today - dt.timedelta(days=days),
            hours=Decimal(hours),
            description=text,
        )
        record_approve(actor=reviewer, record=record)
    record_create(
        actor=volunteer.user,
        volunteer=volunteer,
        source=RecordSource.DECLARED,
        served_on=today - dt.timedelta(days=2),
        hours=Decimal("2"),
        description="楼道环境整治",
    )
    TeamMembership.objects.get_or_create(
        team=team,
        volunteer=volunteer,
        defaults={"status": MembershipStatus.APPROVED, "decided_by": jiangbei_staff},
    )
    certificate_issue(
        actor=volunteer.user,
        volunteer=volunteer,
        period_start=today.replace(month=1, day=1),
        period_end=today,
    )
    assert volunteer.records.filter(status=RecordStatus.APPROVED).aggregate(s=Sum("hours"))["s"] == Decimal(
        "9.5"
    )
    return True


def _reviewer_for(volunteer: Volunteer) -> User | None:
    """Staff over the volunteer's community (the demo's 朝阳社区 staff), nearest first."""
    ancestors = [p for p in volunteer.community.path.split("/") if p]
    staff_roles = [Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF]
    assignments = RoleAssignment.objects.filter(
        role__in=staff_roles, region__code__in=ancestors
    ).select_related("user", "region")
    nearest = max(assignments, key=lambda a: len(a.region.path), default=None)
    return nearest.user if nearest else None


def _demo_profile(user: User) -> Volunteer:
    """The demo account's profile when the registration demo has not made one (张子轩, 朝阳社区)."""
    assignment = (
        RoleAssignment.objects.filter(user=user, role=Role.VOLUNTEER).select_related("region").first()
    )
    community = assignment.region
    birth = dt.date(1990, 6, 18)
    id_number = _id_number(community.code[:6], birth, 321)
    return Volunteer.objects.create(
        user=user,
        name=user.real_name or "张子轩",
        mobile="13905740321",
        id_number_hash=hash_id_number(id_number),
        id_number_masked=mask_id_number(id_number),
        birth_date=birth,
        community=community,
        district_code=community.code[:6],
        consented_at=timezone.now(),
        status=VolunteerStatus.ACTIVE,
    )
