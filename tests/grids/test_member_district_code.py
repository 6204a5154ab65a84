"""A member's district code follows its region through every write, so a district's staff and keys
(which filter on the code) see exactly the members below their district."""

import datetime as dt

from grids import services
from grids.models import PartyMember, district_code_of
from tests.factories import make_id_number


def codes_agree() -> bool:
    return all(
        m.district_code == district_code_of(m.region.path)
        for m in PartyMember.objects.select_related("region")
    )


def test_a_created_member_takes_its_district(world):
    id_number = make_id_number()
    member = services.member_create(
        actor=world.haishu_staff,
        organization=world.haishu_branch,
        id_number=id_number,
        name="欧阳娜娜",
        gender="M" if int(id_number[16]) % 2 else "F",
        birth_date=dt.date(1980, 5, 17),
        join_date=dt.date(2005, 7, 1),
    )
    assert member.district_code == world.haishu.code
    assert member in PartyMember.objects.visible_to(world.haishu_staff)
    assert member not in PartyMember.objects.visible_to(world.jiangbei_staff)


def test_a_member_moved_to_another_district_moves_with_it(world):
    member = world.haishu_members[0]
    services.member_update(actor=world.city_staff, member=member, organization=world.jiangbei_branch)
    member.refresh_from_db()
    assert member.district_code == world.jiangbei.code
    assert member in PartyMember.objects.visible_to(world.jiangbei_staff)
    assert member not in PartyMember.objects.visible_to(world.haishu_staff)
    assert codes_agree()


def test_an_organization_moved_to_another_district_takes_its_members(world):
    services.organization_update(
        actor=world.city_staff,
        organization=world.haishu_branch,
        region=world.jiangbei_grid,
        parent=world.jiangbei_committee,
    )
    assert set(PartyMember.objects.visible_to(world.jiangbei_staff)) >= set(world.haishu_members)
    assert not set(PartyMember.objects.visible_to(world.haishu_staff)) & set(world.haishu_members)
    assert codes_agree()


def test_the_world_and_its_factories_agree(world):
    assert codes_agree()
