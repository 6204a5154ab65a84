"""Factories shared by every app's tests."""

import datetime as dt
import itertools
from dataclasses import dataclass

import factory
from factory.django import DjangoModelFactory

from grids.models import (
    MemberStatus,
    OrgKind,
    PartyMember,
    PartyOrganization,
    Region,
    RegionLevel,
    district_code_of,
)
from portal.models import Role, RoleAssignment, User
from portal.validators import id_check_digit

_id_serial = itertools.count(1)


def han_number(n: int, width: int = 4) -> str:
    """``n`` in Chinese digits (〇一二…): names are told apart and still pass the name rule."""
    return f"{n:0{width}d}".translate(str.maketrans("0123456789", "〇一二三四五六七八九"))


def make_id_number(birth: dt.date = dt.date(1980, 5, 17), area: str = "330203") -> str:
    """A valid GB 11643 number, different on every call."""
    first17 = f"{area}{birth:%Y%m%d}{next(_id_serial) % 1000:03d}"
    return first17 + id_check_digit(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"用户{han_number(n)}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234-word")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = PartyOrganization

    name = factory.Sequence(lambda n: f"第{n}党支部")
    kind = OrgKind.BRANCH

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        org = super()._create(model_class, *args, **kwargs)
        org.path = f"{org.parent.path if org.parent_id else ''}{org.pk}/"
        org.save(update_fields=["path"])
        return org


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = PartyMember

    name = factory.Sequence(lambda n: f"党员{han_number(n)}")
    gender = "M"
    birth_date = dt.date(1980, 5, 17)
    join_date = dt.date(2005, 7, 1)
    status = MemberStatus.FULL
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    region = factory.SelfAttribute("organization.region")
    district_code = factory.LazyAttribute(lambda member: district_code_of(member.region.path))


def assign(
    user: User, role: str, *, region: Region | None = None, organization: PartyOrganization | None = None
) -> User:
    RoleAssignment.objects.create(
        user=user,
        role=role,
        region=region or (organization.region if organization else None),
        organization=organization,
    )
    return user


@dataclass
class District:
    """One district's chain of places down to a grid, its party branch and the branch's members."""

    district: Region
    street: Region
    community: Region
    grid: Region
    committee: PartyOrganization  # the community's party committee
    branch: PartyOrganization  # the grid's branch, under the committee
    members: list[PartyMember]  # three members of the branch


def build_district(city: Region, code: str, name: str) -> District:
    district = Region.objects.create(code=code, name=name, level=RegionLevel.DISTRICT, parent=city)
    street = Region.objects.create(
        code=code + "001", name=f"{name}一街道", level=RegionLevel.STREET, parent=district
    )
    community = Region.objects.create(
        code=code + "001001", name=f"{name}一社区", level=RegionLevel.COMMUNITY, parent=street
    )
    grid = Region.objects.create(
        code=code + "001001001", name=f"{name}一网格", level=RegionLevel.GRID, parent=community
    )
    committee = OrganizationFactory(name=f"{name}一社区党委", kind=OrgKind.COMMITTEE, region=community)
    branch = OrganizationFactory(
        name=f"{name}一网格党支部", kind=OrgKind.GRID_BRANCH, region=grid, parent=committee
    )
    members = MemberFactory.create_batch(3, organization=branch)
    return District(district, street, community, grid, committee, branch, members)


class World:
    """Ningbo with two districts, each down to one grid branch with three members: the story of every
    scoping test.

    Haishu is "ours" and Jiangbei is the outsider's district. Who may see what (and so what each
    permission table expects):

    - ``city_staff`` sees and changes everything in both districts.
    - Haishu's staff at each level (``haishu_staff``, ``haishu_street_staff``, ``haishu_community_staff``)
      see and change everything below their place, review what is strictly below it, and see nothing of
      Jiangbei (404, not 403: another district's objects are not confirmed to exist).
    - ``haishu_secretary`` owns ``haishu_branch``: sees and changes the branch, its members, brands and
      activity records; sees nothing above it (not the committee, not the region tree) and reviews nothing.
    - ``jiangbei_staff`` and ``jiangbei_secretary`` are the same roles in the other district: the outsiders.
    - ``volunteer`` (in Haishu's community) holds no staff scope: staff pages are 403, objects are 404.
    - ``partner`` is a partner system's account placed in Haishu: partners work through API keys (see
      ``tests.harness.key_client``); the role grants a user session no scope, so like the volunteer it
      gets 403 on staff pages and 404 on objects, and changes nothing.
    """

    city: Region
    # Haishu: ours.
    haishu: Region
    haishu_street: Region
    haishu_community: Region
    haishu_grid: Region
    haishu_committee: PartyOrganization
    haishu_branch: PartyOrganization
    haishu_members: list[PartyMember]
    # Jiangbei: the outsider's district, built the same way.
    jiangbei: Region
    jiangbei_street: Region
    jiangbei_community: Region
    jiangbei_grid: Region
    jiangbei_committee: PartyOrganization
    jiangbei_branch: PartyOrganization
    jiangbei_members: list[PartyMember]
    # Users, by the place their one role is granted at.
    city_staff: User  # username "city": the whole city
    haishu_staff: User  # "haishu": Haishu district
    haishu_street_staff: User  # "haishu-street": Haishu's street
    haishu_community_staff: User  # "haishu-community": Haishu's community (reviews the branch's brands)
    haishu_secretary: User  # "haishu-sec": secretary of haishu_branch, the owner of its records
    jiangbei_staff: User  # "jiangbei": Jiangbei district, an outsider to everything of Haishu
    jiangbei_secretary: User  # "jiangbei-sec": secretary of jiangbei_branch
    volunteer: User  # "volunteer": a volunteer in Haishu's community, no staff scope
    partner: User  # "partner": a partner system's account in Haishu, changes nothing

    def __init__(self) -> None:
        self.city = Region.objects.create(code="330200", name="宁波市", level=RegionLevel.CITY)
        haishu = build_district(self.city, "330203", "海曙区")
        self.haishu = haishu.district
        self.haishu_street = haishu.street
        self.haishu_community = haishu.community
        self.haishu_grid = haishu.grid
        self.haishu_committee = haishu.committee
        self.haishu_branch = haishu.branch
        self.haishu_members = haishu.members
        jiangbei = build_district(self.city, "330205", "江北区")
        self.jiangbei = jiangbei.district
        self.jiangbei_street = jiangbei.street
        self.jiangbei_community = jiangbei.community
        self.jiangbei_grid = jiangbei.grid
        self.jiangbei_committee = jiangbei.committee
        self.jiangbei_branch = jiangbei.branch
        self.jiangbei_members = jiangbei.members

        self.city_staff = assign(UserFactory(username="city"), Role.CITY_STAFF, region=self.city)
        self.haishu_staff = assign(UserFactory(username="haishu"), Role.DISTRICT_STAFF, region=self.haishu)
        self.haishu_street_staff = assign(
            UserFactory(username="haishu-street"), Role.STREET_STAFF, region=self.haishu_street
        )
        self.haishu_community_staff = assign(
            UserFactory(username="haishu-community", real_name="林秀英"),
            Role.COMMUNITY_STAFF,
            region=self.haishu_community,
        )
        self.haishu_secretary = assign(
            UserFactory(username="haishu-sec"), Role.BRANCH_SECRETARY, organization=self.haishu_branch
        )
        self.jiangbei_staff = assign(
            UserFactory(username="jiangbei"), Role.DISTRICT_STAFF, region=self.jiangbei
        )
        self.jiangbei_secretary = assign(
            UserFactory(username="jiangbei-sec"), Role.BRANCH_SECRETARY, organization=self.jiangbei_branch
        )
        self.volunteer = assign(
            UserFactory(username="volunteer"), Role.VOLUNTEER, region=self.haishu_community
        )
        self.partner = assign(UserFactory(username="partner"), Role.PARTNER, region=self.haishu)
