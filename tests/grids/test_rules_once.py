"""Each grids rule is stated once, in the model or the service, and every way in meets it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from grids.models import OrgKind
from grids.services import member_create, member_update, organization_update
from portal.validators import id_gender
from tests.factories import OrganizationFactory, make_id_number

BIRTH = dt.date(1985, 3, 9)


def test_the_service_refuses_a_birth_date_and_sex_the_id_number_contradicts(world):
    # Before, only the form and the import checked this: a direct service call stored the typo.
    id_number = make_id_number(BIRTH)
    other = "F" if id_gender(id_number) == "M" else "M"
    with pytest.raises(ValidationError) as error:
        member_create(
            actor=world.haishu_staff,
            organization=world.haishu_branch,
            id_number=id_number,
            name="王小梅",
            gender=other,
            birth_date=dt.date(1985, 3, 10),
            join_date=dt.date(2010, 7, 1),
        )
    assert error.value.message_dict == {
        "birth_date": ["出生日期与身份证号不一致。"],
        "gender": ["性别与身份证号不一致。"],
    }


def test_a_new_id_number_is_held_to_the_stored_birth_date(world):
    member = world.haishu_members[0]
    id_number = make_id_number(BIRTH)  # the member was born on another day
    with pytest.raises(ValidationError) as error:
        member_update(
            actor=world.haishu_staff, member=member, id_number=id_number, gender=id_gender(id_number)
        )
    assert error.value.message_dict == {"birth_date": ["出生日期与身份证号不一致。"]}


def test_the_service_refuses_a_region_outside_the_parents(world):
    street_committee = OrganizationFactory(kind=OrgKind.COMMITTEE, region=world.haishu_street)
    with pytest.raises(ValidationError) as error:
        organization_update(
            actor=world.haishu_staff, organization=street_committee, parent=world.haishu_committee
        )
    assert error.value.message_dict == {"region": ["党组织须位于上级党组织所在区域之内。"]}


def test_a_page_shows_the_services_placement_error(client, world):
    street_committee = OrganizationFactory(kind=OrgKind.COMMITTEE, region=world.haishu_street)
    client.force_login(world.haishu_staff)
    response = client.post(
        f"/grids/organizations/{street_committee.pk}/edit/",
        {"name": street_committee.name, "kind": OrgKind.COMMITTEE, "region": world.haishu_street.code,
         "parent": world.haishu_committee.pk, "secretary": ""},
    )  # fmt: skip
    assert response.status_code == 200
    assert "党组织须位于上级党组织所在区域之内。" in response.content.decode()


def test_an_organization_cannot_be_moved_under_its_own_descendant(world):
    with pytest.raises(ValidationError) as error:
        organization_update(
            actor=world.haishu_staff, organization=world.haishu_committee, parent=world.haishu_branch
        )
    assert error.value.message_dict == {"parent": ["上级党组织不能是自身或下级。"]}


def test_a_service_refuses_a_field_it_does_not_know(world):
    with pytest.raises(TypeError, match="path"):
        organization_update(actor=world.haishu_staff, organization=world.haishu_branch, path="1/")
    with pytest.raises(TypeError, match="region"):
        member_update(actor=world.haishu_staff, member=world.haishu_members[0], region=world.haishu_grid)


def test_saving_a_member_unchanged_writes_no_history(world):
    member = world.haishu_members[0]
    records = member.history.count()
    member_update(actor=world.haishu_staff, member=member, name=member.name, status=member.status)
    assert member.history.count() == records


def test_a_change_is_recorded_with_its_author(world):
    member = world.haishu_members[0]
    member_update(actor=world.haishu_staff, member=member, work_unit="宁波市图书馆")
    assert member.history.latest("history_date").history_user == world.haishu_staff
