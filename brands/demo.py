"""Demo data for brands: the brand programs of the reports, their activity records, a few bases.

The fourteen brands named in DESIGN.md sit under their real districts and owner organizations
(found by region name in the tree grids.demo built; created when missing). Their stories,
recognitions and figures are written for the demo: plausible, not quoted facts. Activity records
cover the last twelve months: the brand's own activities, and the regular organizational life
(三会一课, 主题党日) of the owner and of the grid branches below it, with a few months missed so
that the compliance page has something to show. At the city scale, a few hundred generated
community brands are added to exercise the wall.

Idempotent: a brand is looked up by name, an organization that already has activity records
gets no more, a base by name, and slots only when a base has none ahead.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from brands import demo_life
from brands.images import ProcessedImage, versions
from brands.models import (
    ActivityKind,
    ActivityPhoto,
    ActivityRecord,
    BaseSlot,
    Brand,
    BrandCategory,
    BrandImage,
    BrandLevel,
    BrandStatus,
    OrgLifeBase,
    Recognition,
    RecognitionLevel,
    Tag,
)
from grids.demo import CITY_CODE, CITY_NAME, DISTRICTS, MemberMaker, load, refresh_statistics
from grids.models import (
    BRANCH_KINDS,
    OrgKind,
    PartyMember,
    PartyOrganization,
    Region,
    RegionLevel,
    street_codes,
)
from portal import history
from portal.models import User

Log = Callable[[str], None]

DISTRICT_CODES = {name: code for code, name in DISTRICTS.items()}
DATA = Path(__file__).with_name("demo_data")
FONT_PATHS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
)
FONT_INDEX_SC = 2  # in the Noto CJK collections: JP, KR, SC, TC, HK
MONTHS = 12
COMMITTEE_MEMBERS = 8  # members of a district committee the seeder creates (机关党员)
EXTRA_BRANDS = {"small": 0, "city": 300}
LIFE_FOR_EVERY_BRANCH = {"city"}  # a year of 三会一课 for all 14,700 branches: not for the small demo


@dataclass(frozen=True)
class DemoBrand:
    name: str
    district: str
    street: str | None  # None: the district's own committee owns it
    community: str | None  # None: the street's committee owns it
    category: str
    level: str
    year: int
    slogan: str
    summary: str
    story: str
    tags: tuple[str, ...]
    recognitions: tuple[tuple[str, str, int], ...]
    kinds: tuple[str, ...]  # the kinds of its own activities
    topics: tuple[str, ...]
    places: tuple[str, ...]
    colour: tuple[int, int, int]
    served: tuple[int, int] = (15, 60)  # people served per activity
    captions: tuple[str, ...] = ("活动现场", "党员与群众面对面")


def _demo_brand(data: dict[str, Any]) -> DemoBrand:
    recognitions = tuple((r["title"], RecognitionLevel(r["level"]), r["year"]) for r in data["recognitions"])
    return DemoBrand(
        **{
            **data,
            "category": BrandCategory(data["category"]),
            "level": BrandLevel(data["level"]),
            "story": "\n\n".join(data["story"]),
            "tags": tuple(data["tags"]),
            "recognitions": recognitions,
            "kinds": tuple(ActivityKind(kind) for kind in data["kinds"]),
            "topics": tuple(data["topics"]),
            "places": tuple(data["places"]),
            "colour": tuple(data["colour"]),
            "served": tuple(data["served"]),
            "captions": tuple(data["captions"]),
        }
    )


# The stories are data (demo_data/*.json); the code below only places and draws them.
_BRANDS = load(DATA / "brands.json")
BRANDS: tuple[DemoBrand, ...] = tuple(_demo_brand(b) for b in _BRANDS["brands"])
# Brands not yet on the wall, for the staff pages: (name, status, reason) in 朝阳社区's first grid.
PENDING_BRANDS = tuple((b["name"], BrandStatus(b["status"]), b["return_reason"]) for b in _BRANDS["pending"])
# Names of the generated community brands of the city scale: "<community>·<pattern>".
EXTRA_PATTERNS: tuple[str, ...] = tuple(_BRANDS["generated_patterns"])

_ACTIVITIES = load(DATA / "activities.json")
# Regular organizational life: kind -> (every n months, topics; a theme day's by calendar month).
REGULAR = {
    ActivityKind(kind): (rule["every_months"], tuple(rule["topics"]))
    for kind, rule in _ACTIVITIES["regular"].items()
}
REGULAR_LIFE_KINDS = {*BRANCH_KINDS, OrgKind.GENERAL_BRANCH}
MISSED_SHARE = 0.08  # months a branch failed to hold a meeting: the compliance page shows them
RECORD_SUMMARIES: tuple[str, ...] = tuple(_ACTIVITIES["record_summaries"])
GIFTS: tuple[str, ...] = tuple(_ACTIVITIES["gifts"])
BASES: tuple[dict[str, Any], ...] = tuple(_ACTIVITIES["bases"])


# --- Places and owners ------------------------------------------------------------------------


class Places:
    """Finds regions by name under their district (one query for the lot), creating what is missing.

    A committee it has to create gets a few members of its own, one of them its secretary, so that
    it holds organizational life and has someone to lead it, like every organization of the tree.
    """

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random(0)
        self._maker: MemberMaker | None = None
        self.added: dict[str, int] = {"regions": 0, "organizations": 0, "members": 0}  # for the log
        regions = Region.objects.filter(
            Q(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET])
            | Q(name__in=[b.community for b in BRANDS if b.community])
        )
        self.by_key = {self._key(r.path, r.name): r for r in regions}
        self.city = next((r for r in regions if r.level == RegionLevel.CITY and r.code == CITY_CODE), None)

    @staticmethod
    def _key(path: str, name: str) -> tuple[str, str]:
        return path[:14], name  # the district's path prefix, and the name

    def district(self, name: str) -> Region:
        code = DISTRICT_CODES[name]
        region = Region.objects.filter(code=code).first()
        if region is None:
            region = self._create(code, name, RegionLevel.DISTRICT, self._city())
        return region

    def _city(self) -> Region:
        if self.city is None:
            self.city = self._create(CITY_CODE, CITY_NAME, RegionLevel.CITY, None)
        return self.city

    def find(self, district: Region, name: str, level: str, parent: Region) -> Region:
        region = self.by_key.get((district.path[:14], name))
        if region is None or region.level != level:
            region = Region.objects.filter(path__startswith=parent.path, name=name, level=level).first()
        return region or self._create(self._free_code(parent), name, level, parent)

    @staticmethod
    def _free_code(parent: Region) -> str:
        # Demo-made codes count down from 999: the generated tree counts up from 001.
        taken = set(Region.objects.filter(parent=parent).values_list("code", flat=True))
        return next(
            f"{parent.code}{n:03d}" for n in range(999, 0, -1) if f"{parent.code}{n:03d}" not in taken
        )

    def _create(self, code: str, name: str, level: str, parent: Region | None) -> Region:
        region = Region(code=code, name=name, level=level, parent=parent)
        region.save()
        self.added["regions"] += 1
        return region

    def committee(self, region: Region, parent: PartyOrganization | None) -> PartyOrganization:
        org = PartyOrganization.objects.create(
            name=_committee_name(region), kind=OrgKind.COMMITTEE, region=region, parent=parent
        )
        org.path = f"{parent.path if parent else ''}{org.pk}/"
        district = region.path.split("/")[1]  # the district code: ID numbers and work units
        size = COMMITTEE_MEMBERS if region.level == RegionLevel.DISTRICT else COMMITTEE_MEMBERS // 2
        members = PartyMember.objects.bulk_create(
            self.maker().make(
                self.rng, organization_id=org.pk, region_id=region.pk, district=district, leader=i < 2
            )
            for i in range(size)
        )
        org.secretary = members[0]
        org.save(update_fields=["path", "secretary"])
        self.added["organizations"] += 1
        self.added["members"] += len(members)
        return org

    def maker(self) -> MemberMaker:
        if self._maker is None:
            # ID numbers are unique: the maker draws again on a hash someone already has.
            hashes = PartyMember.objects.exclude(id_number_hash=None).values_list("id_number_hash", flat=True)
            self._maker = MemberMaker(set(hashes.order_by()), timezone.localdate())
        return self._maker


def owner_for(places: Places, spec: DemoBrand) -> PartyOrganization:
    """The organization leading the brand's place: the oldest one there, or a new committee."""
    district = places.district(spec.district)
    region, parent_org = district, None
    if spec.street:
        region = places.find(district, spec.street, RegionLevel.STREET, district)
        if spec.community:
            parent_org = lead_organization(region)
            region = places.find(district, spec.community, RegionLevel.COMMUNITY, region)
    return lead_organization(region) or places.committee(region, parent_org)


def lead_organization(region: Region) -> PartyOrganization | None:
    kinds = [OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH, OrgKind.BRANCH]
    return PartyOrganization.objects.filter(region=region, kind__in=kinds).order_by("id").first()


def _committee_name(region: Region) -> str:
    if region.level == RegionLevel.DISTRICT:
        return f"中共{region.name}委"
    if region.name.endswith("街道"):
        return f"{region.name}党工委"
    return f"{region.name}党委"


# --- Images -----------------------------------------------------------------------------------


def _font(size: int) -> ImageFont.FreeTypeFont | None:
    for path in FONT_PATHS:
        if path.exists():
            try:
                return ImageFont.truetype(str(path), size, index=FONT_INDEX_SC)
            except OSError:
                continue
    return None  # a fresh machine without CJK fonts: the cards carry no text


def _shade(colour: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)  # type: ignore[return-value]


def draw_card(title: str, subtitle: str, colour: tuple[int, int, int], size: tuple[int, int]) -> Image.Image:
    """A simple poster: a diagonal gradient, a few soft circles, the title and a subtitle."""
    width, height = size
    top, bottom = _shade(colour, 1.15), _shade(colour, 0.62)
    gradient = Image.linear_gradient("L").rotate(-35).resize(size)
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), gradient)
    draw = ImageDraw.Draw(image, "RGBA")
    for cx, cy, r in ((0.85, 0.2, 0.35), (0.1, 0.95, 0.3), (0.7, 1.0, 0.18)):
        x, y, radius = cx * width, cy * height, r * height
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(255, 255, 255, 28))
    draw.rectangle(
        (0.07 * width, 0.62 * height, 0.07 * width + 0.08 * height, 0.63 * height), fill=(242, 193, 78)
    )
    title_font, sub_font = _font(int(height * 0.13)), _font(int(height * 0.05))
    if title_font and sub_font:
        draw.text((0.07 * width, 0.42 * height), title, font=title_font, fill="white", anchor="ls")
        draw.text((0.07 * width, 0.72 * height), subtitle, font=sub_font, fill=(255, 246, 220), anchor="ls")
    return image


def processed_card(
    title: str, subtitle: str, colour: tuple[int, int, int], size: tuple[int, int]
) -> ProcessedImage:
    # The same display and thumbnail sizes an upload gets; drawn here, so there is no EXIF to strip.
    return versions(draw_card(title, subtitle, colour, size))


# --- Brands -----------------------------------------------------------------------------------


def _ensure_tags(names: Iterable[str]) -> dict[str, Tag]:
    names = set(names)
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    return {t.name: t for t in Tag.objects.filter(name__in=names)}


def _published_at(rng: random.Random, year: int) -> dt.datetime:
    day = dt.date(max(year, 2019), 1, 1) + dt.timedelta(days=rng.randrange(0, 300))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def create_brand(
    spec: DemoBrand, owner: PartyOrganization, reviewer: User | None, rng: random.Random
) -> Brand:
    published_at = _published_at(rng, spec.year)
    brand = Brand(
        name=spec.name, organization=owner, region_id=owner.region_id, category=spec.category,
        level=spec.level, year_launched=spec.year, slogan=spec.slogan, summary=spec.summary,
        story=spec.story, status=BrandStatus.PUBLISHED, reviewed_by=reviewer,
        submitted_at=published_at - dt.timedelta(days=rng.randint(3, 20)), published_at=published_at,
    )  # fmt: skip
    cover = processed_card(spec.name, spec.slogan, spec.colour, (1600, 900))
    brand.cover.save("cover.jpg", cover.display, save=False)
    brand.cover_thumbnail.save("cover.jpg", cover.thumbnail, save=False)
    history.attribute(brand, actor=None, reason="演示数据")
    brand.save()
    brand.tags.set(_ensure_tags(spec.tags).values())
    Recognition.objects.bulk_create(
        Recognition(brand=brand, title=title, level=level, year=year)
        for title, level, year in spec.recognitions
    )
    for position, caption in enumerate(spec.captions, start=1):
        shade = _shade(spec.colour, 0.8 + 0.25 * position)
        gallery = processed_card(caption, spec.name, shade, (960, 640))
        item = BrandImage(brand=brand, caption=caption, position=position)
        item.image.save("image.jpg", gallery.display, save=False)
        item.thumbnail.save("image.jpg", gallery.thumbnail, save=False)
        item.save()
    return brand


def ensure_pending_brands() -> int:
    """A submitted, a returned and a draft brand in 朝阳社区, for the review queue and staff pages."""
    community = Region.objects.filter(name="朝阳社区", level=RegionLevel.COMMUNITY).order_by("code").first()
    branch = (
        PartyOrganization.objects.filter(region__parent=community).order_by("region__code", "id").first()
        if community
        else None
    )
    if branch is None:
        return 0
    secretary = User.objects.filter(party_member__organization=branch).first()
    added = 0
    for name, status, reason in PENDING_BRANDS:
        if Brand.objects.filter(name=name).exists():
            continue
        submitted = status in (BrandStatus.SUBMITTED, BrandStatus.RETURNED)
        brand = Brand(
            name=name, organization=branch, region_id=branch.region_id,
            category=BrandCategory.SERVE_PEOPLE, level=BrandLevel.COMMUNITY, year_launched=2023,
            slogan="楼里的事，楼里的党员先管起来", summary=f"{branch.name}试点的网格服务项目。",
            story="由网格党支部书记牵头，楼道党员分工负责。\n\n试点半年，正在总结经验。",
            status=status, return_reason=reason, created_by=secretary,
            submitted_by=secretary if submitted else None,
            submitted_at=timezone.now() - dt.timedelta(days=3) if submitted else None,
        )  # fmt: skip
        history.attribute(brand, actor=secretary, reason="演示数据")
        brand.save()
        added += 1
    return added


# --- Activity records -------------------------------------------------------------------------


@dataclass
class RecordPlan:
    records: list[ActivityRecord] = field(default_factory=list)
    attendees: list[list[int]] = field(default_factory=list)

    def add(self, record: ActivityRecord, attendee_ids: list[int]) -> None:
        record.attendee_count = len(attendee_ids)
        self.records.append(record)
        self.attendees.append(attendee_ids)

    def save(self) -> int:
        codes = street_codes()
        for record in self.records:
            record.street_code = codes[record.region_id]
        saved = ActivityRecord.objects.bulk_create(self.records, batch_size=2000)
        through = ActivityRecord.attendees.through
        rows = [
            through(activityrecord_id=record.pk, partymember_id=member_id)
            for record, ids in zip(saved, self.attendees, strict=True)
            for member_id in ids
        ]
        through.objects.bulk_create(rows, batch_size=5000)
        return len(saved)


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    firsts, month = [], today.replace(day=1)
    for _ in range(count):
        firsts.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return firsts[::-1]


def _moment(rng: random.Random, month: dt.date, today: dt.date, hours: Iterable[int]) -> dt.datetime | None:
    last_day = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    last_day = min(last_day, today - dt.timedelta(days=1))
    if last_day < month:
        return None
    day = month + dt.timedelta(days=rng.randrange((last_day - month).days + 1))
    moment = dt.datetime.combine(day, dt.time(rng.choice(list(hours)), rng.choice((0, 30))))
    return timezone.make_aware(moment)


class RecordMaker:
    def __init__(self, rng: random.Random, today: dt.date) -> None:
        self.rng = rng
        self.today = today
        self.months = _months_back(today, MONTHS)

    def _record(
        self, org, pool, kind, topic, place, start, hours, share, **extra
    ) -> tuple[ActivityRecord, list[int]]:
        ids = self.rng.sample(pool, k=min(len(pool), max(1, round(len(pool) * share)))) if pool else []
        record = ActivityRecord(
            organization_id=org.pk, region_id=org.region_id, kind=kind, topic=topic[:120], place=place,
            started_at=start, ended_at=start + dt.timedelta(hours=hours), member_count=len(pool), **extra,
        )  # fmt: skip
        return record, ids

    def brand_activities(self, plan: RecordPlan, brand: Brand, spec: DemoBrand, org, pool, creator) -> None:
        rng = self.rng
        for month in self.months:
            for _ in range(rng.randint(2, 3)):
                start = _moment(rng, month, self.today, (9, 14, 19))
                if start is None:
                    continue
                place = rng.choice(spec.places)
                topic = rng.choice(spec.topics).format(place=place, item=rng.choice(GIFTS))
                kind = rng.choice(spec.kinds)
                served = rng.randint(*spec.served)
                satisfaction = Decimal(rng.randint(880, 1000)) / 10 if rng.random() < 0.7 else None
                summary = rng.choice(RECORD_SUMMARIES).format(asks=rng.randint(3, 12), done=rng.randint(1, 3))
                record, ids = self._record(
                    org, pool, kind, topic, place, start, rng.choice((1.5, 2, 2.5, 3)), rng.uniform(0.4, 0.8),
                    brand=brand, summary=summary, people_served=served, satisfaction=satisfaction,
                    other_participants=rng.randint(0, 30), created_by_id=creator,
                )  # fmt: skip
                plan.add(record, ids)

    def regular_life(
        self, plan: RecordPlan, org, pool, place: str, creator, brand: Brand | None = None
    ) -> None:
        rng = self.rng
        for index, month in enumerate(self.months):
            for kind, (every, topics) in REGULAR.items():
                if (month.month - 1) % every or rng.random() < MISSED_SHARE:
                    continue
                start = _moment(rng, month, self.today, (9, 14, 19))
                if start is None:
                    continue
                topic = (
                    topics[month.month - 1] if kind == ActivityKind.THEME_DAY else topics[index % len(topics)]
                )
                on_brand = brand if kind == ActivityKind.THEME_DAY and rng.random() < 0.4 else None
                record, ids = self._record(
                    org, pool, kind, topic, place, start, 1.5, rng.uniform(0.75, 1.0),
                    brand=on_brand, summary="", created_by_id=creator,
                    people_served=rng.randint(10, 40) if kind == ActivityKind.THEME_DAY else 0,
                )  # fmt: skip
                plan.add(record, ids)


def _member_pools(orgs: list[PartyOrganization]) -> dict[int, list[int]]:
    """Each organization's members, its subtree's for a committee (one query)."""
    query = Q()
    for org in orgs:
        query |= Q(organization__path__startswith=org.path)
    rows = PartyMember.objects.filter(query).values_list("pk", "organization__path") if orgs else []
    pools: dict[int, list[int]] = {org.pk: [] for org in orgs}
    for member_id, path in rows:
        for org in orgs:
            if path.startswith(org.path) and len(pools[org.pk]) < 60:
                pools[org.pk].append(member_id)
    return pools


def _creators(orgs: list[PartyOrganization]) -> dict[int, int]:
    """The organization's secretary's account, where it has one (the demo secretary's branch)."""
    rows = PartyOrganization.objects.filter(pk__in=[o.pk for o in orgs], secretary__user__isnull=False)
    return dict(rows.values_list("pk", "secretary__user_id"))


def ensure_records(brands: list[tuple[Brand, DemoBrand]], rng: random.Random, log: Log) -> int:
    owners = {brand.organization_id: brand.organization for brand, _ in brands}
    branches = list(
        PartyOrganization.objects.branches().filter(
            parent_id__in=[o.pk for o in owners.values() if o.region.level == RegionLevel.COMMUNITY]
        )
    )
    orgs = [*owners.values(), *branches]
    recorded = set(
        ActivityRecord.objects.filter(organization__in=orgs).values_list("organization_id", flat=True)
    )
    todo = [o for o in orgs if o.pk not in recorded]
    pools, creators = _member_pools(todo), _creators(todo)
    maker, plan = RecordMaker(rng, timezone.localdate()), RecordPlan()
    brand_of = {brand.organization_id: (brand, spec) for brand, spec in brands}
    for org in todo:
        creator = creators.get(org.pk)
        if org.pk in brand_of:
            brand, spec = brand_of[org.pk]
            maker.brand_activities(plan, brand, spec, org, pools[org.pk], creator)
            # 三会一课 is a branch's duty; a committee's members hold it in their own branches.
            if org.kind in REGULAR_LIFE_KINDS:
                maker.regular_life(plan, org, pools[org.pk], spec.places[0], creator, brand)
        else:
            maker.regular_life(plan, org, pools[org.pk], f"{org.region.name}党员活动室", creator)
    added = plan.save()
    add_photos(plan.records, brands, rng)
    return added


def add_photos(
    records: list[ActivityRecord], brands: list[tuple[Brand, DemoBrand]], rng: random.Random
) -> None:
    """A photo on each brand's two latest activities, so the brand timeline shows some."""
    specs = {brand.pk: spec for brand, spec in brands}
    latest: dict[int, list[ActivityRecord]] = {}
    for record in sorted(records, key=lambda r: r.started_at, reverse=True):
        if record.brand_id in specs and len(latest.setdefault(record.brand_id, [])) < 2:
            latest[record.brand_id].append(record)
    for brand_id, chosen in latest.items():
        spec = specs[brand_id]
        for record in chosen:
            photo = processed_card(
                rng.choice(spec.captions), record.topic[:16], _shade(spec.colour, 1.1), (800, 600)
            )
            item = ActivityPhoto(activity=record, position=0)
            item.image.save("photo.jpg", photo.display, save=False)
            item.thumbnail.save("photo.jpg", photo.thumbnail, save=False)
            item.save()


# --- City scale: many generated community brands ------------------------------------------------


def ensure_extra_brands(count: int, rng: random.Random) -> int:
    if count <= 0:
        return 0
    communities = list(
        PartyOrganization.objects.filter(region__level=RegionLevel.COMMUNITY)
        .select_related("region")
        .order_by("region__code")[: count * 2]
    )
    taken = set(Brand.objects.values_list("name", flat=True))
    tags = _ensure_tags(EXTRA_PATTERNS[:8])
    new = []
    for org in communities:
        base = org.region.name.removesuffix("社区").removesuffix("村")
        name = f"{base}·{EXTRA_PATTERNS[len(new) % len(EXTRA_PATTERNS)]}"
        if name in taken or len(new) >= count:
            continue
        taken.add(name)
        new.append(
            Brand(
                name=name,
                organization=org,
                region_id=org.region_id,
                category=rng.choice(BrandCategory.values),
                level=BrandLevel.COMMUNITY,
                year_launched=rng.randint(2012, 2023),
                slogan="党建引领，服务居民",
                summary=f"{org.name}打造的社区服务品牌。",
                story="社区党组织牵头，党员带头参与。",
                status=BrandStatus.PUBLISHED,
                published_at=timezone.now() - dt.timedelta(days=rng.randint(30, 900)),
            )  # fmt: skip
        )
    created = Brand.objects.bulk_create(new, batch_size=1000)
    through = Brand.tags.through
    through.objects.bulk_create(
        [through(brand_id=b.pk, tag_id=tags[EXTRA_PATTERNS[i % 8]].pk) for i, b in enumerate(created)],
        ignore_conflicts=True,
    )
    plan, today = RecordPlan(), timezone.localdate()
    for brand in created:
        for month in _months_back(today, MONTHS):
            start = _moment(rng, month, today, (9, 14, 19))
            if start:
                plan.add(
                    ActivityRecord(
                        organization_id=brand.organization_id,
                        region_id=brand.region_id,
                        brand=brand,
                        kind=ActivityKind.VOLUNTEER,
                        topic=f"{brand.name}月度服务",
                        started_at=start,
                        ended_at=start + dt.timedelta(hours=2),
                        people_served=rng.randint(10, 80),
                        other_participants=rng.randint(0, 20),
                    ),  # fmt: skip
                    [],
                )
    plan.save()
    return len(created)


# --- Bases --------------------------------------------------------------------------------------


def ensure_bases(places: Places, today: dt.date) -> tuple[int, int]:
    bases_added = slots_added = 0
    for spec in BASES:
        district = places.district(spec["district"])
        street = places.find(district, spec["street"], RegionLevel.STREET, district)
        theme = spec["theme"]
        base, created = OrgLifeBase.objects.get_or_create(
            name=spec["name"],
            defaults={
                "region": street, "address": spec["address"], "theme": theme, "capacity": spec["capacity"],
                "description": f"{theme}主题的开放式组织生活基地，面向全市党支部开放预约，可开展主题党日、党课等组织生活。",
            },
        )  # fmt: skip
        bases_added += created
        if not BaseSlot.objects.filter(base=base, starts_at__gte=timezone.now()).exists():
            slots_added += len(BaseSlot.objects.bulk_create(_slots(base, today)))
    return bases_added, slots_added


def _slots(base: OrgLifeBase, today: dt.date) -> list[BaseSlot]:
    slots = []
    for offset in range(1, 29):
        day = today + dt.timedelta(days=offset)
        if day.weekday() not in (1, 3, 5):  # Tuesday, Thursday, Saturday
            continue
        for hour in (9, 14):
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
            slots.append(
                BaseSlot(
                    base=base, starts_at=start, ends_at=start + dt.timedelta(hours=2), capacity=base.capacity
                )
            )
    return slots


# --- Entry point ----------------------------------------------------------------------------------


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    """Add the demo brands, their records and the bases that are missing."""
    started = time.monotonic()
    places = Places(rng)
    reviewer = User.objects.filter(username="city_admin").first()
    existing = {
        b.name: b
        for b in Brand.objects.filter(name__in=[s.name for s in BRANDS]).select_related(
            "organization__region"
        )
    }
    pairs, added = [], 0
    for spec in BRANDS:
        brand = existing.get(spec.name)
        if brand is None:
            brand = create_brand(spec, owner_for(places, spec), reviewer, rng)
            added += 1
        pairs.append((brand, spec))
    log(f"  brands: {added} added ({time.monotonic() - started:.1f}s)")
    if any(places.added.values()):  # owners the tree did not have (a district's own committee)
        log(
            "  places and owners for the brands: "
            + ", ".join(f"{k} {n} added" for k, n in places.added.items())
        )
    log(f"  brands awaiting review or in draft: {ensure_pending_brands()} added")
    began = time.monotonic()
    log(f"  activity records: {ensure_records(pairs, rng, log):,} added ({time.monotonic() - began:.1f}s)")
    extra = ensure_extra_brands(EXTRA_BRANDS.get(scale, 0) - _extra_present(), rng)
    if extra:
        log(f"  generated community brands: {extra} added")
    bases, slots = ensure_bases(places, timezone.localdate())
    log(f"  organizational-life bases: {bases} added, {slots} slots added")
    if scale in LIFE_FOR_EVERY_BRANCH:
        began = time.monotonic()
        topics = {kind: topics for kind, (_, topics) in REGULAR.items()}
        added = demo_life.seed_life(
            city_path=f"{CITY_CODE}/", topics=topics, base=rng.randrange(2**32), log=log
        )
        log(
            f"  organizational life of every branch: {added:,} records added ({time.monotonic() - began:.1f}s)"
        )
        if added:  # the planner must know the tables' new size (see grids.demo.refresh_statistics)
            tables = (ActivityRecord, ActivityRecord.attendees.through)
            transaction.on_commit(lambda: refresh_statistics(tables))


def _extra_present() -> int:
    return Brand.objects.filter(name__contains="·").count()
