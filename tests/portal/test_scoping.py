from grids.models import PartyMember, PartyOrganization, Region
from portal.scoping import Action, can


def test_district_staff_sees_only_their_district(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        # 1. the user's role assignments  2. the members
        members = list(PartyMember.objects.visible_to(world.haishu_staff))
    assert set(members) == set(world.haishu_members)


def test_branch_secretary_sees_their_organization_subtree_only(world):
    orgs = PartyOrganization.objects.visible_to(world.haishu_secretary)
    assert list(orgs) == [world.haishu_branch]
    assert not Region.objects.visible_to(world.haishu_secretary).exists()


def test_city_staff_sees_everything(world):
    assert PartyMember.objects.visible_to(world.city_staff).count() == 6


def test_volunteer_has_no_staff_scope(world):
    assert not PartyMember.objects.visible_to(world.volunteer).exists()


def test_can_answers_per_object(world):
    member = world.jiangbei_members[0]
    assert can(world.jiangbei_staff, Action.CHANGE, member)
    assert not can(world.haishu_staff, Action.CHANGE, member)
    assert not can(world.haishu_secretary, Action.VIEW, member)


def test_strict_scope_excludes_own_node(world):
    assert not can(world.haishu_staff, Action.REVIEW, world.haishu, strict=True)
    assert can(world.haishu_staff, Action.REVIEW, world.haishu_street, strict=True)
