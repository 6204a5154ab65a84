"""Demo data of the public-welfare market (公益集市): projects posted by communities and a social
organization, pledged by named Ningbo enterprises and social organizations, some received.

Credit codes are made with the real check character (portal.validators), deterministic per name,
so a second run finds every row and adds nothing. ``yongai_rep`` (a demo account, see seed_demo)
represents 宁波甬爱家电有限公司, an approved enterprise, and can pledge at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from grids.models import Region, RegionLevel
from portal.models import User
from portal.validators import CREDIT_CODE_ALPHABET, credit_code_check_char
from wishes.models import (
    Pledge,
    PledgeStatus,
    ProjectStatus,
    WelfareOrganization,
    WelfareOrgKind,
    WelfareProject,
)

DEMO_REPRESENTATIVE = "yongai_rep"
# The first two characters of a credit code: the registering authority and the kind of body
# (91 an enterprise at the market regulator, 52 a social service body at civil affairs, 12 a
# public institution at the establishment office).
CODE_PREFIX = {WelfareOrgKind.ENTERPRISE: "91", WelfareOrgKind.SOCIAL: "52", WelfareOrgKind.PUBLIC: "12"}

# (name, kind, district code, contact, mobile)
ORGANIZATIONS = (
    ("宁波甬爱家电有限公司", WelfareOrgKind.ENTERPRISE, "330203", "李永爱", "13805741101"),
    ("宁波月湖文化用品有限公司", WelfareOrgKind.ENTERPRISE, "330203", "孙月华", "13905742202"),
    ("宁波东钱湖食品有限公司", WelfareOrgKind.ENTERPRISE, "330212", "陈湖生", "13705743303"),
    ("宁波姚江建材有限公司", WelfareOrgKind.ENTERPRISE, "330281", "胡建江", "13605744404"),
    ("宁波港城物流有限公司", WelfareOrgKind.ENTERPRISE, "330206", "郑港城", "13505745505"),
    ("宁波市海曙区益心社会工作服务中心", WelfareOrgKind.SOCIAL, "330203", "王益心", "13805746606"),
    ("宁波市江北区暖阳志愿者协会", WelfareOrgKind.SOCIAL, "330205", "周暖阳", "13905747707"),
    ("宁波市鄞州区善邻公益服务社", WelfareOrgKind.SOCIAL, "330212", "林善邻", "13705748808"),
    ("宁波市海曙区图书馆", WelfareOrgKind.PUBLIC, "330203", "赵书香", "13605749909"),
)

# (title, district, posted by (None: the community), target ¥, goods, beneficiaries, days left,
#  pledges: (organization index, ¥, goods, received))
PROJECTS = (
    (
        "朝阳社区老年食堂助餐设备",
        "330203",
        None,
        "30000",
        "保温送餐车 2 台",
        "社区 80 岁以上独居、空巢老人约 120 人",
        45,
        ((0, "10000", "", True), (2, "", "保温送餐车 1 台", False), (4, "6000", "", False)),
    ),
    (
        "困境儿童新学期助学包",
        "330205",
        None,
        "12000",
        "书包文具 80 套",
        "辖区困境家庭和外来务工人员子女 80 名",
        30,
        ((1, "", "书包文具 80 套", True), (6, "3000", "", True), (0, "2000", "", False)),
    ),
    (
        "独居老人家用烟感报警器安装",
        "330212",
        None,
        "18000",
        "",
        "独居老人 300 户",
        60,
        ((2, "8000", "", True), (7, "2500", "", False)),
    ),
    (
        "社区爱心冰箱",
        "330206",
        None,
        None,
        "冷藏展示柜 1 台、每周新鲜蔬果",
        "社区困难群众和户外劳动者",
        20,
        ((4, "", "冷藏展示柜 1 台", False),),
    ),
    (
        "夏季送清凉·户外劳动者驿站",
        "330281",
        None,
        "5000",
        "矿泉水、防暑药品",
        "环卫工人、快递小哥等户外劳动者",
        15,
        ((3, "5000", "", True), (3, "", "矿泉水 200 箱", True)),
    ),
    (
        "“四点半课堂”志愿辅导图书角",
        "330203",
        5,
        "8000",
        "儿童图书 500 册",
        "放学后无人照看的小学生约 60 名",
        40,
        ((8, "", "儿童图书 300 册", True), (1, "1500", "", False)),
    ),
)
# One project already over: everything pledged has arrived.
CLOSED_PROJECT = (
    "重阳节敬老慰问",
    "330203",
    None,
    "6000",
    "",
    "社区 90 岁以上老人 40 名",
    -10,
    ((0, "3000", "", True), (5, "3000", "", True)),
)


def credit_code(name: str, kind: str, district: str) -> str:
    """A well-formed code, the same for the same name: prefix, area, 9 characters, check."""
    digest = hashlib.sha256(name.encode()).digest()
    body = "".join(CREDIT_CODE_ALPHABET[b % len(CREDIT_CODE_ALPHABET)] for b in digest[:9])
    first17 = f"{CODE_PREFIX[kind]}{district}{body}"
    return first17 + credit_code_check_char(first17)


def seed(*, scale: str, rng: random.Random, log: Callable[[str], None]) -> None:
    if not Region.objects.filter(level=RegionLevel.DISTRICT).exists():
        log("  market: no regions, skipped")
        return
    organizations = [_organization(i, *row) for i, row in enumerate(ORGANIZATIONS)]
    added = sum(_project(row, organizations, closed=False) for row in PROJECTS)
    added += _project(CLOSED_PROJECT, organizations, closed=True)
    log(f"  market: {len(organizations)} organizations, {added} projects added")


def _representative(index: int, contact: str) -> User:
    if index == 0:
        found = User.objects.filter(username=DEMO_REPRESENTATIVE).first()
        if found:
            return found
    user, created = User.objects.get_or_create(
        username=DEMO_REPRESENTATIVE if index == 0 else f"welfare_rep_{index}",
        defaults={"real_name": contact},
    )
    if created:
        user.set_unusable_password()  # the other representatives only sign the demo's pledges
        user.save(update_fields=["password"])
    return user


def _organization(
    index: int, name: str, kind: str, district: str, contact: str, mobile: str
) -> WelfareOrganization:
    region = Region.objects.get(code=district)
    org, _created = WelfareOrganization.objects.get_or_create(
        credit_code=credit_code(name, kind, district),
        defaults={
            "name": name,
            "kind": kind,
            "region": region,
            "contact_name": contact,
            "contact_mobile": mobile,
            "is_active": True,
        },
    )
    org.representatives.add(_representative(index, contact))
    return org


def _community(district: str) -> Region:
    from grids.demo import DEMO_COMMUNITY_CODE

    if district == DEMO_COMMUNITY_CODE[:6]:
        return Region.objects.get(code=DEMO_COMMUNITY_CODE)
    return (
        Region.objects.filter(level=RegionLevel.COMMUNITY, code__startswith=district).order_by("code").first()
    )


def _poster(district: str) -> User:
    username = "chaoyang_staff" if district == "330203" else "city_admin"
    return User.objects.filter(username=username).first() or User.objects.filter(is_superuser=True).first()


def _project(row: tuple, organizations: list[WelfareOrganization], *, closed: bool) -> int:
    title, district, posted_by, target, goods, beneficiaries, days, pledges = row
    org = organizations[posted_by] if posted_by is not None else None
    region = org.region if org else _community(district)
    if region is None or WelfareProject.objects.filter(title=title, region=region).exists():
        return 0
    project = WelfareProject.objects.create(
        title=title,
        description=_description(title, beneficiaries),
        region=region,
        posted_by_org=org,
        target_amount=Decimal(target) if target else None,
        target_goods=goods,
        beneficiaries=beneficiaries,
        deadline=timezone.localdate() + dt.timedelta(days=days),
        status=ProjectStatus.CLOSED if closed else ProjectStatus.OPEN,
        created_by=org.representatives.first() if org else _poster(district),
    )
    staff = _poster(district)
    for index, amount, gift, received in pledges:
        giver = organizations[index]
        pledge = Pledge.objects.create(
            project=project,
            organization=giver,
            amount=Decimal(amount) if amount else None,
            goods=gift,
            pledged_by=giver.representatives.first(),
            status=PledgeStatus.RECEIVED if received else PledgeStatus.PLEDGED,
            confirmed_by=staff if received else None,
            confirmed_at=timezone.now() if received else None,
        )
        if received and pledge.amount:
            WelfareProject.objects.filter(pk=project.pk).update(
                received_amount=F("received_amount") + pledge.amount
            )
    return 1


def _description(title: str, beneficiaries: str) -> str:
    return (
        f"{title}项目由社区党组织牵头，联合辖区爱心单位共同实施。受益对象：{beneficiaries}。"
        "认捐的资金和物资到位后由社区工作人员确认登记，使用情况在项目结束后公示。"
    )
