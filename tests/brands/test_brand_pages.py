"""Staff brand pages: who sees and does what, and the forms end to end."""

import pytest
from django.urls import reverse

from brands.models import Brand, BrandStatus
from portal.models import Role
from tests.brands.factories import BrandFactory, image_bytes, upload
from tests.factories import UserFactory, assign

# The brand belongs to the haishu grid branch; its secretary owns it, the community reviews it.
OWNER, REVIEWER = "haishu_secretary", "haishu_community_staff"


@pytest.fixture
def users(world):
    community = assign(
        UserFactory(username="haishu-community"), Role.COMMUNITY_STAFF, region=world.haishu_community
    )
    return {
        "anonymous": None,
        "volunteer": world.volunteer,
        "haishu_secretary": world.haishu_secretary,
        "haishu_community_staff": community,
        "haishu_staff": world.haishu_staff,
        "jiangbei_staff": world.jiangbei_staff,
        "jiangbei_secretary": world.jiangbei_secretary,
    }


def get(client, users, who: str, url: str):
    if users[who]:
        client.force_login(users[who])
    return client.get(url)


PERMISSIONS = [
    # (who, page, brand status, expected status code)
    ("anonymous", "brand_list", None, 302),
    ("volunteer", "brand_list", None, 403),
    ("haishu_secretary", "brand_list", None, 200),
    ("jiangbei_staff", "brand_list", None, 200),
    ("volunteer", "brand_create", None, 403),
    ("haishu_secretary", "brand_create", None, 200),
    ("anonymous", "brand_manage", "draft", 302),
    ("volunteer", "brand_manage", "draft", 403),
    ("haishu_secretary", "brand_manage", "draft", 200),
    ("haishu_staff", "brand_manage", "draft", 200),
    ("jiangbei_staff", "brand_manage", "draft", 404),
    ("jiangbei_secretary", "brand_manage", "draft", 404),
    ("haishu_secretary", "brand_edit", "draft", 200),
    ("haishu_community_staff", "brand_edit", "draft", 200),
    ("jiangbei_staff", "brand_edit", "draft", 404),
    ("haishu_secretary", "brand_edit", "archived", 302),  # back to the brand, with a message
    ("haishu_secretary", "brand_edit", "submitted", 302),
    ("haishu_secretary", "brand_history", "draft", 200),
    ("jiangbei_staff", "brand_history", "draft", 404),
    ("haishu_community_staff", "brand_review", "submitted", 200),
    ("haishu_staff", "brand_review", "submitted", 200),
    ("haishu_secretary", "brand_review", "submitted", 403),  # sees it, never reviews
    ("jiangbei_staff", "brand_review", "submitted", 404),
    ("haishu_secretary", "review_queue", None, 403),
    ("haishu_community_staff", "review_queue", None, 200),
]


@pytest.mark.parametrize(("who", "page", "status", "expected"), PERMISSIONS)
def test_staff_page_permissions(client, world, users, who, page, status, expected):
    args = []
    if status:
        args = [BrandFactory(organization=world.haishu_branch, status=status).pk]
    response = get(client, users, who, reverse(f"brands:{page}", args=args))
    assert response.status_code == expected


@pytest.mark.parametrize("action", ["brand_submit", "brand_withdraw", "brand_archive"])
def test_an_outsider_cannot_change_the_status(client, world, action):
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.PUBLISHED)
    client.force_login(world.jiangbei_staff)
    assert client.post(reverse(f"brands:{action}", args=[brand.pk])).status_code == 404
    brand.refresh_from_db()
    assert brand.status == BrandStatus.PUBLISHED


def test_an_outsider_cannot_edit(client, world):
    brand = BrandFactory(organization=world.haishu_branch, name="原名")
    client.force_login(world.jiangbei_staff)
    response = client.post(reverse("brands:brand_edit", args=[brand.pk]), {"name": "被改"})
    assert response.status_code == 404
    brand.refresh_from_db()
    assert brand.name == "原名"


def test_the_staff_list_shows_only_brands_in_scope(client, world):
    BrandFactory(organization=world.haishu_branch, name="海曙的品牌")
    BrandFactory(organization=world.jiangbei_branch, name="江北的品牌")
    client.force_login(world.jiangbei_staff)
    names = [b.name for b in client.get(reverse("brands:brand_list")).context["page"].object_list]
    assert names == ["江北的品牌"]


def brand_form(**overrides):
    data = {
        "name": "红色楼道长",
        "category": "serve_people",
        "level": "community",
        "year_launched": "2019",
        "slogan": "楼道有党员，事事有人管",
        "summary": "每个楼道一名党员楼道长。",
        "story": "2019 年起试点。\n\n如今覆盖全部楼道。",
        "tags": "邻里互助，为老服务、楼道治理",
    }
    data.update(overrides)
    return data


def test_a_secretary_registers_submits_and_the_community_publishes(client, world, users):
    client.force_login(world.haishu_secretary)
    cover = upload(image_bytes("JPEG", (2400, 1350)), "封面 原图.jpg")
    response = client.post(
        reverse("brands:brand_create"), brand_form(organization=world.haishu_branch.pk, cover_upload=cover)
    )
    brand = Brand.objects.get(name="红色楼道长")
    assert response.status_code == 302 and response.url == reverse("brands:brand_manage", args=[brand.pk])
    assert brand.cover and brand.cover_thumbnail and "封面" not in brand.cover.name
    assert sorted(t.name for t in brand.tags.all()) == ["为老服务", "楼道治理", "邻里互助"]

    client.post(reverse("brands:brand_submit", args=[brand.pk]))
    brand.refresh_from_db()
    assert brand.status == BrandStatus.SUBMITTED

    client.force_login(users[REVIEWER])
    queue = client.get(reverse("brands:review_queue")).context["page"].object_list
    assert [b.pk for b in queue] == [brand.pk]
    review = reverse("brands:brand_review", args=[brand.pk])
    response = client.post(review, {"decision": "return", "reason": ""})
    assert response.status_code == 200 and "退回时请填写原因" in response.content.decode()
    response = client.post(review, {"decision": "approve"})
    assert response.status_code == 302
    brand.refresh_from_db()
    assert brand.status == BrandStatus.PUBLISHED
    assert client.get(reverse("brands:brand_detail", args=[brand.pk])).status_code == 200


def test_a_form_with_a_fake_cover_changes_nothing(client, world):
    client.force_login(world.haishu_secretary)
    fake = upload(b"%PDF-1.7 not an image", "cover.jpg")
    response = client.post(
        reverse("brands:brand_create"), brand_form(organization=world.haishu_branch.pk, cover_upload=fake)
    )
    assert response.status_code == 200
    assert "仅支持 JPEG、PNG、WebP" in response.content.decode()
    assert not Brand.objects.exists()


def test_the_organization_choices_are_limited_to_the_users_scope(client, world):
    client.force_login(world.haishu_secretary)
    response = client.post(reverse("brands:brand_create"), brand_form(organization=world.jiangbei_branch.pk))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Brand.objects.exists()


def test_a_duplicate_name_is_a_form_error(client, world):
    BrandFactory(organization=world.jiangbei_branch, name="红色楼道长")
    client.force_login(world.haishu_secretary)
    response = client.post(reverse("brands:brand_create"), brand_form(organization=world.haishu_branch.pk))
    assert "name" in response.context["form"].errors


def test_a_published_brand_form_locks_the_identity_for_the_owner(client, world):
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.PUBLISHED, name="原名")
    client.force_login(world.haishu_secretary)
    url = reverse("brands:brand_edit", args=[brand.pk])
    assert client.get(url).context["form"].fields["name"].widget.attrs["disabled"]
    response = client.post(
        url, brand_form(name="偷偷改名", organization=world.haishu_branch.pk, story="新故事。")
    )
    # Issue 6: a crafted change of a locked field is refused, not dropped with "修改已保存"
    # (this test used to expect a 302 that saved the story and silently kept the name).
    assert response.status_code == 200
    brand.refresh_from_db()
    assert (brand.name, brand.status) == ("原名", BrandStatus.PUBLISHED)
    assert brand.story != "新故事。"


def test_the_history_page_shows_who_changed_what(client, world):
    client.force_login(world.haishu_secretary)
    client.post(reverse("brands:brand_create"), brand_form(organization=world.haishu_branch.pk))
    brand = Brand.objects.get()
    client.post(
        reverse("brands:brand_edit", args=[brand.pk]),
        brand_form(organization=world.haishu_branch.pk, slogan="新的口号", tags="邻里互助"),
    )
    client.force_login(world.haishu_staff)
    response = client.get(reverse("brands:brand_history", args=[brand.pk]))
    entries = response.context["entries"]
    changes = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert changes["一句话介绍"] == ("楼道有党员，事事有人管", "新的口号")
    assert changes["标签"] == ("为老服务、楼道治理、邻里互助", "邻里互助")
    assert entries[0].who == world.haishu_secretary.display_name
    assert entries[-1].reason == "创建"


def test_the_history_page_costs_the_same_queries_however_long(client, world, django_assert_num_queries):
    from brands.services.brands import brand_update

    brand = BrandFactory(organization=world.haishu_branch)
    client.force_login(world.haishu_staff)
    url = reverse("brands:brand_history", args=[brand.pk])
    client.get(url)  # warm the session

    def measure() -> None:
        with django_assert_num_queries(7):
            # 1. session  2. user  3. role assignments (scope)  4. the brand
            # 5. history entries with their users  6. their tag snapshots  7. organizations named
            client.get(url)

    measure()
    for i in range(10):
        brand_update(actor=world.haishu_staff, brand=brand, slogan=f"口号{i}", tags=[f"标签{i}"])
    measure()


def test_a_secretary_finds_their_branch_preselected(client, world):
    client.force_login(world.haishu_secretary)
    form = client.get(reverse("brands:brand_create")).context["form"]
    assert form.initial["organization"] == world.haishu_branch.pk


def test_removing_a_gallery_image_deletes_its_files(client, world, django_capture_on_commit_callbacks):
    brand = BrandFactory(organization=world.haishu_branch)
    client.force_login(world.haishu_secretary)
    client.post(reverse("brands:gallery_add", args=[brand.pk]), {"images": [upload(image_bytes("JPEG"))]})
    image = brand.images.get()
    storage, names = image.image.storage, [image.image.name, image.thumbnail.name]
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("brands:gallery_remove", args=[brand.pk, image.pk]))
    assert response.status_code == 302
    assert not brand.images.exists()
    assert not any(storage.exists(name) for name in names)
    assert (
        brand.history.order_by("-history_date", "-history_id")
        .first()
        .history_change_reason.startswith("删除图集图片")
    )
