"""Demo data for the grids app: Ningbo's region tree, its party organizations and their members.

Real where it can be: the city, its 10 districts and their 156 streets and towns carry their
official names and codes (统计用区划代码 2023), and the communities and villages the reports
name (朝阳社区, 大港社区, 谢家路村, 毛岙村 …) carry their real names. Everything else is
generated. Community and grid codes follow the official pattern (residents' committees
numbered from 001, villages from 201) but are not the official ones.

Generation is deterministic per position in the tree: a node's name, code, organization and
members depend only on the seed and its position, never on how many siblings the scale asks
for. So the small scale is a corner of the city scale, and a second run only fills in what is
missing (regions by code, one organization per region, members for branches that have none).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from grids.models import (
    LEVEL_ORDER,
    Gender,
    MemberStatus,
    OrgKind,
    PartyMember,
    PartyOrganization,
    Region,
    RegionLevel,
)
from portal.privacy import hash_id_number, mask_id_number
from portal.validators import id_check_digit

Log = Callable[[str], None]


# The places and the people are data (demo_data/*.json); the code below only combines them.
DATA = Path(__file__).with_name("demo_data")


def load(path: Path) -> dict[str, Any]:
    """A demo data file (JSON, UTF-8); keys starting with "_" are comments."""
    return json.loads(path.read_text(encoding="utf-8"))


_PLACES = load(DATA / "places.json")
CITY_CODE, CITY_NAME = _PLACES["city"]["code"], _PLACES["city"]["name"]
DISTRICTS: dict[str, str] = _PLACES["districts"]
# Streets (街道) and towns (镇/乡) with the last three digits of their official codes.
STREETS: dict[str, dict[str, str]] = _PLACES["streets"]
# Streets shown first, and so kept by the small scale: where the brand programs happen.
FEATURED_STREETS: dict[str, list[str]] = _PLACES["featured_streets"]
# Real communities and villages, first in their street.
KNOWN_COMMUNITIES: dict[str, list[str]] = _PLACES["known_communities"]

# Where the demo accounts sit: 海曙区 › 西门街道 › 朝阳社区, home of 一人一岗.
DEMO_DISTRICT_CODE = "330203"
DEMO_STREET_CODE = "330203003"
DEMO_COMMUNITY_CODE = "330203003001"

# The real figures (DESIGN.md): 2,892 communities, ~14,700 grid branches, 300,000 members.
CITY_COMMUNITIES = 2892
CITY_GRIDS = 14700
CITY_MEMBERS = 300_000
COMMITTEE_MEMBERS = 3  # members of a street's or community's own organization
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    streets: tuple[int, int] | None  # per district; None: all of them
    communities: tuple[int, int] | int  # per street, or a city-wide total
    grids: tuple[int, int] | int  # per community, or a city-wide total
    members: tuple[int, int] | int  # per branch, or a city-wide total (committees included)


SCALES = {
    "small": Scale(streets=(2, 3), communities=(2, 3), grids=(2, 3), members=(8, 12)),
    "city": Scale(streets=None, communities=CITY_COMMUNITIES, grids=CITY_GRIDS, members=CITY_MEMBERS),
}


# --- Names -------------------------------------------------------------------------------

_PEOPLE = load(DATA / "people.json")
# Surnames by frequency in Zhejiang (weights in per mille).
_SURNAME_CHARS = list(_PEOPLE["surnames"])
_SURNAME_CUM = list(accumulate(_PEOPLE["surnames"].values()))
# Given names by sex and generation: whole names, first characters, second characters.
GIVEN_NAMES: dict[str, dict[str, dict[str, list[str]]]] = _PEOPLE["given_names"]
# Bases for generated communities (…社区) and pieces of village names (…村).
COMMUNITY_BASES: list[str] = _PEOPLE["community_bases"]
VILLAGE_PREFIXES: list[str] = _PEOPLE["village_prefixes"]
VILLAGE_FEATURES: list[str] = _PEOPLE["village_features"]
WORK_UNITS: list[str] = _PEOPLE["work_units"]
DISTRICT_WORK_UNITS: list[str] = _PEOPLE["district_work_units"]
MOBILE_PREFIXES: list[str] = _PEOPLE["mobile_prefixes"]
# Where members born outside Ningbo come from (新宁波人): area codes of their ID numbers.
OTHER_AREAS: list[str] = _PEOPLE["other_areas"]
ELSEWHERE: list[str] = _PEOPLE["elsewhere"]
CN_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 30 -> 三十, 45 -> 四十五 (grid numbers stay below 100)."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CN_DIGITS[ones]
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def make_id_number(rng: random.Random, area: str, birth: dt.date, gender: str) -> str:
    """A valid GB 11643 number: the 17th digit is odd for men, even for women."""
    seq = rng.randrange(0, 1000)
    seq -= (seq % 2) != (gender == Gender.MALE)
    first17 = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


# --- The plan: what the tree should contain -----------------------------------------------


@dataclass
class Node:
    code: str
    name: str
    level: str
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    members: int = 0  # how many members the organization leading this node gets

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def walk(self, level: str) -> Iterator[Node]:
        if self.level == level:
            yield self
            return
        for child in self.children:
            yield from child.walk(level)


def _node_rng(base: int, *parts: str) -> random.Random:
    # One generator per position: a node's content never depends on its siblings' count.
    return random.Random("/".join((str(base), *parts)))


def _ordered_streets(district: str) -> list[str]:
    featured = FEATURED_STREETS.get(district, [])
    return featured + [s for s in STREETS[district] if s not in featured]


def _communities(base: int, street_code: str, street_name: str) -> Iterator[tuple[str, str]]:
    """(code, name) of the street's communities in order: real ones first, then generated."""
    rng = _node_rng(base, street_code, "communities")
    # Streets are mostly residents' communities, towns mostly villages.
    village_share = 0.15 if street_name.endswith("街道") else 0.85
    used: set[str] = set()
    known = iter(KNOWN_COMMUNITIES.get(street_code, []))
    serial = {"社区": 0, "村": 200}
    while True:
        name = next(known, None) or _generated_community(rng, village_share, used)
        used.add(name)
        kind = "村" if name.endswith("村") else "社区"
        serial[kind] += 1
        yield f"{street_code}{serial[kind]:03d}", name


def _generated_community(rng: random.Random, village_share: float, used: set[str]) -> str:
    while True:
        if rng.random() >= village_share:
            name = rng.choice(COMMUNITY_BASES) + "社区"
        elif rng.random() < 0.4:
            name = _surname(rng) + "家" + rng.choice(VILLAGE_FEATURES) + "村"
        else:
            name = rng.choice(VILLAGE_PREFIXES) + rng.choice(VILLAGE_FEATURES + _SURNAME_CHARS[:12]) + "村"
        if name not in used:
            return name


def _surname(rng: random.Random) -> str:
    return _SURNAME_CHARS[bisect(_SURNAME_CUM, rng.random() * _SURNAME_CUM[-1])]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), summing exactly."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: counts[i] - raw[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _counts(spec: tuple[int, int] | int, n: int, rng: random.Random) -> list[int]:
    if isinstance(spec, tuple):
        return [rng.randint(*spec) for _ in range(n)]
    return _apportion(spec, [rng.uniform(0.5, 1.5) for _ in range(n)])


def build_plan(scale: Scale, base: int) -> Node:
    """The whole tree for a scale, as plain objects (17,759 nodes for the city)."""
    rng = random.Random(base)
    city = Node(CITY_CODE, CITY_NAME, RegionLevel.CITY)
    streets = []
    for code, name in DISTRICTS.items():
        district = city.add(Node(code, name, RegionLevel.DISTRICT))
        ordered = _ordered_streets(code)
        keep = len(ordered) if scale.streets is None else rng.randint(*scale.streets)
        for suffix in sorted(ordered[:keep]):
            street_code = code + suffix
            streets.append(district.add(Node(street_code, STREETS[code][suffix], RegionLevel.STREET)))
    for street, n in zip(streets, _counts(scale.communities, len(streets), rng), strict=True):
        generated = _communities(base, street.code, street.name)
        for _ in range(max(n, 1)):
            code, name = next(generated)
            street.add(Node(code, name, RegionLevel.COMMUNITY))
    communities = list(city.walk(RegionLevel.COMMUNITY))
    for community, n in zip(communities, _counts(scale.grids, len(communities), rng), strict=True):
        for i in range(1, max(n, 1) + 1):
            name = f"{community.name}第{chinese_ordinal(i)}网格"
            community.add(Node(f"{community.code}{i:03d}", name, RegionLevel.GRID))
    # A street's or community's own organization has its committee as members, the secretary
    # first (an organization's secretary is one of its members); the rest are in the branches.
    committees = [*streets, *communities]
    for node in committees:
        node.members = COMMITTEE_MEMBERS
    budget = scale.members
    if not isinstance(budget, tuple):
        budget -= COMMITTEE_MEMBERS * len(committees)
    grids = list(city.walk(RegionLevel.GRID))
    for grid, n in zip(grids, _counts(budget, len(grids), rng), strict=True):
        grid.members = max(n, 3)  # a branch has at least 3 full members (党章)
    return city


# --- Organizations -------------------------------------------------------------------------


def organization_for(node: Node, base: int) -> tuple[str, str]:
    """(name, kind) of the organization that leads a street, community or grid."""
    if node.level == RegionLevel.STREET:
        return node.name + ("党工委" if node.name.endswith("街道") else "党委"), OrgKind.COMMITTEE
    roll = _node_rng(base, node.code, "organization").random()
    if node.level == RegionLevel.COMMUNITY:
        if roll < 0.6:
            return f"{node.name}党委", OrgKind.COMMITTEE
        return f"{node.name}党总支", OrgKind.GENERAL_BRANCH
    # A grid: mostly 一网格一支部; its first grid always has a full branch (the demo secretary's).
    if node.name.endswith("第一网格") or roll >= 0.16:
        return f"{node.name}党支部", OrgKind.GRID_BRANCH
    if roll < 0.03:
        return f"{node.name}前哨支部", OrgKind.OUTPOST_BRANCH
    if roll < 0.05:
        return f"{node.name}区域综合党支部", OrgKind.REGIONAL_BRANCH
    return f"{node.name}党小组", OrgKind.GROUP


# --- Members -------------------------------------------------------------------------------


class MemberMaker:
    """Builds realistic, unsaved members; ID numbers are unique against ``taken`` hashes."""

    def __init__(self, taken: set[str], today: dt.date) -> None:
        self.taken = taken
        self.today = today

    def make(
        self, rng: random.Random, *, organization_id: int, region_id: int, district: str, leader: bool
    ) -> PartyMember:
        gender = Gender.MALE if rng.random() < (0.62 if leader else 0.58) else Gender.FEMALE
        age = rng.randint(38, 62) if leader else self._age(rng)
        birth = self.today - dt.timedelta(days=int(age * 365.25) + rng.randint(0, 364))
        probationary = not leader and age < 45 and rng.random() < 0.08
        join = self._join_date(rng, birth, probationary)
        id_number, digest = self._unique_id_number(rng, district, birth, gender)
        in_service = age < 60 and rng.random() < 0.45
        mobile_member = not leader and age < 55 and rng.random() < 0.05
        return PartyMember(
            name=_surname(rng) + self._given_name(rng, gender, birth.year),
            gender=gender,
            birth_date=birth,
            join_date=join,
            status=MemberStatus.PROBATIONARY if probationary else MemberStatus.FULL,
            organization_id=organization_id,
            region_id=region_id,
            district_code=district,
            mobile=self._mobile(rng) if leader or rng.random() < 0.95 else "",
            id_number_hash=digest,
            id_number_masked=mask_id_number(id_number),
            is_central_household=age >= 30 and rng.random() < (0.15 if leader else 0.06),
            is_in_service=in_service or mobile_member,
            work_unit=self._work_unit(rng, district, mobile_member) if in_service or mobile_member else "",
            is_mobile_member=mobile_member,
        )

    @staticmethod
    def _age(rng: random.Random) -> int:
        # Community members skew old: many are retirees (a quarter over 65 in the reports' branches).
        low, high = rng.choices(((20, 30), (31, 45), (46, 60), (61, 75), (76, 92)), (12, 24, 26, 25, 13))[0]
        return rng.randint(low, high)

    def _join_date(self, rng: random.Random, birth: dt.date, probationary: bool) -> dt.date:
        if probationary:  # admitted within the last year (预备期一年)
            return self.today - dt.timedelta(days=rng.randint(20, 340))
        # The 18th birthday (1 March for those born on 29 February).
        eighteen = dt.date(birth.year + 18, birth.month, 1) + dt.timedelta(days=birth.day - 1)
        # Full members were admitted over a year ago, mostly in their twenties.
        span = max(0, (self.today - dt.timedelta(days=400) - eighteen).days)
        return eighteen + dt.timedelta(days=int(rng.triangular(0, span, min(span, 6 * 365))))

    @staticmethod
    def _mobile(rng: random.Random) -> str:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"

    @staticmethod
    def _given_name(rng: random.Random, gender: str, born: int) -> str:
        era = "old" if born < 1966 else "mid" if born < 1986 else "young"
        names = GIVEN_NAMES[gender][era]
        if rng.random() < 0.5:
            return rng.choice(names["whole"])
        if rng.random() < 0.8:
            return rng.choice(names["first"]) + rng.choice(names["second"])
        return rng.choice(names["second"])

    def _unique_id_number(
        self, rng: random.Random, district: str, birth: dt.date, gender: str
    ) -> tuple[str, str]:
        """The number and its keyed hash; a number someone already has is drawn again."""
        area = district if rng.random() < 0.85 else rng.choice(OTHER_AREAS)
        while True:
            id_number = make_id_number(rng, area, birth, gender)
            digest = hash_id_number(id_number)
            if digest not in self.taken:
                self.taken.add(digest)
                return id_number, digest

    @staticmethod
    def _work_unit(rng: random.Random, district: str, elsewhere: bool) -> str:
        if elsewhere:
            return f"外出务工（{rng.choice(ELSEWHERE)}）"
        if rng.random() < 0.3:
            return DISTRICTS[district] + rng.choice(DISTRICT_WORK_UNITS)
        return rng.choice(WORK_UNITS)


# --- Writing -------------------------------------------------------------------------------


class Seeder:
    def __init__(self, plan: Node, base: int, log: Log) -> None:
        self.plan = plan
        self.base = base
        self.log = log
        self.regions: dict[str, Region] = {}
        self.orgs: dict[str, PartyOrganization] = {}  # by region code: the region's lead organization
        # New organizations (their path) and those given a secretary, saved in one pass at the end.
        self.unsaved: dict[int, PartyOrganization] = {}

    def run(self) -> None:
        self._timed("regions added", self.ensure_regions)
        self._timed("organizations added", self.ensure_organizations)
        self._timed("members added", self.ensure_members)
        self._timed("organizations given a path or secretary", self.save_organizations)

    def _timed(self, what: str, step: Callable[[], int]) -> None:
        started = time.monotonic()
        count = step()
        self.log(f"  {what}: {count:,} ({time.monotonic() - started:.1f}s)")

    def ensure_regions(self) -> int:
        self.regions = {r.code: r for r in Region.objects.filter(path__startswith=f"{CITY_CODE}/")}
        added = 0
        for level in LEVEL_ORDER:  # parents first: children need their ids and paths
            missing = []
            for node in self.plan.walk(level):
                if node.code in self.regions:
                    continue
                parent = self.regions[node.parent.code] if node.parent else None
                missing.append(
                    Region(
                        code=node.code,
                        name=node.name,
                        level=node.level,
                        parent=parent,
                        path=Region.build_path(parent, node.code),
                    )
                )
            for region in Region.objects.bulk_create(missing, batch_size=BATCH):
                self.regions[region.code] = region
            added += len(missing)
        return added

    def ensure_organizations(self) -> int:
        by_region: dict[int, PartyOrganization] = {}
        # The oldest organization of a region leads it (later ones were added by people).
        existing = PartyOrganization.objects.filter(region__path__startswith=f"{CITY_CODE}/").order_by("-id")
        for org in existing.only("id", "region_id", "path", "secretary_id"):
            by_region[org.region_id] = org
        for level in (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID):
            missing = []
            for node in self.plan.walk(level):
                region = self.regions[node.code]
                if region.pk in by_region:
                    self.orgs[node.code] = by_region[region.pk]
                    continue
                name, kind = organization_for(node, self.base)
                parent = self.orgs.get(node.parent.code) if level != RegionLevel.STREET else None
                missing.append(PartyOrganization(name=name, kind=kind, region=region, parent=parent))
            # PostgreSQL and SQLite >= 3.35 return the new ids; the path needs them.
            for org in PartyOrganization.objects.bulk_create(missing, batch_size=BATCH):
                org.path = f"{org.parent.path if org.parent else ''}{org.pk}/"
                self.orgs[org.region.code] = org
                self.unsaved[org.pk] = org
        return len(self.unsaved)

    def ensure_members(self) -> int:
        # order_by(): the default ordering would otherwise join the DISTINCT and the sort.
        in_city = PartyMember.objects.filter(region__path__startswith=f"{CITY_CODE}/").order_by()
        populated = set(in_city.values_list("organization_id", flat=True).distinct())
        hashes = PartyMember.objects.exclude(id_number_hash=None).order_by()
        maker = MemberMaker(set(hashes.values_list("id_number_hash", flat=True)), timezone.localdate())
        secretaries: list[tuple[PartyOrganization, PartyMember]] = []
        batch: list[PartyMember] = []
        added = 0
        for node in self._organized():
            org = self.orgs[node.code]
            if org.pk in populated:
                continue
            members = self._members_of(maker, node, org)
            secretaries.append((org, members[0]))
            batch.extend(members)
            if len(batch) >= BATCH:
                added += len(PartyMember.objects.bulk_create(batch, batch_size=BATCH))
                batch = []
        added += len(PartyMember.objects.bulk_create(batch, batch_size=BATCH))
        for org, member in secretaries:  # the members have their ids now
            if org.secretary_id is None:
                org.secretary_id = member.pk
                self.unsaved[org.pk] = org
        return added

    def _organized(self) -> Iterator[Node]:
        for level in (RegionLevel.STREET, RegionLevel.COMMUNITY, RegionLevel.GRID):
            yield from self.plan.walk(level)

    def _members_of(self, maker: MemberMaker, node: Node, org: PartyOrganization) -> list[PartyMember]:
        """The organization's members; the first ones (its secretary, a committee's members) lead."""
        rng = _node_rng(self.base, node.code, "members")
        region_id = self.regions[node.code].pk
        district = node.code[:6]
        leading = 1 if node.level == RegionLevel.GRID else node.members
        return [
            maker.make(
                rng, organization_id=org.pk, region_id=region_id, district=district, leader=i < leading
            )
            for i in range(node.members)
        ]

    def save_organizations(self) -> int:
        # Existing organizations were loaded with their path, so saving it back changes nothing.
        orgs = list(self.unsaved.values())
        return PartyOrganization.objects.bulk_update(orgs, ["path", "secretary"], batch_size=1000)


def refresh_statistics(models: Iterable[type[Model]] = (Region, PartyOrganization, PartyMember)) -> None:
    """VACUUM ANALYZE the bulk-loaded tables (PostgreSQL).

    Until autovacuum gets to them, the planner believes they are nearly empty: it estimated 23
    regions for the city's 17,759 and hash-joined the organization list (150 ms instead of
    0.1 ms). VACUUM also sets the visibility map, which index-only scans (counts) rely on.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    """Build (or top up) the region tree, organizations and members for ``scale``."""
    base = rng.randrange(2**32)
    plan = build_plan(SCALES[scale], base)
    with transaction.atomic():
        Seeder(plan, base, log).run()
        # VACUUM cannot run inside a transaction: after the outermost one commits.
        transaction.on_commit(refresh_statistics)
