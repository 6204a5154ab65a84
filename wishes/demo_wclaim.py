"""Demo wishes for the wall and claiming (``seed_demo``): wishes waiting on the wall, one claimed by
the ``volunteer`` demo account, one fulfilled, one confirmed with a thank-you, and a team claim by
江北's 温暖星期五 帮帮团. Every transition goes through the services, so timelines, messages and
service hours are as real use leaves them. Running it again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone
from PIL import Image

from brands.images import versions
from grids.demo import DEMO_COMMUNITY_CODE
from grids.models import Region, RegionLevel, district_code_of
from portal.models import User
from portal.privacy import hash_id_number, mask_id_number
from volunteers.models import Station, Team, TeamMembership, Volunteer, VolunteerStatus
from wishes.models import Rating, Wish, WishCategory, WishStatus
from wishes.services.claims import wish_claim, wish_confirm, wish_fulfil

Log = Callable[[str], None]
WALL = (
    (
        "想要一把轮椅",
        WishCategory.ELDERLY_DISABLED,
        "王秀英",
        "腿脚不便，想要一把轮椅，天气好时能出门晒晒太阳。",
    ),
    (
        "孩子想要一套学习用品",
        WishCategory.SCHOOLING,
        "李建国",
        "孙子上三年级，想要书包、文具和一盏护眼台灯。",
    ),
    (
        "洗衣机坏了想请人修",
        WishCategory.APPLIANCE_REPAIR,
        "陈桂兰",
        "老式波轮洗衣机不转了，一个人住不方便手洗。",
    ),
    ("想学智能手机用法", WishCategory.CULTURE_SPORTS, "周阿根", "想学会用手机视频通话，和外地的女儿说说话。"),
    ("想要一台血压计", WishCategory.HEALTH, "吴玉梅", "高血压多年，想在家里每天量一量。"),
    ("需要一床冬被", WishCategory.SUPPLIES, "徐德胜", "独居老人，家里的被子太薄了。"),
)
CLAIMED = ("想请人帮忙换个灯泡", WishCategory.APPLIANCE_REPAIR, "林月娥", "厨房灯坏了，自己够不着。")
FULFILLED = ("想要一副助行器", WishCategory.ELDERLY_DISABLED, "郑春花", "术后恢复期，需要助行器练习走路。")
CONFIRMED = (
    "社区合唱队想要一台音箱",
    WishCategory.CULTURE_SPORTS,
    "张丽萍",
    "合唱队排练没有音箱，想要一台。",
)
TEAM = ("想要一台轮椅给瘫痪的老伴", WishCategory.ELDERLY_DISABLED, "孙桂芳", "老伴卧床多年，想推他出门看看。")


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    if Wish.objects.filter(title=CONFIRMED[0], resident_name=CONFIRMED[2]).exists():
        log("  wall and claims: already seeded")
        return
    home = Region.objects.filter(code=DEMO_COMMUNITY_CODE).first()
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code")[:40])
    if home is None or not communities:
        log("  wall and claims: no communities, skipped")
        return
    jiangbei = Region.objects.filter(level=RegionLevel.COMMUNITY, path__contains="/330205/").first() or home
    for i, (title, category, name, text) in enumerate(WALL):
        _wish(title, category, name, text, home if i < 3 else rng.choice(communities), rng)
    demo = _demo_volunteer(home)
    helpers = [_helper(i, home) for i in range(3)]
    if demo is not None:
        wish_claim(wish=_wish(*CLAIMED, home, rng), volunteer=demo)
    _fulfil(wish_claim(wish=_wish(*FULFILLED, home, rng), volunteer=helpers[0]))
    confirmed = _fulfil(wish_claim(wish=_wish(*CONFIRMED, home, rng), volunteer=helpers[1]))
    wish_confirm(
        wish=confirmed.wish,
        rating=Rating.SATISFIED,
        thanks="音箱音质很好，大家唱得更起劲了，谢谢志愿者！",
        tracking_code=confirmed.wish.tracking_code,
    )
    team = _team(jiangbei, helpers[2], helpers[:2])
    wish_claim(wish=_wish(*TEAM, jiangbei, rng), volunteer=helpers[2], claimant=team)
    log(f"  wall and claims: {len(WALL) + 4} wishes, 4 claims (one by the volunteer demo account, one team)")


def _wish(title: str, category: str, name: str, text: str, community: Region, rng: random.Random) -> Wish:
    now = timezone.now()
    return Wish.objects.create(
        resident_name=name,
        resident_mobile=f"13{rng.randrange(10**9):09d}",
        sms_consent=True,
        consented_at=now,
        community=community,
        district_code=district_code_of(community.path),
        category=category,
        title=title,
        description=text,
        value=Decimal(rng.choice((80, 150, 300, 500))),
        status=WishStatus.PUBLISHED,
        published_at=now - dt.timedelta(minutes=rng.randrange(5, 3000)),
    )


def _demo_volunteer(home: Region) -> Volunteer | None:
    """The ``volunteer`` demo account's profile (made here if the volunteers seeder did not)."""
    user = User.objects.filter(username="volunteer").first()
    if user is None:
        return None
    existing = Volunteer.objects.filter(user=user).first()
    if existing is not None:
        return existing if existing.status == VolunteerStatus.ACTIVE else None
    return _volunteer(user, "张子轩", "13900000001", "330203199001010", home)


def _helper(i: int, home: Region) -> Volunteer:
    user, _ = User.objects.get_or_create(
        username=f"wish-demo-helper-{i}", defaults={"real_name": f"志愿者{i}"}
    )
    existing = Volunteer.objects.filter(user=user).first()
    names = ("陈海波", "林晓燕", "俞国平")
    return existing or _volunteer(user, names[i], f"1390000010{i}", f"33020319850101{i}", home)


def _volunteer(user: User, name: str, mobile: str, id_seed: str, home: Region) -> Volunteer:
    now = timezone.now()
    return Volunteer.objects.create(
        user=user,
        name=name,
        mobile=mobile,
        id_number_hash=hash_id_number(f"demo-wclaim-{id_seed}"),
        id_number_masked=mask_id_number("330203199001011234"),
        birth_date=dt.date(1990, 1, 1),
        community=home,
        district_code=district_code_of(home.path),
        consented_at=now,
        status=VolunteerStatus.ACTIVE,
    )


def _fulfil(claim):
    picture = Image.new("RGB", (800, 600), (183, 28, 28))
    return wish_fulfil(
        claim=claim,
        actor=claim.claimed_by,
        note="已送到居民家中，并帮忙调试好。",
        hours=Decimal("2"),
        evidence=versions(picture),
    )


def _team(place: Region, leader: Volunteer, members: list[Volunteer]) -> Team:
    station, _ = Station.objects.get_or_create(
        name="江北区志愿服务驿站", region=place, defaults={"address": "江北区党群服务中心"}
    )
    team, _ = Team.objects.get_or_create(
        name="温暖星期五帮帮团",
        station=station,
        defaults={"leader": leader, "description": "每周五上门帮扶。"},
    )
    for member in [leader, *members]:
        TeamMembership.objects.get_or_create(team=team, volunteer=member, defaults={"status": "approved"})
    return team
