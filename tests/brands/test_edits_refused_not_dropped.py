"""An edit that cannot be made is refused with a message, never dropped in silence: "修改已保存"
only when it was saved; an API field the endpoint does not take is a 400, not ignored under a 201."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from brands.models import ActivityRecord, BrandStatus
from tests.brands.factories import BrandFactory
from tests.brands.test_activity_api import URL, key_client, payload

SAVED = "修改已保存。"


def edit_form(brand, **overrides):
    data = {
        "name": brand.name,
        "organization": brand.organization_id,
        "category": brand.category,
        "level": brand.level,
        "year_launched": str(brand.year_launched),
        "slogan": brand.slogan,
        "summary": brand.summary,
        "story": brand.story,
        "tags": "",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("status", [BrandStatus.DRAFT, BrandStatus.PUBLISHED])
def test_moving_a_brand_outside_the_editors_rights_is_refused(client, world, status):
    brand = BrandFactory(organization=world.haishu_branch, status=status)
    client.force_login(world.haishu_secretary)
    response = client.post(
        reverse("brands:brand_edit", args=[brand.pk]),
        edit_form(brand, organization=world.jiangbei_branch.pk, story="新故事。"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert SAVED not in messages_of(response)
    brand.refresh_from_db()
    assert brand.organization == world.haishu_branch
    assert brand.story != "新故事。"  # nothing of the refused edit was saved


def test_the_owner_side_cannot_rename_a_published_brand(client, world):
    # The name was what the reviewer vouched for: a crafted post for a locked field is refused too.
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.PUBLISHED)
    client.force_login(world.haishu_secretary)
    response = client.post(
        reverse("brands:brand_edit", args=[brand.pk]),
        edit_form(brand, name="偷偷改名", story="新故事。"),
    )
    assert response.status_code == 200
    assert "只能由审核人修改" in response.content.decode()
    brand.refresh_from_db()
    assert brand.name != "偷偷改名"


def test_a_browser_form_with_the_locked_fields_left_out_saves(client, world):
    # Browsers do not send disabled inputs: their absence means "unchanged", not a change.
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.PUBLISHED, name="原名")
    client.force_login(world.haishu_secretary)
    data = edit_form(brand, story="新故事。")
    for name in ("name", "organization", "category", "level", "year_launched"):
        del data[name]
    response = client.post(reverse("brands:brand_edit", args=[brand.pk]), data)
    assert response.status_code == 302
    assert SAVED in messages_of(response)
    brand.refresh_from_db()
    assert (brand.name, brand.organization, brand.story) == ("原名", world.haishu_branch, "新故事。")


def test_a_reviewer_moves_a_published_brand_within_their_region(client, world):
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.PUBLISHED)
    client.force_login(world.haishu_staff)
    response = client.post(
        reverse("brands:brand_edit", args=[brand.pk]),
        edit_form(brand, organization=world.haishu_committee.pk),
    )
    assert response.status_code == 302 and SAVED in messages_of(response)
    brand.refresh_from_db()
    assert brand.organization == world.haishu_committee


def test_the_admin_shows_the_tag_limit_of_the_service(world, rf):
    from django.contrib import admin

    from brands.models import Brand, Tag
    from tests.factories import UserFactory

    brand = BrandFactory(organization=world.haishu_branch)
    tags = [Tag.objects.create(name=f"标签{i}") for i in range(9)]
    request = rf.get("/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    form_class = admin.site._registry[Brand].get_form(request, brand)
    data = {name: getattr(brand, name) for name in ("name", "category", "level", "year_launched")}
    form = form_class(
        {**data, "organization": brand.organization_id, "tags": [t.pk for t in tags]}, instance=brand
    )
    assert form.errors["tags"] == ["最多 8 个标签。"]


def test_the_api_refuses_a_field_it_does_not_take(world):
    # A misspelt field used to be dropped under a 201: the record was saved without the value.
    response = key_client(world.haishu, ["read", "activities:write"]).post(
        URL, payload(world, people_serverd=40), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"people_serverd": ["不支持的字段。"]}
    assert not ActivityRecord.objects.exists()
