"""/api/v1/welfare-projects/: projects with progress, pledgers masked; partner keys read their region
only and never write; pledge, withdraw and receive through the same services as the pages, another
district's staff get 404."""

from decimal import Decimal

import pytest

from tests.factories import UserFactory
from tests.harness import key_client, session_client
from tests.wishes.market_factories import PledgeFactory, WelfareOrganizationFactory, WelfareProjectFactory
from wishes.models import PledgeStatus

pytestmark = pytest.mark.django_db
LIST = "/api/v1/welfare-projects/"


@pytest.fixture
def rep():
    return UserFactory(username="yongai")


@pytest.fixture
def yongai(rep, world):
    return WelfareOrganizationFactory(
        name="宁波甬爱家电有限公司", region=world.haishu, representatives=[rep],
        contact_name="李永爱", contact_mobile="13805741101",
    )  # fmt: skip


@pytest.fixture
def project(world):
    return WelfareProjectFactory(title="老年食堂助餐设备", region=world.haishu_community)


@pytest.fixture
def pledge(project, yongai):
    return PledgeFactory(project=project, organization=yongai, amount=Decimal("2000"))


def test_the_list_shows_progress_and_the_pledges_are_masked(world, rep, project, pledge):
    client = session_client(UserFactory())
    body = client.get(LIST).json()
    [item] = body["results"]
    assert item["progress"]["pledged_amount"] == "2000.00"
    assert item["progress"]["pledged_percent"] == 20
    pledges = client.get(f"{LIST}{project.pk}/pledges/")
    assert pledges.status_code == 200
    text = pledges.content.decode()
    assert "宁波甬爱家电有限公司" in text and "李*爱 138****1101" in text
    assert "13805741101" not in text and "李永爱" not in text


def test_a_key_reads_its_region_only_and_cannot_pledge(world, rep, yongai, project):
    WelfareProjectFactory(title="江北助学包", region=world.jiangbei_community)
    haishu_key = key_client(world.haishu)
    titles = [p["title"] for p in haishu_key.get(LIST).json()["results"]]
    assert titles == ["老年食堂助餐设备"]
    jiangbei_key = key_client(world.jiangbei)
    assert jiangbei_key.get(f"{LIST}{project.pk}/").status_code == 404
    response = haishu_key.post(f"{LIST}{project.pk}/pledges/", {"organization": yongai.pk, "amount": "10"})
    assert response.status_code == 403
    assert not project.pledges.exists()


def test_filters_by_region_and_status(world, project):
    WelfareProjectFactory(title="江北助学包", region=world.jiangbei_community, status="closed")
    client = session_client(UserFactory())
    assert [p["title"] for p in client.get(LIST, {"region": "330205"}).json()["results"]] == ["江北助学包"]
    assert [p["title"] for p in client.get(LIST, {"status": "open"}).json()["results"]] == [
        "老年食堂助餐设备"
    ]
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400
    assert client.get(LIST, {"region": "x" * 5000}).json()["results"] == []


def test_the_representative_pledges_and_withdraws(world, rep, yongai, project):
    client = session_client(rep)
    created = client.post(
        f"{LIST}{project.pk}/pledges/", {"organization": yongai.pk, "amount": "150.50"}, format="json"
    )
    assert created.status_code == 201, created.content
    pledge_id = created.json()["id"]
    withdrawn = client.post(f"{LIST}{project.pk}/pledges/{pledge_id}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = client.post(f"{LIST}{project.pk}/pledges/{pledge_id}/withdraw/")
    assert again.status_code == 409 and "已撤回" in again.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {"organization": 10**30, "amount": "10"},
        {"organization": "x", "amount": "10"},
        {"amount": "10"},
        {"organization": 0, "amount": "10"},
        {"organization": 1, "amount": "1e400"},
        {"organization": 1, "amount": "-1"},
    ],
)
def test_bad_pledges_are_400_and_change_nothing(world, rep, yongai, project, body):
    if body.get("organization") == 1:
        body["organization"] = yongai.pk
    response = session_client(rep).post(f"{LIST}{project.pk}/pledges/", body, format="json")
    assert response.status_code == 400
    assert not project.pledges.exists()


def test_pledging_for_someone_elses_organization_is_400(world, rep, project):
    other = WelfareOrganizationFactory(region=world.haishu)
    response = session_client(rep).post(
        f"{LIST}{project.pk}/pledges/", {"organization": other.pk, "amount": "1"}
    )
    assert response.status_code == 400


def test_pledging_on_a_closed_project_is_409(world, rep, yongai, project):
    project.status = "closed"
    project.save()
    response = session_client(rep).post(
        f"{LIST}{project.pk}/pledges/", {"organization": yongai.pk, "amount": "1"}
    )
    assert response.status_code == 409 and "已结束" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("who", "status"),
    [("haishu_community_staff", 200), ("city_staff", 200), ("jiangbei_staff", 404), ("haishu_secretary", 404), ("volunteer", 404)],
)  # fmt: skip
def test_receipts_are_confirmed_by_staff_in_scope_only(world, project, pledge, who, status):
    response = session_client(getattr(world, who)).post(f"{LIST}{project.pk}/pledges/{pledge.pk}/receive/")
    assert response.status_code == status
    pledge.refresh_from_db()
    assert (pledge.status == PledgeStatus.RECEIVED) == (status == 200)


def test_a_second_receipt_is_409(world, project, pledge):
    client = session_client(world.haishu_staff)
    assert client.post(f"{LIST}{project.pk}/pledges/{pledge.pk}/receive/").status_code == 200
    again = client.post(f"{LIST}{project.pk}/pledges/{pledge.pk}/receive/")
    assert again.status_code == 409 and "不能重复确认" in again.json()["error"]["message"]
    project.refresh_from_db()
    assert project.received_amount == Decimal("2000")


def test_a_pledge_of_another_project_is_404(world, project, pledge):
    other = WelfareProjectFactory(region=world.haishu_community)
    response = session_client(world.haishu_staff).post(f"{LIST}{other.pk}/pledges/{pledge.pk}/receive/")
    assert response.status_code == 404


def test_huge_ids_are_404(world):
    client = session_client(world.haishu_staff)
    assert client.get(f"{LIST}{10**30}/").status_code == 404
    assert client.post(f"{LIST}1/pledges/{10**30}/receive/").status_code == 404


def test_the_list_costs_the_same_queries_for_2_or_30_projects(world, yongai, django_assert_num_queries):
    client = session_client(UserFactory())

    def add(n: int) -> None:
        for _ in range(n):
            PledgeFactory.create_batch(
                2, project=WelfareProjectFactory(region=world.haishu_community), organization=yongai
            )

    add(2)
    # session, user, the page of projects with their progress (one GROUP BY)
    # session, user, the page's ids, those projects with their progress
    with django_assert_num_queries(4):
        assert client.get(LIST).status_code == 200
    add(28)
    with django_assert_num_queries(4):
        client.get(LIST)


def test_the_pledge_list_costs_the_same_queries_for_2_or_20(world, project, django_assert_num_queries):
    client = session_client(UserFactory())
    PledgeFactory.create_batch(2, project=project)
    # session, user, the project (get_object, with progress), the page's ids, those pledges with
    # their organizations
    with django_assert_num_queries(5):
        client.get(f"{LIST}{project.pk}/pledges/")
    PledgeFactory.create_batch(18, project=project)
    with django_assert_num_queries(5):
        client.get(f"{LIST}{project.pk}/pledges/")


def test_the_format_suffix_works_on_the_actions(world, project, pledge):
    client = session_client(world.haishu_staff)
    assert client.get(f"/api/v1/welfare-projects/{project.pk}/pledges.json").status_code == 200
    assert client.post(f"{LIST}{project.pk}/pledges/{pledge.pk}/receive.json").status_code == 200
