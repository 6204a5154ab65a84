"""Who may see, confirm and export hours (a permission table with methods), pages and API.

Story: 王小梅 volunteers in Haishu's community; her record waits for confirmation. Haishu's staff at
every level confirm it; Jiangbei's staff (the outsiders) get 404 for it everywhere, as if it did
not exist; another volunteer sees only their own records; a visitor is sent to log in.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.harness import session_client
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, StationFactory, TeamFactory
from volunteers.models import RecordStatus, ServiceRecord


@pytest.fixture
def story(world):
    world.xiaomei = VolunteerFactory(community=world.haishu_community, name="王小梅")
    world.other_volunteer = VolunteerFactory(community=world.haishu_community)
    world.team = TeamFactory(station=StationFactory(region=world.haishu_street), leader=world.xiaomei)
    world.record = RecordFactory(volunteer=world.xiaomei, team=world.team)
    return world


def _urls(world) -> dict[str, str]:
    today = timezone.localdate()
    period = f"date_from={(today - dt.timedelta(days=30)).isoformat()}&date_to={today.isoformat()}"
    pk = world.record.pk
    return {
        "detail": f"/volunteers/hours/{pk}/",
        "approve": f"/volunteers/hours/{pk}/approve/",
        "decline": f"/volunteers/hours/{pk}/decline/",
        "export_team": f"/volunteers/hours/export/?{period}&team={world.team.pk}",
        "api_detail": f"/api/v1/service-records/{pk}/",
    }


# (who, method, url, expected status); "approve"/"decline" by an outsider must change nothing.
TABLE = [
    ("haishu_community_staff", "get", "detail", 200),
    ("haishu_street_staff", "get", "detail", 200),
    ("city_staff", "get", "detail", 200),
    ("jiangbei_staff", "get", "detail", 404),
    ("haishu_secretary", "get", "detail", 403),  # confirms no hours: the gate refuses the page
    ("other_volunteer", "get", "detail", 403),
    ("jiangbei_staff", "post", "approve", 404),
    ("jiangbei_staff", "post", "decline", 404),
    ("other_volunteer", "post", "approve", 403),
    ("haishu_staff", "get", "export_team", 200),
    ("jiangbei_staff", "get", "export_team", 404),
    ("haishu_secretary", "get", "export_team", 404),  # exports for its branch only: the team is not its
    ("other_volunteer", "get", "export_team", 403),
    ("haishu_staff", "get", "api_detail", 200),
    ("xiaomei", "get", "api_detail", 200),  # her own record
    ("jiangbei_staff", "get", "api_detail", 404),
    ("other_volunteer", "get", "api_detail", 404),
    ("haishu_secretary", "get", "api_detail", 404),
]


def _user(world, who):
    found = getattr(world, who)
    return found.user if hasattr(found, "user") else found


@pytest.mark.parametrize(("who", "method", "url", "expected"), TABLE)
def test_the_permission_table(story, who, method, url, expected):
    client = session_client(_user(story, who))
    response = getattr(client, method)(_urls(story)[url], {"reason": "不实"} if method == "post" else None)
    assert response.status_code == expected
    assert ServiceRecord.objects.get(pk=story.record.pk).status == RecordStatus.PENDING


def test_staff_in_scope_approve_on_the_page(story):
    client = session_client(story.haishu_community_staff)
    response = client.post(_urls(story)["approve"])
    assert response.status_code == 302
    assert ServiceRecord.objects.get(pk=story.record.pk).status == RecordStatus.APPROVED


def test_the_queue_shows_each_reviewer_only_their_records(story, client):
    client.force_login(story.haishu_community_staff)
    assert "王小梅" in client.get("/volunteers/hours/review/").content.decode()
    client.force_login(story.jiangbei_staff)
    html = client.get("/volunteers/hours/review/").content.decode()
    assert "王小梅" not in html and "目前没有待确认的服务时长" in html


def test_the_team_leader_reviews_but_not_their_own_hours(story, client):
    member = VolunteerFactory(community=story.haishu_community, name="李大山")
    RecordFactory(volunteer=member, team=story.team)
    client.force_login(story.xiaomei.user)
    html = client.get("/volunteers/hours/review/").content.decode()
    assert "李大山" in html and "王小梅" not in html


def test_an_outsider_s_bulk_decision_touches_nothing(story, client):
    client.force_login(story.jiangbei_staff)
    client.post("/volunteers/hours/review/", {"records": [story.record.pk], "decision": "approve"})
    assert ServiceRecord.objects.get(pk=story.record.pk).status == RecordStatus.PENDING


def test_bulk_approval_in_the_queue(story, client):
    second = RecordFactory(volunteer=story.other_volunteer)
    client.force_login(story.haishu_staff)
    response = client.post(
        "/volunteers/hours/review/", {"records": [story.record.pk, second.pk], "decision": "approve"}
    )
    assert response.status_code == 302
    assert set(ServiceRecord.objects.values_list("status", flat=True)) == {RecordStatus.APPROVED}
    story.xiaomei.refresh_from_db()
    assert story.xiaomei.hours_total == story.record.hours


def test_a_bulk_decline_needs_a_reason(story, client):
    client.force_login(story.haishu_staff)
    response = client.post("/volunteers/hours/review/", {"records": [story.record.pk], "decision": "decline"})
    assert response.status_code == 200 and "请填写未确认的原因" in response.content.decode()
    assert ServiceRecord.objects.get(pk=story.record.pk).status == RecordStatus.PENDING


def test_volunteers_see_only_their_own_records(story):
    RecordFactory(volunteer=story.other_volunteer, description="他人的服务")
    mine = session_client(story.xiaomei.user).get("/api/v1/service-records/").json()["results"]
    assert [row["id"] for row in mine] == [story.record.pk]
    client = session_client(story.xiaomei.user)
    html = client.get("/volunteers/me/hours/").content.decode()
    assert "社区环境整治" in html and "他人的服务" not in html


def test_the_api_list_hides_other_districts(story):
    assert session_client(story.jiangbei_staff).get("/api/v1/service-records/").json()["results"] == []
    assert session_client(story.jiangbei_staff).get("/api/v1/teams/").json()["results"] == []
    assert len(session_client(story.haishu_staff).get("/api/v1/teams/").json()["results"]) == 1


def test_staff_find_approved_hours_and_correct_them_on_the_page(story, client):
    from decimal import Decimal

    from volunteers.services.hours import record_approve

    record_approve(actor=story.haishu_staff, record=story.record)
    client.force_login(story.haishu_community_staff)
    listed = client.get("/volunteers/hours/review/", {"status": "approved"}).content.decode()
    assert f"/volunteers/hours/{story.record.pk}/" in listed
    response = client.post(
        f"/volunteers/hours/{story.record.pk}/", {"hours": "1.5", "reason": "签退时间有误"}
    )
    assert response.status_code == 302
    story.xiaomei.refresh_from_db()
    assert story.xiaomei.hours_total == Decimal("1.5")
    assert "签退时间有误" in client.get(f"/volunteers/hours/{story.record.pk}/").content.decode()
    # Outsiders neither list nor correct it.
    client.force_login(story.jiangbei_staff)
    assert (
        f"/volunteers/hours/{story.record.pk}/"
        not in client.get("/volunteers/hours/review/", {"status": "approved"}).content.decode()
    )
    assert (
        client.post(f"/volunteers/hours/{story.record.pk}/", {"hours": "9", "reason": "x"}).status_code == 404
    )
