"""Demo volunteers (vreg): the ``volunteer`` account as an active in-service party member of 海曙区
朝阳社区 holding a 一人一岗 post, the community's five posts, and about thirty volunteers, party
and non-party, with specialties across the districts (a few applicants wait for 朝阳社区's staff).

Idempotent: posts by (community, name), volunteers by their account's username.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Callable

from django.utils import timezone

from grids.demo import DEMO_COMMUNITY_CODE, MemberMaker, _surname, make_id_number
from grids.models import Gender, PartyMember, Region, RegionLevel, district_code_of
from portal.models import Role, RoleAssignment, User
from portal.privacy import hash_id_number, mask_id_number
from volunteers.models import Post, Specialty, Volunteer, VolunteerStatus
from volunteers.services.posts import post_take

Log = Callable[[str], None]

# 一人一岗 in 朝阳社区: the posts the Haishu reports name, with their places.
POSTS = (
    ("治安巡逻", "楼道、小区夜间巡查，发现隐患及时报告网格员。", 8),
    ("政策宣传", "向居民宣讲惠民政策，协助开展入户走访。", 6),
    ("矛盾调解", "参与邻里纠纷调解，协助社区议事会。", 4),
    ("助老助残", "结对独居老人、残疾人，定期探访和代办。", 8),
    ("环境整治", "参与垃圾分类督导和小区环境整治。", 10),
)
DEMO_USERNAME = "volunteer"
OTHERS = 30
USERNAME = "vreg-demo-{:03d}"


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    community = Region.objects.filter(code=DEMO_COMMUNITY_CODE).first()
    if community is None:
        log("  vreg: 朝阳社区 missing (grids.demo runs first), skipped")
        return
    _ensure_specialties()
    posts = _ensure_posts(community)
    added = _ensure_demo_volunteer(community, posts)
    added += _ensure_others(community, rng, posts)
    log(f"  vreg: posts {len(POSTS)} in 朝阳社区 · volunteers {added} added")


def _ensure_specialties() -> None:
    """The shipped specialties, as their data migration adds them: a database flushed after
    migrating (the browser tests' live server) has none, and the demo's volunteers pick from them."""
    shipped = importlib.import_module("volunteers.migrations.0002_specialties").SPECIALTIES
    for order, (code, name) in enumerate(shipped):
        Specialty.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def _ensure_posts(community: Region) -> dict[str, Post]:
    posts = {}
    for name, description, capacity in POSTS:
        posts[name], _ = Post.objects.get_or_create(
            community=community, name=name, defaults={"description": description, "capacity": capacity}
        )
    return posts


def _staff() -> User | None:
    return User.objects.filter(username="chaoyang_staff").first()


def _ensure_demo_volunteer(community: Region, posts: dict[str, Post]) -> int:
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None or Volunteer.objects.filter(user=user).exists():
        return 0
    # A member of 朝阳社区's branches, so the page shows 党员 (the member record stays hidden).
    member = (
        PartyMember.objects.filter(region__path__startswith=community.path, volunteer__isnull=True)
        .exclude(id_number_hash=None)
        .order_by("id")
        .first()
    )
    volunteer = _volunteer(
        user=user,
        name=user.real_name or "张子轩",
        community=community,
        member=member,
        in_service=True,
        work_unit="宁波市海曙区人民医院",
        status=VolunteerStatus.ACTIVE,
        rng=random.Random(DEMO_USERNAME),
    )
    volunteer.specialties.set(Specialty.objects.filter(code__in=["medical", "patrol"]))
    post_take(volunteer=volunteer, post=posts["治安巡逻"])
    return 1


def _ensure_others(community: Region, rng: random.Random, posts: dict[str, Post]) -> int:
    existing = set(User.objects.filter(username__startswith="vreg-demo-").values_list("username", flat=True))
    communities = _communities_by_district(community)
    specialties = list(Specialty.objects.all())
    members = list(
        PartyMember.objects.filter(is_in_service=True, volunteer__isnull=True)
        .exclude(id_number_hash=None)
        .select_related("region")
        .order_by("id")[:200]
    )
    added = 0
    for i in range(OTHERS):
        username = USERNAME.format(i)
        if username in existing:
            continue
        here = i < 10  # the first ten live in 朝阳社区: applicants to approve, post holders
        place = community if here else communities[i % len(communities)]
        party = i % 3 != 2
        member = next((m for m in members if m.region.path.startswith(place.path)), None) if party else None
        if member is not None:
            members.remove(member)
        status = VolunteerStatus.APPLICANT if i in (7, 8, 9) else VolunteerStatus.ACTIVE
        if i == 12:
            status = VolunteerStatus.SUSPENDED
        user = User.objects.create_user(username=username, password=None)
        volunteer = _volunteer(
            user=user,
            name=member.name if member else _surname(rng) + MemberMaker._given_name(rng, Gender.FEMALE, 1988),
            community=place,
            member=member,
            in_service=party and i % 2 == 0,
            work_unit="宁波市鄞州区教育局" if party and i % 2 == 0 else "",
            status=status,
            rng=rng,
        )
        volunteer.specialties.set(rng.sample(specialties, k=rng.randint(1, 3)))
        if here and volunteer.is_in_service and status == VolunteerStatus.ACTIVE:
            post = posts[POSTS[i % len(POSTS)][0]]
            if post.taken < post.capacity:
                post_take(volunteer=volunteer, post=post)
        added += 1
    return added


def _communities_by_district(home: Region) -> list[Region]:
    """One community per district (the first by code), so the list spans the city."""
    chosen: dict[str, Region] = {}
    for region in (
        Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code").only("code", "path", "name")
    ):
        chosen.setdefault(district_code_of(region.path), region)
    return list(chosen.values()) or [home]


def _volunteer(
    *,
    user: User,
    name: str,
    community: Region,
    member: PartyMember | None,
    in_service: bool,
    work_unit: str,
    status: str,
    rng: random.Random,
) -> Volunteer:
    district = district_code_of(community.path)
    if member is not None:
        digest, masked, birth = member.id_number_hash, member.id_number_masked, member.birth_date
    else:
        birth = dt.date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        number = make_id_number(rng, district, birth, Gender.FEMALE)
        digest, masked = hash_id_number(number), mask_id_number(number)
    now = timezone.now()
    decided = status != VolunteerStatus.APPLICANT
    volunteer = Volunteer.objects.create(
        user=user,
        name=name,
        mobile=f"139{rng.randrange(10**8):08d}",
        id_number_hash=digest,
        id_number_masked=masked,
        birth_date=birth,
        community=community,
        district_code=district,
        is_in_service=in_service,
        work_unit=work_unit,
        member=member,
        consented_at=now,
        status=status,
        status_reason="多次报名后未到场，暂停三个月。" if status == VolunteerStatus.SUSPENDED else "",
        status_changed_by=_staff() if decided else None,
        status_changed_at=now if decided else None,
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.VOLUNTEER, region=community, organization=None)
    return volunteer
