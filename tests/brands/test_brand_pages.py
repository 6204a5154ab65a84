"""Staff pages of the brands app (brands, activity records, bases): who sees and does what, and the
brand forms end to end."""

import pytest
from django.urls import reverse

from brands.images import process_upload
from brands.models import Brand, BrandStatus
from brands.services.bases import slot_book
from brands.services.brands import brand_image_add
from tests.brands.activity_factories import SlotFactory, jpeg, recorded
from tests.brands.activity_factories import form_data as activity_form
from tests.brands.factories import BrandFactory, RecognitionFactory, image_bytes, upload
from tests.harness import domain_rows

# The brand belongs to the haishu grid branch; its secretary owns it, the community reviews it.
OWNER, REVIEWER = "haishu_secretary", "haishu_community_staff"


@pytest.fixture
def users(world):
    return {
        "anonymous": None,
        "volunteer": world.volunteer,
        "partner": world.partner,
        "haishu_secretary": world.haishu_secretary,
        "haishu_community_staff": world.haishu_community_staff,
        "haishu_street_staff": world.haishu_street_staff,
        "haishu_staff": world.haishu_staff,
        "jiangbei_staff": world.jiangbei_staff,
        "jiangbei_secretary": world.jiangbei_secretary,
    }


def get(client, users, who: str, url: str):
    if users[who]:
        client.force_login(users[who])
    return client.get(url)


PERMISSIONS = [
    # (who, method, page, target in Haishu, expected status code). The target is a brand in that status
    # or the record, branch, base slot or booking the page is about; a POST sends a form valid for it.
    ("anonymous", "GET", "brand_list", None, 302),
    ("volunteer", "GET", "brand_list", None, 403),
    ("haishu_secretary", "GET", "brand_list", None, 200),
    ("jiangbei_staff", "GET", "brand_list", None, 200),
    ("volunteer", "GET", "brand_create", None, 403),
    ("haishu_secretary", "GET", "brand_create", None, 200),
    ("anonymous", "GET", "brand_manage", "draft", 302),
    ("volunteer", "GET", "brand_manage", "draft", 403),
    ("haishu_secretary", "GET", "brand_manage", "draft", 200),
    ("haishu_staff", "GET", "brand_manage", "draft", 200),
    ("jiangbei_staff", "GET", "brand_manage", "draft", 404),
    ("jiangbei_secretary", "GET", "brand_manage", "draft", 404),
    ("haishu_secretary", "GET", "brand_edit", "draft", 200),
    ("haishu_community_staff", "GET", "brand_edit", "draft", 200),
    ("jiangbei_staff", "GET", "brand_edit", "draft", 404),
    ("haishu_secretary", "GET", "brand_edit", "archived", 302),  # back to the brand, with a message
    ("haishu_secretary", "GET", "brand_edit", "submitted", 302),
    ("haishu_secretary", "GET", "brand_history", "draft", 200),
    ("jiangbei_staff", "GET", "brand_history", "draft", 404),
    ("haishu_community_staff", "GET", "brand_review", "submitted", 200),
    ("haishu_staff", "GET", "brand_review", "submitted", 200),
    ("haishu_secretary", "GET", "brand_review", "submitted", 403),  # sees it, never reviews
    ("jiangbei_staff", "GET", "brand_review", "submitted", 404),
    ("haishu_secretary", "GET", "review_queue", None, 403),
    ("haishu_community_staff", "GET", "review_queue", None, 200),
    # Writes. The owner (the branch's secretary) and colleagues above it act (302, back to the object);
    # an outsider from Jiangbei is refused (404: the object is not confirmed) and no row changes.
    ("haishu_secretary", "POST", "brand_create", None, 302),
    ("haishu_staff", "POST", "brand_create", None, 302),
    ("jiangbei_staff", "POST", "brand_create", None, 200),  # the form refuses a Haishu organization
    ("volunteer", "POST", "brand_create", None, 403),
    ("partner", "POST", "brand_create", None, 403),
    ("haishu_secretary", "POST", "brand_edit", "draft", 302),
    ("haishu_community_staff", "POST", "brand_edit", "draft", 302),
    ("jiangbei_staff", "POST", "brand_edit", "draft", 404),
    ("jiangbei_secretary", "POST", "brand_edit", "draft", 404),
    ("volunteer", "POST", "brand_edit", "draft", 403),
    ("haishu_secretary", "POST", "brand_submit", "draft", 302),
    ("jiangbei_staff", "POST", "brand_submit", "draft", 404),
    ("haishu_secretary", "POST", "brand_withdraw", "submitted", 302),
    ("jiangbei_staff", "POST", "brand_withdraw", "submitted", 404),
    ("haishu_secretary", "POST", "brand_archive", "published", 302),
    ("jiangbei_staff", "POST", "brand_archive", "published", 404),
    ("jiangbei_secretary", "POST", "brand_archive", "published", 404),
    ("haishu_community_staff", "POST", "brand_review", "submitted", 302),
    ("haishu_street_staff", "POST", "brand_review", "submitted", 302),
    ("haishu_secretary", "POST", "brand_review", "submitted", 403),  # the owner never reviews
    ("jiangbei_staff", "POST", "brand_review", "submitted", 404),
    ("haishu_secretary", "POST", "gallery_add", "draft", 302),
    ("jiangbei_staff", "POST", "gallery_add", "draft", 404),
    ("haishu_secretary", "POST", "gallery_remove", "draft", 302),
    ("jiangbei_staff", "POST", "gallery_remove", "draft", 404),
    ("haishu_secretary", "POST", "recognition_add", "draft", 302),
    ("jiangbei_staff", "POST", "recognition_add", "draft", 404),
    ("haishu_secretary", "POST", "recognition_remove", "draft", 302),
    ("jiangbei_staff", "POST", "recognition_remove", "draft", 404),
    # Activity records, the branch page and organizational-life bases.
    ("haishu_secretary", "GET", "branch_detail", "branch", 200),
    ("jiangbei_staff", "GET", "branch_detail", "branch", 404),
    ("haishu_secretary", "POST", "activity_create", "branch", 302),
    ("haishu_street_staff", "POST", "activity_create", "branch", 302),
    ("jiangbei_staff", "POST", "activity_create", "branch", 404),
    ("jiangbei_secretary", "POST", "activity_create", "branch", 404),
    ("volunteer", "POST", "activity_create", "branch", 404),
    ("partner", "POST", "activity_create", "branch", 404),
    ("haishu_secretary", "GET", "activity_detail", "record", 200),
    ("jiangbei_staff", "GET", "activity_detail", "record", 404),
    ("haishu_secretary", "POST", "activity_edit", "record", 302),
    ("haishu_staff", "POST", "activity_edit", "record", 302),
    ("jiangbei_staff", "POST", "activity_edit", "record", 404),
    ("jiangbei_secretary", "POST", "activity_edit", "record", 404),
    ("volunteer", "POST", "activity_edit", "record", 404),
    ("partner", "POST", "activity_edit", "record", 404),
    ("haishu_secretary", "POST", "slot_book", "slot", 302),
    ("haishu_community_staff", "POST", "slot_book", "slot", 302),
    ("jiangbei_staff", "POST", "slot_book", "slot", 404),  # booking for a Haishu branch
    ("jiangbei_secretary", "POST", "slot_book", "slot", 404),
    ("volunteer", "POST", "slot_book", "slot", 403),
    ("partner", "POST", "slot_book", "slot", 403),
    ("haishu_secretary", "GET", "booking_list", "branch", 200),
    ("jiangbei_secretary", "GET", "booking_list", "branch", 404),
    ("haishu_secretary", "POST", "booking_cancel", "booking", 302),
    ("haishu_street_staff", "POST", "booking_cancel", "booking", 302),
    ("jiangbei_staff", "POST", "booking_cancel", "booking", 404),
    ("jiangbei_secretary", "POST", "booking_cancel", "booking", 404),
    ("volunteer", "POST", "booking_cancel", "booking", 404),
]


def target_args(world, page: str, target: str | None) -> list[int]:
    """The URL arguments of ``page`` for a fresh target in Haishu (its branch, or a brand in a status)."""
    if target is None:
        return []
    if target == "branch":
        return [world.haishu_branch.pk]
    if target == "record":
        return [recorded(world).pk]
    if target in ("slot", "booking"):
        slot = SlotFactory(base__region=world.haishu_community)
        if target == "slot":
            return [slot.pk]
        owner = world.haishu_secretary
        return [slot_book(actor=owner, slot=slot, organization=world.haishu_branch).pk]
    brand = BrandFactory(organization=world.haishu_branch, status=target)
    if page == "gallery_remove":
        added = brand_image_add(actor=world.haishu_secretary, brand=brand, images=[process_upload(jpeg())])
        return [brand.pk, added[0].pk]
    if page == "recognition_remove":
        return [brand.pk, RecognitionFactory(brand=brand).pk]
    return [brand.pk]


def valid_post(world, page: str) -> dict:
    """A form the page accepts from someone allowed to act on the Haishu target."""
    forms = {
        "brand_create": lambda: brand_form(organization=world.haishu_branch.pk),
        "brand_edit": lambda: brand_form(organization=world.haishu_branch.pk),
        "brand_review": lambda: {"decision": "approve"},
        "gallery_add": lambda: {"images": upload(image_bytes()), "caption": "楼道议事会"},
        "recognition_add": lambda: {"title": "宁波市五星级党组织", "level": "city", "year": "2024"},
        "activity_create": activity_form,
        "activity_edit": lambda: activity_form(topic="学习党章"),
        "slot_book": lambda: {"organization": world.haishu_branch.pk},
    }
    return forms.get(page, dict)()


@pytest.mark.parametrize(("who", "method", "page", "target", "expected"), PERMISSIONS)
def test_staff_page_permissions(client, world, users, who, method, page, target, expected):
    url = reverse(f"brands:{page}", args=target_args(world, page, target))
    if method == "GET":
        assert get(client, users, who, url).status_code == expected
        return
    client.force_login(users[who])
    before = domain_rows()
    response = client.post(url, valid_post(world, page))
    assert response.status_code == expected, getattr(
        response.context and response.context.get("form"), "errors", ""
    )
    if expected != 302:  # refused: not a row written, not a history entry
        assert domain_rows() == before


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
