"""The market's pages: who sees which button, who may open which page (another district's staff get
404 on what is not theirs), contacts masked for the public, constant query counts, photos checked.

Haishu's community posts the project; 甬爱's representative (``rep``) pledges; Haishu's staff confirm
receipts and approve organizations; Jiangbei's staff are the outsiders.
"""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.brands.factories import image_bytes, upload
from tests.factories import UserFactory
from tests.wishes.market_factories import PledgeFactory, WelfareOrganizationFactory, WelfareProjectFactory
from wishes.models import PledgeStatus, ProjectStatus, WelfareProject

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"


@pytest.fixture
def rep():
    return UserFactory(username="yongai")


@pytest.fixture
def yongai(rep, world):
    return WelfareOrganizationFactory(
        name="宁波甬爱家电有限公司",
        region=world.haishu,
        representatives=[rep],
        contact_name="李永爱",
        contact_mobile="13805741101",
    )


@pytest.fixture
def project(world):
    return WelfareProjectFactory(
        title="老年食堂助餐设备", region=world.haishu_community, created_by=world.haishu_community_staff
    )


@pytest.fixture
def pledge(project, yongai):
    return PledgeFactory(project=project, organization=yongai, amount=Decimal("2000"))


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


def test_the_market_shows_open_projects_with_progress_to_anyone(client, project, pledge):
    html = client.get(reverse("wishes:market")).content.decode()
    assert "老年食堂助餐设备" in html
    assert 'value="20"' in html  # ¥2,000 of ¥10,000 pledged
    assert "登记爱心单位" in html
    assert "发布项目" not in html and "爱心单位审核" not in html


def test_the_project_page_names_pledgers_and_masks_their_contacts(client, project, pledge):
    html = client.get(reverse("wishes:market_project", args=[project.pk])).content.decode()
    assert "宁波甬爱家电有限公司" in html
    assert "李*爱" in html and "138****1101" in html
    assert "李永爱" not in html and "13805741101" not in html


@pytest.mark.parametrize("viewer", [None, "volunteer", "jiangbei_staff", "haishu_secretary"])
def test_no_full_contact_reaches_anyone_but_staff_in_scope(client, world, project, pledge, viewer):
    as_user(client, getattr(world, viewer) if viewer else None)
    for url in (reverse("wishes:market"), reverse("wishes:market_project", args=[project.pk])):
        html = client.get(url).content.decode()
        assert "13805741101" not in html and "李永爱" not in html


def test_staff_in_scope_see_the_full_contact_to_arrange_the_handover(client, world, project, pledge):
    html = as_user(client, world.haishu_community_staff).get(
        reverse("wishes:market_manage", args=[project.pk])
    )
    assert "李永爱 13805741101" in html.content.decode()


# (who, url name, method, expected status): another district's staff get 404 for what is not theirs.
PERMISSIONS = [
    (None, "market_manage", "get", 302),
    ("volunteer", "market_manage", "get", 403),
    ("jiangbei_staff", "market_manage", "get", 404),
    ("jiangbei_staff", "market_edit", "get", 404),
    ("jiangbei_staff", "market_close", "post", 404),
    ("jiangbei_staff", "market_receive", "post", 404),
    ("haishu_secretary", "market_receive", "post", 403),
    ("rep", "market_receive", "post", 403),
    ("haishu_community_staff", "market_manage", "get", 200),
    ("haishu_staff", "market_edit", "get", 200),
    ("city_staff", "market_manage", "get", 200),
    ("jiangbei_staff", "market_withdraw", "post", 403),
    ("volunteer", "market_pledge", "post", 403),
]


@pytest.mark.parametrize(("who", "name", "method", "status"), PERMISSIONS)
def test_permission_table(client, world, rep, project, pledge, who, name, method, status):
    user = rep if who == "rep" else (getattr(world, who) if who else None)
    target = pledge.pk if name in ("market_receive", "market_withdraw") else project.pk
    response = getattr(as_user(client, user), method)(reverse(f"wishes:{name}", args=[target]))
    assert response.status_code == status
    pledge.refresh_from_db()
    project.refresh_from_db()
    assert (pledge.status, project.status) == (PledgeStatus.PLEDGED, ProjectStatus.OPEN)


def test_an_outsider_never_sees_a_manage_or_receive_button(client, world, project, pledge):
    html = as_user(client, world.jiangbei_staff).get(reverse("wishes:market_project", args=[project.pk]))
    assert reverse("wishes:market_manage", args=[project.pk]) not in html.content.decode()


def test_staff_confirm_a_receipt_and_the_page_shows_it(client, world, project, pledge):
    as_user(client, world.haishu_community_staff)
    response = client.post(reverse("wishes:market_receive", args=[pledge.pk]), follow=True)
    assert "已确认到位" in response.content.decode()
    again = client.post(reverse("wishes:market_receive", args=[pledge.pk]), follow=True)
    assert "不能重复确认" in again.content.decode()
    project.refresh_from_db()
    assert project.received_amount == Decimal("2000")


def test_the_representative_pledges_through_the_form(client, rep, yongai, project):
    as_user(client, rep)
    page = client.get(reverse("wishes:market_project", args=[project.pk])).content.decode()
    assert "确认认捐" in page
    response = client.post(
        reverse("wishes:market_pledge", args=[project.pk]),
        {"organization": yongai.pk, "amount": "1500.00", "goods": "", "submission_token": uuid.uuid4()},
    )
    assert response.status_code == 302
    assert project.pledges.get().amount == Decimal("1500.00")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "", "goods": ""}, "至少一项"),
        ({"amount": "-5"}, "0.01"),
        ({"amount": "1e400"}, ""),
        ({"amount": "99999999999999"}, ""),
    ],
)
def test_a_bad_pledge_is_refused_with_a_message_and_nothing_stored(
    client, rep, yongai, project, data, message
):
    as_user(client, rep)
    response = client.post(
        reverse("wishes:market_pledge", args=[project.pk]),
        {"organization": yongai.pk, "submission_token": uuid.uuid4(), **data},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not project.pledges.exists()


def test_a_pledge_for_an_organization_one_does_not_represent_is_refused(client, rep, yongai, project, world):
    other = WelfareOrganizationFactory(region=world.haishu)
    as_user(client, rep)
    for organization in (other.pk, 10**30, "x"):
        response = client.post(
            reverse("wishes:market_pledge", args=[project.pk]), {"organization": organization, "amount": "10"}
        )
        assert response.status_code == 400
    assert not project.pledges.exists()


def test_a_closed_project_shows_no_pledge_form(client, rep, yongai, project):
    project.status = ProjectStatus.CLOSED
    project.save()
    html = as_user(client, rep).get(reverse("wishes:market_project", args=[project.pk])).content.decode()
    assert "确认认捐" not in html


def test_registration_then_approval(client, world):
    rep = UserFactory()
    as_user(client, rep)
    data = {
        "name": "宁波港城物流有限公司",
        "kind": "enterprise",
        "credit_code": "91110000802100433B",
        "region": world.haishu_street.pk,
        "contact_name": "郑港城",
        "contact_mobile": "13805745505",
    }
    typo = client.post(reverse("wishes:market_register"), {**data, "credit_code": "91110000802100434B"})
    assert typo.status_code == 400 and "校验位不正确" in typo.content.decode()
    assert client.post(reverse("wishes:market_register"), data).status_code == 302
    assert "待审核" in client.get(reverse("wishes:market_register")).content.decode()
    org = rep.welfare_organizations.get()
    # Jiangbei's staff do not see it, and cannot approve it.
    as_user(client, world.jiangbei_staff)
    assert "港城" not in client.get(reverse("wishes:market_organizations")).content.decode()
    assert client.post(reverse("wishes:market_org_approve", args=[org.pk])).status_code == 404
    as_user(client, world.haishu_staff)
    assert "港城" in client.get(reverse("wishes:market_organizations")).content.decode()
    client.post(reverse("wishes:market_org_approve", args=[org.pk]))
    org.refresh_from_db()
    assert org.is_active


def test_staff_create_a_project_and_a_hostile_photo_is_refused(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    as_user(client, world.haishu_community_staff)
    data = {
        "title": "困境儿童助学包",
        "description": "新学期助学包",
        "beneficiaries": "困境儿童 80 名",
        "target_amount": "12000",
        "target_goods": "",
        "deadline": f"{timezone.localdate():%Y-%m-%d}",
        "region": world.haishu_community.pk,
    }
    hostile = upload(b"<?php system($_GET['c']); ?>", name="photo.jpg")
    response = client.post(reverse("wishes:market_create"), {**data, "photo": hostile})
    assert response.status_code == 400 and "无法识别为图片" in response.content.decode()
    assert not WelfareProject.objects.exists()
    assert not list(tmp_path.rglob("*.jpg"))
    response = client.post(reverse("wishes:market_create"), {**data, "photo": upload(image_bytes())})
    project = WelfareProject.objects.get()
    assert response.status_code == 302 and project.photo.name.endswith(".jpg")


def test_staff_outside_the_region_cannot_post_there(client, world):
    as_user(client, world.jiangbei_staff)
    response = client.post(
        reverse("wishes:market_create"),
        {"title": "x", "description": "x", "beneficiaries": "x", "target_goods": "x",
         "deadline": f"{timezone.localdate():%Y-%m-%d}", "region": world.haishu_community.pk},
    )  # fmt: skip
    assert response.status_code == 400
    assert not WelfareProject.objects.exists()


def test_the_buttons_follow_the_gates(client, world, rep, yongai):
    social_rep = UserFactory()
    WelfareOrganizationFactory(kind="social", region=world.haishu, representatives=[social_rep])
    cases = [
        (world.haishu_staff, {"发布项目": True, "爱心单位审核": True}),
        (world.haishu_secretary, {"发布项目": False, "爱心单位审核": False}),
        (rep, {"发布项目": False, "登记爱心单位": False}),
        (social_rep, {"发布项目": True, "爱心单位审核": False}),
    ]
    for user, expected in cases:
        html = as_user(client, user).get(reverse("wishes:market")).content.decode()
        for label, shown in expected.items():
            assert (label in html) == shown, (user.username, label)
    # and what is shown opens
    as_user(client, social_rep)
    assert client.get(reverse("wishes:market_create")).status_code == 200
    as_user(client, world.haishu_secretary)
    assert client.get(reverse("wishes:market_create")).status_code == 403


def test_the_market_costs_the_same_queries_for_2_or_20_projects(
    client, world, yongai, django_assert_num_queries
):
    def add(n: int) -> None:
        for _ in range(n):
            project = WelfareProjectFactory(region=world.haishu_community)
            PledgeFactory.create_batch(2, project=project, organization=yongai)

    add(2)
    url = reverse("wishes:market")
    # districts, count, the page with its progress (one GROUP BY)
    with django_assert_num_queries(3):
        client.get(url)
    add(18)
    with django_assert_num_queries(3):
        client.get(url)


def test_the_project_page_costs_the_same_queries_for_1_or_15_pledgers(
    client, world, project, django_assert_num_queries
):
    PledgeFactory(project=project)
    url = reverse("wishes:market_project", args=[project.pk])
    # the project with its progress, its pledgers with their organizations
    with django_assert_num_queries(2):
        client.get(url)
    for _ in range(14):
        PledgeFactory(project=project)
    with django_assert_num_queries(2):
        client.get(url)


def test_staff_edit_a_project_and_replace_its_photo(client, world, project, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    as_user(client, world.haishu_community_staff)
    url = reverse("wishes:market_edit", args=[project.pk])
    assert "老年食堂助餐设备" in client.get(url).content.decode()
    data = {
        "title": "老年食堂助餐设备（二期）",
        "description": project.description,
        "beneficiaries": project.beneficiaries,
        "target_amount": "12000",
        "target_goods": "",
        "deadline": f"{project.deadline:%Y-%m-%d}",
    }
    response = client.post(url, {**data, "photo": upload(image_bytes())})
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title, project.target_amount, project.target_goods) == (
        data["title"],
        Decimal("12000"),
        "",
    )
    first = project.photo.name
    client.post(url, {**data, "photo": upload(image_bytes("PNG"), name="b.png", content_type="image/png")})
    project.refresh_from_db()
    assert project.photo.name != first
    # Removing both targets is refused: a project asks for something.
    refused = client.post(url, {**data, "target_amount": "", "target_goods": ""})
    assert refused.status_code == 400 and "至少一项" in refused.content.decode()


def test_closing_from_the_manage_page(client, world, project):
    as_user(client, world.haishu_community_staff)
    client.post(reverse("wishes:market_close", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED
    again = client.post(reverse("wishes:market_close", args=[project.pk]), follow=True)
    assert "该项目已结束。" in again.content.decode()
