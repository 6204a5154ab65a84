"""The member form offers only organizations the user may change, and keeps personal data write-only."""

import datetime as dt

import pytest

from grids import forms
from grids.forms import MemberForm
from grids.models import PartyMember
from grids.services import member_create
from portal.validators import id_gender
from tests.factories import make_id_number


def choice_ids(form: MemberForm) -> set[int]:
    return {int(value) for value, _label in form.fields["organization"].choices if value != ""}


def test_it_offers_only_organizations_in_the_change_scope(world):
    form = MemberForm(actor=world.haishu_staff)
    assert choice_ids(form) == {world.haishu_committee.pk, world.haishu_branch.pk}


def test_a_secretary_is_offered_their_branch_already_chosen(world):
    form = MemberForm(actor=world.haishu_secretary)
    assert choice_ids(form) == {world.haishu_branch.pk}
    assert form["organization"].value() == world.haishu_branch.pk


def test_child_organizations_are_indented_under_their_parent(world):
    labels = [label for value, label in MemberForm(actor=world.haishu_staff).fields["organization"].choices]
    assert labels[1:] == [
        "海曙区一社区党委（海曙区一社区）",
        "\u3000海曙区一网格党支部（海曙区一网格）",
    ]


def test_a_large_scope_becomes_a_number_box_still_limited_to_the_scope(world, monkeypatch):
    monkeypatch.setattr(forms, "ORGANIZATION_SELECT_LIMIT", 1)
    form = MemberForm({"organization": world.jiangbei_branch.pk}, actor=world.haishu_staff)
    assert 'type="number"' in str(form["organization"])
    assert not form.is_valid()
    assert form.errors["organization"] == ["找不到该党组织，或它不在您的管辖范围内。"]
    form = MemberForm({"organization": world.haishu_branch.pk}, actor=world.haishu_staff)
    form.is_valid()
    assert form.cleaned_data["organization"] == world.haishu_branch


@pytest.fixture
def member(world) -> PartyMember:
    id_number = make_id_number(dt.date(1975, 1, 2))
    return member_create(
        actor=world.haishu_staff,
        id_number=id_number,
        name="李建国",
        gender=id_gender(id_number),
        birth_date=dt.date(1975, 1, 2),
        join_date=dt.date(2000, 7, 1),
        organization=world.haishu_branch,
        mobile="13612345678",
    )


def edit_data(member: PartyMember, **overrides) -> dict:
    data = {
        "name": member.name,
        "gender": member.gender,
        "birth_date": member.birth_date.isoformat(),
        "join_date": member.join_date.isoformat(),
        "status": member.status,
        "organization": member.organization_id,
        "id_number": "",
        "mobile": "",
    }
    return {**data, **overrides}


def test_the_edit_form_never_holds_the_stored_mobile_or_id_number(world, member):
    form = MemberForm(actor=world.haishu_staff, member=member)
    html = str(form)
    assert "13612345678" not in html
    assert form["mobile"].value() is None and form["id_number"].value() is None
    assert "136****5678" in form.fields["mobile"].help_text
    assert member.id_number_masked in form.fields["id_number"].help_text


def test_on_edit_blank_id_number_and_mobile_keep_the_stored_ones(world, member):
    form = MemberForm(edit_data(member, name="李建军"), actor=world.haishu_staff, member=member)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == ""
    assert "mobile" not in form.cleaned_data  # the service then leaves the stored number alone


def test_on_edit_a_new_mobile_replaces_the_stored_one(world, member):
    form = MemberForm(edit_data(member, mobile="13712345678"), actor=world.haishu_staff, member=member)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "13712345678"
