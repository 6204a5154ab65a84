import pytest

from grids.services import organization_update
from portal.errors import NotAllowed


def test_a_secretary_may_rename_their_branch(world):
    organization_update(
        actor=world.haishu_secretary, organization=world.haishu_branch, name="朝阳一网格党支部"
    )
    world.haishu_branch.refresh_from_db()
    assert world.haishu_branch.name == "朝阳一网格党支部"


def test_a_secretary_may_not_move_their_branch(world):
    with pytest.raises(NotAllowed):
        organization_update(actor=world.haishu_secretary, organization=world.haishu_branch, parent=None)
    world.haishu_branch.refresh_from_db()
    assert world.haishu_branch.parent == world.haishu_committee


def test_moving_an_organization_moves_its_members_region(world):
    organization_update(
        actor=world.haishu_staff, organization=world.haishu_branch, region=world.haishu_community
    )
    assert {m.region_id for m in world.haishu_branch.members.all()} == {world.haishu_community.pk}


def test_the_secretary_must_be_one_of_its_members(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        organization_update(
            actor=world.haishu_staff, organization=world.haishu_branch, secretary=world.jiangbei_members[0]
        )
