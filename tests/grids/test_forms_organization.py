"""The organization form places an organization by region code, inside the user's scope."""

from grids.forms import OrganizationForm
from grids.models import OrgKind
from tests.factories import MemberFactory, OrganizationFactory


def data(**overrides) -> dict:
    return {"name": "新网格党支部", "kind": OrgKind.GRID_BRANCH, "region": "", "parent": "", **overrides}


def test_a_region_code_in_scope_is_accepted(world):
    form = OrganizationForm(
        data(region=world.haishu_grid.code, parent=world.haishu_committee.pk), actor=world.haishu_staff
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == world.haishu_grid


def test_an_unknown_region_code_is_refused(world):
    form = OrganizationForm(data(region="330203999999"), actor=world.haishu_staff)
    assert form.errors["region"] == ["找不到区划代码“330203999999”。"]


def test_a_region_out_of_scope_is_refused(world):
    form = OrganizationForm(data(region=world.jiangbei_grid.code), actor=world.haishu_staff)
    assert form.errors["region"] == ["该区域不在您的管辖范围内。"]


def test_a_parent_out_of_scope_is_refused(world):
    form = OrganizationForm(
        data(region=world.jiangbei_grid.code, parent=world.jiangbei_committee.pk), actor=world.haishu_staff
    )
    assert form.errors["parent"] == ["找不到该党组织，或它不在您的管辖范围内。"]


def test_the_region_must_lie_within_the_parents_region(world):
    street = OrganizationFactory(name="街道党工委", kind=OrgKind.COMMITTEE, region=world.haishu_street)
    form = OrganizationForm(
        data(region=world.haishu_street.code, parent=world.haishu_committee.pk), actor=world.haishu_staff
    )
    assert form.errors["region"] == ["党组织须位于上级党组织所在区域之内。"]
    form = OrganizationForm(data(region=world.haishu_grid.code, parent=street.pk), actor=world.haishu_staff)
    assert form.is_valid(), form.errors


def test_a_secretary_may_place_a_group_under_their_branch(world):
    # A secretary holds no region grant: the branch they run is what puts the region in reach.
    form = OrganizationForm(
        data(kind=OrgKind.GROUP, region=world.haishu_grid.code, parent=world.haishu_branch.pk),
        actor=world.haishu_secretary,
    )
    assert form.is_valid(), form.errors
    form = OrganizationForm(
        data(kind=OrgKind.GROUP, region=world.haishu_grid.code), actor=world.haishu_secretary
    )
    assert form.errors["region"] == ["该区域不在您的管辖范围内。"]


def test_editing_offers_no_parent_inside_the_organization_itself(world):
    group = OrganizationFactory(kind=OrgKind.GROUP, region=world.haishu_grid, parent=world.haishu_branch)
    form = OrganizationForm(actor=world.haishu_staff, organization=world.haishu_branch)
    parents = {int(value) for value, _ in form.fields["parent"].choices if value != ""}
    assert parents == {world.haishu_committee.pk}
    assert group.pk not in parents
    assert form["region"].value() == world.haishu_grid.code


def test_the_secretary_is_chosen_among_the_organizations_own_members(world):
    outsider = MemberFactory(organization=world.haishu_committee)
    form = OrganizationForm(actor=world.haishu_staff, organization=world.haishu_branch)
    secretaries = set(form.fields["secretary"].queryset)
    assert secretaries == set(world.haishu_members)
    assert outsider not in secretaries
    new = OrganizationForm(actor=world.haishu_staff)
    assert "secretary" not in new.fields
