"""About 100,000 micro-wishes across the city's communities, in every state, with their claims
and timelines (``seed_demo --scale city``), for the wall's benchmark.

Rows are written with PostgreSQL's COPY (ids drawn from the sequences first, so claims and
events can point at their wishes), as ``brands.demo_life`` writes the city's activity records;
elsewhere with bulk_create. Claims are made by a pool of demo volunteers (the city's volunteers
when there are enough). Running it again adds only what is missing to reach the target.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from brands.demo_life import _copy_rows, _reserve_ids
from grids.demo import refresh_statistics
from grids.models import Region, RegionLevel, district_code_of
from portal.models import User
from portal.privacy import hash_id_number
from volunteers.models import Volunteer, VolunteerStatus
from wishes.models import (
    TRACKING_ALPHABET,
    TRACKING_LENGTH,
    ClaimantKind,
    ClaimStatus,
    EventActor,
    Rating,
    Wish,
    WishCategory,
    WishClaim,
    WishEvent,
    WishEventKind,
    WishStatus,
)

Log = Callable[[str], None]
CITY_WISHES = 100_000
POOL = 1_000  # demo claimants made when the city has fewer active volunteers
# Share of each state: most wishes of a year are long confirmed; a third wait on the wall.
STATES = (
    (WishStatus.SUBMITTED, 0.04),
    (WishStatus.REJECTED, 0.03),
    (WishStatus.PUBLISHED, 0.28),
    (WishStatus.CLAIMED, 0.12),
    (WishStatus.FULFILLED, 0.06),
    (WishStatus.CONFIRMED, 0.47),
)
TITLES = {
    WishCategory.SUPPLIES: ("想要一床冬被", "需要一袋大米和食用油", "想要一台电饭煲"),
    WishCategory.SCHOOLING: ("孩子想要一套学习用品", "想要一个新书包", "需要一台学习用的旧电脑"),
    WishCategory.ELDERLY_DISABLED: ("想要一把轮椅", "需要一副助行器", "想请人陪同去医院复查"),
    WishCategory.HEALTH: ("想要一台血压计", "需要上门量血糖", "想了解慢病用药知识"),
    WishCategory.APPLIANCE_REPAIR: ("洗衣机坏了想请人修", "热水器不出热水", "家里电灯线路老化"),
    WishCategory.CULTURE_SPORTS: ("想学智能手机用法", "想要一副乒乓球拍", "社区合唱队想要一台音箱"),
    WishCategory.OTHER: ("想请人帮忙写一副春联", "想请人帮忙整理院子", "需要帮忙搬运旧家具"),
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
GIVEN = "秀英桂兰玉梅建国志强海燕丽萍国华明芳春花文杰佳怡子轩雨涵小红金凤德胜阿根月娥"
THANKS = ("太感谢了，志愿者很热心！", "谢谢党员同志，解决了大问题。", "东西很实用，感谢！", "")


@dataclass
class Row:
    community: Region
    status: str
    category: str
    title: str
    name: str
    mobile: str
    created: dt.datetime


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    if scale != "city":
        return
    missing = CITY_WISHES - Wish.objects.count()
    if missing <= 1_000:
        log(f"  city wishes: already {Wish.objects.count():,}, nothing added")
        return
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY).only("pk", "path", "name"))
    if not communities:
        log("  city wishes: no communities, skipped")
        return
    began = timezone.now()
    rows = _rows(rng, communities, missing)
    claimants = _claimants(rng, communities)
    written = _write(rng, rows, claimants)
    # The planner's statistics, after the COPY (VACUUM cannot run inside the seed's transaction).
    transaction.on_commit(lambda: refresh_statistics((Wish, WishClaim, WishEvent)))
    seconds = (timezone.now() - began).total_seconds()
    log(f"  city wishes: {len(rows):,} wishes, {written:,} claims added in {seconds:.1f} s")


def _rows(rng: random.Random, communities: Sequence[Region], count: int) -> list[Row]:
    now = timezone.now()
    states, weights = zip(*STATES, strict=True)
    rows = []
    for _ in range(count):
        category = rng.choice(list(TITLES))
        rows.append(
            Row(
                community=rng.choice(communities),
                status=rng.choices(states, weights)[0],
                category=category,
                title=rng.choice(TITLES[category]),
                name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                mobile=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                created=now - dt.timedelta(seconds=rng.randrange(365 * 86400)),
            )
        )
    # Submitted in time order, as in production: ids follow the dates.
    rows.sort(key=lambda row: row.created)
    return rows


def _claimants(rng: random.Random, communities: Sequence[Region]) -> list[tuple[int, int]]:
    """(volunteer id, user id) of active volunteers; a demo pool when the city has too few."""
    found = list(Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).values_list("pk", "user_id")[:POOL])
    if len(found) >= 200:
        return found
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"wish-helper-{i:04d}", real_name=f"心愿志愿者{i}", password=password)
        for i in range(POOL)
    )
    now = timezone.now()
    volunteers = []
    for i, user in enumerate(users):
        community = rng.choice(communities)
        volunteers.append(
            Volunteer(
                user=user,
                name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                mobile=f"139{i:08d}",
                id_number_hash=hash_id_number(f"wish-helper-{i}"),
                id_number_masked="330***********0000",
                birth_date=dt.date(1985, 1, 1),
                community=community,
                district_code=district_code_of(community.path),
                consented_at=now,
                status=VolunteerStatus.ACTIVE,
            )
        )
    return [(v.pk, v.user_id) for v in Volunteer.objects.bulk_create(volunteers)]


def _codes(rng: random.Random, count: int) -> list[str]:
    taken = set(Wish.objects.values_list("tracking_code", flat=True))
    codes: list[str] = []
    while len(codes) < count:
        code = "".join(rng.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _write(rng: random.Random, rows: list[Row], claimants: list[tuple[int, int]]) -> int:
    now = timezone.now()
    wishes, claims, events = [], [], []
    for row, code in zip(rows, _codes(rng, len(rows)), strict=True):
        wish, claim, timeline = _one(rng, row, code, claimants, now)
        wishes.append(wish)
        claims.append(claim)
        events.append(timeline)
    if connection.vendor == "postgresql":
        ids = _reserve_ids(Wish, len(wishes))
        for pk, wish in zip(ids, wishes, strict=True):
            wish.pk = pk
        _copy_model(Wish, wishes)
    else:
        Wish.objects.bulk_create(wishes, batch_size=2000)
    live, flat = [], []
    for wish, claim, timeline in zip(wishes, claims, events, strict=True):
        for child in ([claim] if claim else []) + timeline:
            child.wish_id = wish.pk
        live += [claim] if claim else []
        flat += timeline
    if connection.vendor == "postgresql":
        _copy_model(WishClaim, live)
        _copy_model(WishEvent, flat)
    else:
        WishClaim.objects.bulk_create(live, batch_size=2000)
        WishEvent.objects.bulk_create(flat, batch_size=5000)
    return len(live)


def _one(
    rng: random.Random, row: Row, code: str, claimants: list[tuple[int, int]], now: dt.datetime
) -> tuple[Wish, WishClaim | None, list[WishEvent]]:
    status, created = row.status, row.created
    published = created + dt.timedelta(hours=rng.randrange(2, 48))
    published = min(published, now)
    claimed_at = min(published + dt.timedelta(minutes=rng.randrange(1, 600)), now)
    fulfilled = min(claimed_at + dt.timedelta(days=rng.randrange(1, 10)), now)
    confirmed = min(fulfilled + dt.timedelta(days=rng.randrange(0, 4)), now)
    reached = [s for s, _w in STATES]
    order = reached.index(status)
    has = {s: order >= reached.index(s) and status != WishStatus.REJECTED for s in reached}
    wish = Wish(
        tracking_code=code,
        resident_name=row.name,
        resident_mobile=row.mobile,
        sms_consent=rng.random() < 0.6,
        consented_at=created,
        community=row.community,
        district_code=district_code_of(row.community.path),
        category=row.category,
        title=row.title,
        description=f"{row.title}，希望热心人帮帮忙。",
        value=Decimal(rng.choice((50, 100, 200, 300, 500))),
        status=status,
        reject_reason="不属于微心愿范围，请联系社区办理。" if status == WishStatus.REJECTED else "",
        published_at=published if has[WishStatus.PUBLISHED] else None,
        claimed_at=claimed_at if has[WishStatus.CLAIMED] else None,
        fulfilled_at=fulfilled if has[WishStatus.FULFILLED] else None,
        confirmed_at=confirmed if status == WishStatus.CONFIRMED else None,
        rating=rng.choices(Rating.values, (96, 3, 1))[0] if status == WishStatus.CONFIRMED else "",
        thanks=rng.choice(THANKS) if status == WishStatus.CONFIRMED else "",
        created_at=created,
        updated_at=max(created, confirmed if status == WishStatus.CONFIRMED else published),
    )
    events = [
        WishEvent(
            kind=WishEventKind.SUBMITTED,
            at=created,
            actor_kind=EventActor.RESIDENT,
            actor_label=wish.masked_name,
        )
    ]
    if status == WishStatus.REJECTED:
        events.append(WishEvent(kind=WishEventKind.REJECTED, at=published, note=wish.reject_reason))
    if has[WishStatus.PUBLISHED]:
        events.append(WishEvent(kind=WishEventKind.APPROVED, at=published))
    claim = None
    if has[WishStatus.CLAIMED]:
        volunteer_id, user_id = rng.choice(claimants)
        claim_status = {
            WishStatus.CLAIMED: ClaimStatus.ACTIVE,
            WishStatus.FULFILLED: ClaimStatus.FULFILLED,
            WishStatus.CONFIRMED: ClaimStatus.CONFIRMED,
        }[status]
        done = claim_status != ClaimStatus.ACTIVE
        claim = WishClaim(
            kind=ClaimantKind.VOLUNTEER,
            volunteer_id=volunteer_id,
            claimed_by_id=user_id,
            status=claim_status,
            # Active claims of the past would all be overdue at once: give them time left.
            deadline=(now if not done else claimed_at) + dt.timedelta(days=rng.randrange(1, 14)),
            claimed_at=claimed_at,
            fulfil_note="已按心愿送到居民家中。" if done else "",
            hours=Decimal(rng.choice(("1", "1.5", "2", "3"))) if done else None,
            fulfilled_at=fulfilled if done else None,
        )
        events.append(WishEvent(kind=WishEventKind.CLAIMED, at=claimed_at, actor_id=user_id))
        if done:
            events.append(WishEvent(kind=WishEventKind.FULFILLED, at=fulfilled, actor_id=user_id))
        if status == WishStatus.CONFIRMED:
            events.append(
                WishEvent(kind=WishEventKind.CONFIRMED, at=confirmed, actor_kind=EventActor.RESIDENT)
            )
    return wish, claim, events


def _copy_model(model: type, objects: list) -> None:
    """COPY the objects' concrete columns (ids from the sequence unless already set)."""
    if not objects:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if objects[0].pk is None:
        for pk, obj in zip(_reserve_ids(model, len(objects)), objects, strict=True):
            obj.pk = pk
    columns = ["id", *(f.column for f in fields)]
    values = ([obj.pk, *(_db_value(f, obj) for f in fields)] for obj in objects)
    _copy_rows(model._meta.db_table, columns, values)


def _db_value(field: object, obj: object) -> object:
    value = field.get_db_prep_value(getattr(obj, field.attname), connection)  # type: ignore[attr-defined]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "t" if value else "f"
    return value
