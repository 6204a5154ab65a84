"""Factories shared by every app's tests."""

import datetime as dt
import itertools

import factory
from factory.django import DjangoModelFactory

from grids.models import MemberStatus, OrgKind, PartyMember, PartyOrganization, Region, RegionLevel
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


def assign(user: User, role: str, *, region: Region | None = None, organization=None) -> User:
    RoleAssignment.objects.create(
        user=user,
        role=role,
        region=region or (organization.region if organization else None),
        organization=organization,
    )
    return user


class World:
    """Two districts of Ningbo, each with a street, a community, a grid, a branch and members.

    The haishu_* objects and users are one district; the jiangbei_* objects are the outsider's.
    """

    def __init__(self) -> None:
        self.city = Region.objects.create(code="330200", name="宁波市", level=RegionLevel.CITY)
        for key, code, name in (("haishu", "330203", "海曙区"), ("jiangbei", "330205", "江北区")):
            district = Region.objects.create(
                code=code, name=name, level=RegionLevel.DISTRICT, parent=self.city
            )
            street = Region.objects.create(
                code=code + "001", name=f"{name}一街道", level=RegionLevel.STREET, parent=district
            )
            community = Region.objects.create(
                code=code + "001001", name=f"{name}一社区", level=RegionLevel.COMMUNITY, parent=street
            )
            grid = Region.objects.create(
                code=code + "001001001", name=f"{name}一网格", level=RegionLevel.GRID, parent=community
            )
            committee = OrganizationFactory(
                name=f"{name}一社区党委", kind=OrgKind.COMMITTEE, region=community
            )
            branch = OrganizationFactory(
                name=f"{name}一网格党支部", kind=OrgKind.GRID_BRANCH, region=grid, parent=committee
            )
            members = MemberFactory.create_batch(3, organization=branch)
            setattr(self, f"{key}", district)
            setattr(self, f"{key}_street", street)
            setattr(self, f"{key}_community", community)
            setattr(self, f"{key}_grid", grid)
            setattr(self, f"{key}_committee", committee)
            setattr(self, f"{key}_branch", branch)
            setattr(self, f"{key}_members", members)
        self.city_staff = assign(UserFactory(username="city"), Role.CITY_STAFF, region=self.city)
        self.haishu_staff = assign(UserFactory(username="haishu"), Role.DISTRICT_STAFF, region=self.haishu)
        self.haishu_street_staff = assign(
            UserFactory(username="haishu-street"), Role.STREET_STAFF, region=self.haishu_street
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
