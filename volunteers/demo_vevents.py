"""Demo service events (``seed_demo``): 海曙 朝阳社区 and 江北's 温暖星期五, upcoming and past.

The demo account ``volunteer`` (张子轩) is signed up for one upcoming event, on the waitlist of a
full one, and was present at past events whose hours wait for the organizer's review. Sign-ups go
through the services, as a person's would; past events get their sign-ups and attendance as they
were. Idempotent: an event that exists by title and place is left as it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from grids.models import Region, RegionLevel, district_code_of
from portal.errors import DomainError
from portal.models import User
from portal.privacy import hash_id_number, mask_id_number
from portal.validators import id_check_digit
from volunteers.models import (
    Event,
    RecordSource,
    ServiceRecord,
    Signup,
    SignupStatus,
    Specialty,
    Team,
    Volunteer,
    VolunteerStatus,
)
from volunteers.services.events import event_signup

CHAOYANG = "330203003001"  # 海曙区 › 西门街道 › 朝阳社区 (grids.demo.DEMO_COMMUNITY_CODE)
JIANGBEI = "330205"
DEMO_VOLUNTEER = ("volunteer", "张子轩", "13805740001")
# Neighbours who fill the events: (account, name, mobile, home).
NEIGHBOURS = [
    ("event_vol_01", "李文静", "13805740011", CHAOYANG),
    ("event_vol_02", "陈国华", "13805740012", CHAOYANG),
    ("event_vol_03", "王丽娟", "13805740013", CHAOYANG),
    ("event_vol_04", "周明", "13805740014", CHAOYANG),
    ("event_vol_05", "欧阳娜娜", "13805740015", CHAOYANG),
    ("event_vol_06", "徐建平", "13805740016", JIANGBEI),
    ("event_vol_07", "孙晓燕", "13805740017", JIANGBEI),
    ("event_vol_08", "阿卜杜·热合曼", "13805740018", JIANGBEI),
]


@dataclass(frozen=True)
class DemoEvent:
    title: str
    place: str
    home: str  # CHAOYANG or JIANGBEI
    days: int  # from today; negative: past
    start: dt.time
    hours: float
    capacity: int
    specialties: tuple[str, ...] = ()
    needs_approval: bool = False
    description: str = ""


EVENTS = [
    DemoEvent(
        "一人一岗·楼道环境整治",
        "朝阳社区3号楼",
        CHAOYANG,
        4,
        dt.time(9),
        2.5,
        12,
        ("environment",),
        description="清理楼道堆放物，张贴文明养犬提示。",
    ),
    DemoEvent(
        "关爱独居老人上门走访",
        "朝阳社区党群服务中心",
        CHAOYANG,
        6,
        dt.time(14),
        3,
        3,
        ("elderly",),
        description="两人一组走访独居老人，了解需求并登记微心愿。",
    ),
    DemoEvent(
        "反诈政策宣传进小区",
        "朝阳社区文化广场",
        CHAOYANG,
        11,
        dt.time(9, 30),
        2,
        20,
        ("policy",),
        needs_approval=True,
    ),
    DemoEvent(
        "温暖星期五·义诊进社区",
        "江北区文化广场",
        JIANGBEI,
        3,
        dt.time(8, 30),
        3.5,
        15,
        ("medical",),
        description="测血压、测血糖，慢病用药咨询。",
    ),
    DemoEvent("温暖星期五·法律援助咨询", "江北区党群服务中心", JIANGBEI, 10, dt.time(14), 2, 6, ("legal",)),
    DemoEvent("夜间治安巡逻", "朝阳社区", CHAOYANG, -5, dt.time(19), 2, 8, ("patrol",)),
    DemoEvent("助老助残·爱心理发", "朝阳社区党群服务中心", CHAOYANG, -12, dt.time(9), 3, 6, ("elderly",)),
    DemoEvent("温暖星期五·文艺汇演", "江北区文化广场", JIANGBEI, -8, dt.time(18, 30), 2.5, 20, ("arts",)),
]


def seed(*, scale: str, rng: random.Random, log: Callable[[str], None]) -> None:
    chaoyang = Region.objects.filter(code=CHAOYANG).first()
    jiangbei = _first_community(JIANGBEI)
    organizer = _organizer()
    if chaoyang is None or jiangbei is None or organizer is None:
        log("  service events: skipped (regions or demo accounts missing)")
        return
    homes = {CHAOYANG: chaoyang, JIANGBEI: jiangbei}
    me = _volunteer(*DEMO_VOLUNTEER, community=chaoyang, serial=0)
    if me is None:
        log("  service events: skipped (the demo account `volunteer` is missing)")
        return
    others = [
        v
        for i, (username, name, mobile, home) in enumerate(NEIGHBOURS, start=1)
        if (v := _volunteer(username, name, mobile, community=homes[home], serial=i)) is not None
    ]
    made = 0
    for spec in EVENTS:
        event, created = _event(spec, homes[spec.home], organizer)
        if created:
            made += 1
            _fill(event, spec, me, others)
    log(f"  service events: {made} added")


def _first_community(district_code: str) -> Region | None:
    district = Region.objects.filter(code=district_code).only("path").first()
    if district is None:
        return None
    return (
        Region.objects.filter(level=RegionLevel.COMMUNITY, path__startswith=district.path)
        .order_by("path")
        .first()
    )


def _organizer() -> User | None:
    return User.objects.filter(username__in=["chaoyang_staff", "city_admin", "admin"]).order_by("id").first()


def _volunteer(username: str, name: str, mobile: str, *, community: Region, serial: int) -> Volunteer | None:
    """The account's volunteer profile, created active if missing (the registration seeder may
    have made it already); the demo account itself must exist, the neighbours are made here."""
    user = User.objects.filter(username=username).first()
    if user is None and username == DEMO_VOLUNTEER[0]:
        return None
    if user is None:
        user = User(username=username, real_name=name)
        user.set_unusable_password()
        user.save()
    found = Volunteer.objects.filter(user=user).first()
    if found is not None:
        return found
    first17 = f"330203{dt.date(1988, 6, 1) + dt.timedelta(days=serial * 97):%Y%m%d}{800 + serial:03d}"
    number = first17 + id_check_digit(first17)
    if Volunteer.objects.filter(id_number_hash=hash_id_number(number)).exists():
        return None
    volunteer = Volunteer.objects.create(
        user=user,
        name=name,
        mobile=mobile,
        id_number_hash=hash_id_number(number),
        id_number_masked=mask_id_number(number),
        birth_date=dt.date(int(first17[6:10]), int(first17[10:12]), int(first17[12:14])),
        community=community,
        district_code=district_code_of(community.path),
        consented_at=timezone.now(),
        status=VolunteerStatus.ACTIVE,
    )
    volunteer.specialties.set(
        Specialty.objects.filter(code__in=["elderly", "medical", "policy"])[: 1 + serial % 3]
    )
    return volunteer


def _event(spec: DemoEvent, region: Region, organizer: User) -> tuple[Event, bool]:
    found = Event.objects.filter(title=spec.title, place=spec.place).first()
    if found is not None:
        return found, False
    day = timezone.localdate() + dt.timedelta(days=spec.days)
    starts_at = timezone.make_aware(dt.datetime.combine(day, spec.start))
    ends_at = starts_at + dt.timedelta(hours=spec.hours)
    district = "/".join(region.path.split("/")[:2]) + "/"
    team = Team.objects.filter(region__path__startswith=district).order_by("id").first()
    event = Event.objects.create(
        title=spec.title,
        description=spec.description,
        place=spec.place,
        region=region,
        team=team if spec.home == JIANGBEI else None,
        starts_at=starts_at,
        ends_at=ends_at,
        signup_deadline=starts_at - dt.timedelta(hours=12),
        capacity=spec.capacity,
        needs_approval=spec.needs_approval,
        created_by=organizer,
    )
    event.wanted_specialties.set(Specialty.objects.filter(code__in=spec.specialties))
    return event, True


def _fill(event: Event, spec: DemoEvent, me: Volunteer, others: list[Volunteer]) -> None:
    if spec.days < 0:
        _past(event, [me, *others[: spec.capacity - 1]])
    elif spec.title.startswith("一人一岗"):
        _sign_up([me, *others[:4]], event)  # the demo account's upcoming event
    elif spec.capacity == 3:
        _sign_up([*others[:4], me], event)  # full: the demo account waits second in line
    elif spec.needs_approval:
        _sign_up(others[:2], event)  # pending: for 朝阳社区's staff to approve
    elif spec.home == JIANGBEI:
        _sign_up(others[5:], event)


def _sign_up(people: list[Volunteer], event: Event) -> None:
    for volunteer in people:
        # Refused e.g. when the registration seeder left the demo account under review.
        with contextlib.suppress(DomainError):
            event_signup(volunteer=volunteer, event=event)


def _past(event: Event, people: list[Volunteer]) -> None:
    """Sign-ups as they were, with check-in/out, and pending hours for the organizer to review."""
    for volunteer in people:
        checked_in = event.starts_at - dt.timedelta(minutes=10)
        Signup.objects.create(
            event=event,
            volunteer=volunteer,
            status=SignupStatus.SIGNED,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            checked_in_at=checked_in,
            checked_out_at=event.ends_at,
        )
        ServiceRecord.objects.create(
            volunteer=volunteer,
            region=event.region,
            event=event,
            team=event.team,
            source=RecordSource.EVENT,
            served_on=timezone.localtime(event.starts_at).date(),
            hours=Decimal(str((event.ends_at - event.starts_at).total_seconds() / 3600)).quantize(
                Decimal("0.01")
            ),
            description=event.title,
            created_by=event.created_by,
        )
    Event.objects.filter(pk=event.pk).update(signed=F("signed") + len(people))
