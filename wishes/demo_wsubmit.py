"""Demo wishes as residents submit them: waiting for moderation, published, or turned down.

Made through the services (``wish_submit``, ``wish_approve``, ``wish_reject``), so each has its
tracking code and timeline, and the demo volunteer of 朝阳社区 finds the published ones among
their messages. The demo community (朝阳社区, where ``chaoyang_staff`` and ``chaoyang_secretary``
moderate) gets a few of each state; every district gets one or two. Idempotent: a wish whose
title already exists in its community is not made again.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from grids.demo import DEMO_COMMUNITY_CODE
from grids.models import Region, RegionLevel
from portal.models import Role, RoleAssignment, User
from wishes.models import Wish, WishCategory, WishChannel
from wishes.services.moderation import wish_approve, wish_reject
from wishes.services.submission import wish_submit

Log = Callable[[str], None]


@dataclass(frozen=True)
class DemoWish:
    name: str
    category: str
    title: str
    description: str
    value: str
    outcome: str  # "submitted", "published" or "rejected: <reason>"


# For 朝阳社区 (海曙区 西门街道), the demo moderators' community.
CHAOYANG = (
    DemoWish(
        "陈桂英",
        WishCategory.ELDERLY_DISABLED,
        "想要一辆轻便轮椅",
        "老伴去年中风，右腿使不上劲，家里的旧轮椅太重，推不上小区门口的坡。想要一辆能折叠的轻便轮椅，天气好时推他去公园晒晒太阳。",
        "480",
        "published",
    ),
    DemoWish(
        "李国强",
        WishCategory.APPLIANCE_REPAIR,
        "洗衣机不脱水，想请人看看",
        "独居，洗衣机用了八年，最近一脱水就报警停机。自己年纪大了弄不动，想请懂维修的志愿者上门看看还能不能修。",
        "100",
        "published",
    ),
    DemoWish(
        "王雨桐",
        WishCategory.SCHOOLING,
        "给孩子添一套学习用品",
        "孩子上三年级，父亲在外打工，家里经济紧张。想要一个书包、一盏护眼台灯和一些练习本。",
        "260",
        "submitted",
    ),
    DemoWish(
        "赵美华",
        WishCategory.HEALTH,
        "想学测血压、测血糖",
        "家里买了血压计和血糖仪，但老两口看不懂说明书，想请医护志愿者上门教一教，顺便讲讲用药注意事项。",
        "0",
        "submitted",
    ),
    DemoWish(
        "孙建平",
        WishCategory.OTHER,
        "帮忙申请低保",
        "家里困难，想申请低保，不知道要准备什么材料。",
        "0",
        "rejected: 低保申请属于民政救助业务，请携带户口簿和收入证明到社区服务中心一楼窗口办理，工作人员会全程协助。",
    ),
)

# One or two in other districts (the first community of each), to fill the API and the wall.
ELSEWHERE = (
    DemoWish(
        "周秀兰",
        WishCategory.SUPPLIES,
        "冬天想添一床厚被子",
        "住老房子一楼，冬天潮冷，被子薄了，想要一床厚实的棉被。",
        "200",
        "published",
    ),
    DemoWish(
        "吴志明",
        WishCategory.CULTURE_SPORTS,
        "社区老年合唱队想要一套音响",
        "我们合唱队二十多位老人每周排练两次，现在用手机放伴奏声音太小，想要一个便携音响。",
        "450",
        "published",
    ),
    DemoWish(
        "郑丽娟",
        WishCategory.ELDERLY_DISABLED,
        "想装一个卫生间扶手",
        "母亲八十五岁，上厕所起身困难，想在卫生间装两个不锈钢扶手。",
        "300",
        "submitted",
    ),
    DemoWish(
        "何文军",
        WishCategory.APPLIANCE_REPAIR,
        "热水器打不着火",
        "燃气热水器打不着火，天冷洗不了澡，想请志愿者帮忙检查一下。",
        "150",
        "published",
    ),
    DemoWish(
        "冯小燕",
        WishCategory.SCHOOLING,
        "想给女儿找个英语辅导",
        "女儿初二，英语跟不上，家里请不起家教，希望有志愿者每周辅导一次。",
        "0",
        "published",
    ),
    DemoWish(
        "许志刚",
        WishCategory.OTHER,
        "想要一部新手机",
        "想换一部新款智能手机。",
        "500",
        "rejected: 微心愿用于帮助困难群众解决基本生活需要，手机换新不在范围内；如家中确有困难，请联系社区网格员。",
    ),
)


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    places = _places()
    if not places:
        log("  no communities: wishes skipped")
        return
    made = 0
    for place, wishes in places:
        moderator = _moderator(place)
        for spec in wishes:
            if Wish.objects.filter(community=place, title=spec.title).exists():
                continue
            _make(spec, place, moderator, mobile=_mobile(spec))
            made += 1
    log(f"  {made} wishes (submitted, published and rejected)")


def _places() -> list[tuple[Region, tuple[DemoWish, ...]]]:
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY).select_related("parent__parent")
    places = []
    chaoyang = communities.filter(code=DEMO_COMMUNITY_CODE).first()
    if chaoyang is not None:
        places.append((chaoyang, CHAOYANG))
    seen_districts = {chaoyang.parent.parent_id} if chaoyang else set()
    others = []
    for community in communities.exclude(code=DEMO_COMMUNITY_CODE).order_by("code"):
        district = community.parent.parent_id
        if district not in seen_districts:
            seen_districts.add(district)
            others.append(community)
    for index, spec in enumerate(ELSEWHERE):
        if others:
            places.append((others[index % len(others)], (spec,)))
    return places


def _moderator(place: Region) -> User:
    """The community's demo staff where there is one, else the city's staff (or the superuser)."""
    assignment = (
        RoleAssignment.objects.filter(region__path__in=[place.path, place.path.split("/")[0] + "/"])
        .filter(role__in=[Role.COMMUNITY_STAFF, Role.CITY_STAFF])
        .select_related("user")
        .order_by("-region__path")
        .first()
    )
    if assignment is not None:
        return assignment.user
    return User.objects.filter(is_superuser=True).order_by("pk").first()


def _mobile(spec: DemoWish) -> str:
    # One per wish and the same on every run: the per-mobile limit never trips the demo.
    return f"139{zlib.crc32(spec.title.encode()) % 10**8:08d}"


def _make(spec: DemoWish, place: Region, moderator: User | None, *, mobile: str) -> None:
    wish = wish_submit(
        name=spec.name,
        mobile=mobile,
        community=place,
        category=spec.category,
        title=spec.title,
        description=spec.description,
        value_yuan=Decimal(spec.value),
        consent=True,
        sms_consent=spec.outcome == "published",
        channel=WishChannel.WEB,
    )
    if moderator is None or spec.outcome == "submitted":
        return
    if spec.outcome == "published":
        wish_approve(actor=moderator, wish=wish)
    else:
        wish_reject(actor=moderator, wish=wish, reason=spec.outcome.removeprefix("rejected: "))
