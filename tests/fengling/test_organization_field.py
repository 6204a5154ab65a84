"""The field (领域) of an organization, which decides the indicator set its members are scored by, is
chosen in the product by staff of the organization's region. Haishu's staff set it for Haishu's
branch; Jiangbei's staff get a 404 (the branch is not confirmed to exist), Haishu's secretary a 403
(the branch is theirs to see, not theirs to classify). A bad value changes nothing."""

import pytest
from django.urls import reverse

from fengling import selectors
from fengling.models import Field, OrganizationField


def url(organization) -> str:
    return reverse("fengling:organization_field", args=[organization.pk])


def test_district_staff_set_the_field_and_the_member_page_shows_it(client, world):
    client.force_login(world.haishu_staff)
    response = client.post(url(world.haishu_branch), {"field": Field.TWO_NEW})
    assert response.status_code == 302
    assert OrganizationField.objects.get(organization=world.haishu_branch).field == Field.TWO_NEW
    page = client.get(reverse("fengling:member", args=[world.haishu_members[0].pk])).content.decode()
    assert '<span id="fl-member-field">两新组织</span>' in page
    assert url(world.haishu_branch) in page


def test_the_change_is_attributed(client, world):
    client.force_login(world.haishu_staff)
    client.post(url(world.haishu_branch), {"field": Field.ORGAN})
    record = OrganizationField.objects.get(organization=world.haishu_branch).history.get()
    assert (record.history_user, record.history_change_reason) == (world.haishu_staff, "设置所属领域")


def test_a_branch_inherits_its_committees_field_until_it_sets_its_own(client, world):
    client.force_login(world.haishu_staff)
    client.post(url(world.haishu_committee), {"field": Field.STATE_ENTERPRISE})
    assert selectors.field_source(world.haishu_branch) == (Field.STATE_ENTERPRISE, world.haishu_committee.pk)
    page = client.get(url(world.haishu_branch)).content.decode()
    assert world.haishu_committee.name in page and '<dd id="fl-field">国有企业</dd>' in page
    client.post(url(world.haishu_branch), {"field": Field.INSTITUTION})
    assert selectors.field_of(world.haishu_branch) == Field.INSTITUTION
    client.post(url(world.haishu_branch), {"field": ""})  # back to inheriting
    assert selectors.field_of(world.haishu_branch) == Field.STATE_ENTERPRISE
    assert not OrganizationField.objects.filter(organization=world.haishu_branch).exists()


def test_scoring_follows_the_field(client, world):
    client.force_login(world.haishu_staff)
    client.post(url(world.haishu_branch), {"field": Field.RURAL})
    behaviours = selectors.behaviours_for(world.haishu_members[0])
    assert {b.indicator_set.field for b in behaviours.select_related("indicator_set")} == {Field.RURAL}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("jiangbei_staff", 404),  # another district: not confirmed to exist
        ("jiangbei_secretary", 404),
        ("haishu_secretary", 403),  # sees the branch, does not choose its field
        ("volunteer", 403),  # no change right anywhere: the page's gate
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_cannot_set_it(client, world, who, expected, method):
    client.force_login(getattr(world, who))
    response = getattr(client, method)(url(world.haishu_branch), {"field": Field.ORGAN})
    assert response.status_code == expected
    assert not OrganizationField.objects.exists()


def test_the_secretary_is_not_offered_the_link(client, world):
    client.force_login(world.haishu_secretary)
    page = client.get(reverse("fengling:member", args=[world.haishu_members[0].pk])).content.decode()
    assert '<span id="fl-member-field">社区</span>' in page
    assert url(world.haishu_branch) not in page


@pytest.mark.parametrize("value", ["moon", "x" * 500, "<script>"])
def test_a_bad_value_is_a_form_error_and_changes_nothing(client, world, value):
    client.force_login(world.haishu_staff)
    response = client.post(url(world.haishu_branch), {"field": value})
    assert response.status_code == 200
    assert response.context["form"].errors["field"]
    assert not OrganizationField.objects.exists()


def test_an_id_past_any_bigint_is_a_404(client, world):
    client.force_login(world.city_staff)
    assert client.get(f"/fengling/organizations/{10**30}/field/").status_code == 404
