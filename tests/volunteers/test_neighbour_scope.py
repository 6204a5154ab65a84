"""Staff of the community next door (same street) cannot approve, see or export Haishu's volunteers,
events or hours, in pages or API: a permission table with methods.

Story: 王小梅 has just registered in Haishu's community (an applicant), and a record of hers waits
for confirmation; the community's staff organize an event and a team. Haishu's community staff (the
owner) may do everything below; 隔壁社区's staff (the neighbour: the same role, one community over)
get 404 for every one of these objects, as if they did not exist, and their own export and API
lists leave them out. Nothing the neighbour posts changes anything.
"""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from grids.models import Region, RegionLevel
from portal.models import Role
from tests.factories import UserFactory, assign
from tests.harness import session_client
from tests.volunteers.event_helpers import haishu_event
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, StationFactory, TeamFactory
from volunteers.models import Event, RecordStatus, ServiceRecord, Volunteer, VolunteerStatus


@pytest.fixture
def story(world):
    neighbour = Region.objects.create(
        code=world.haishu_street.code + "002",
        name="隔壁社区",
        level=RegionLevel.COMMUNITY,
        parent=world.haishu_street,
    )
    world.neighbour_staff = assign(UserFactory(username="neighbour"), Role.COMMUNITY_STAFF, region=neighbour)
    world.owner = world.haishu_community_staff
    world.xiaomei = VolunteerFactory(
        community=world.haishu_community, name="王小梅", status=VolunteerStatus.APPLICANT
    )
    leader = VolunteerFactory(community=world.haishu_community)
    world.team = TeamFactory(station=StationFactory(region=world.haishu_community), leader=leader)
    world.event = haishu_event(world, title="朝阳社区义诊")
    world.record = RecordFactory(volunteer=world.xiaomei, team=world.team, description="楼道清扫")
    return world


def _urls(world) -> dict[str, str]:
    today = timezone.localdate()
    period = f"date_from={(today - dt.timedelta(days=30)).isoformat()}&date_to={today.isoformat()}"
    volunteer, event, record = world.xiaomei.pk, world.event.pk, world.record.pk
    return {
        "volunteer": f"/volunteers/{volunteer}/",
        "volunteer_approve": f"/volunteers/{volunteer}/approve/",
        "api_volunteer": f"/api/v1/volunteers/{volunteer}/",
        "event_signups": f"/volunteers/events/{event}/signups/",
        "event_attendance": f"/volunteers/events/{event}/attendance/",
        "event_edit": f"/volunteers/events/{event}/edit/",
        "event_cancel": f"/volunteers/events/{event}/cancel/",
        "record": f"/volunteers/hours/{record}/",
        "record_approve": f"/volunteers/hours/{record}/approve/",
        "record_decline": f"/volunteers/hours/{record}/decline/",
        "export_community": f"/volunteers/hours/export/?{period}&region={world.haishu_community.code}",
        "export_team": f"/volunteers/hours/export/?{period}&team={world.team.pk}",
        "api_record": f"/api/v1/service-records/{record}/",
    }


# (who, method, url, expected status). The owner's rows show each URL works for someone in scope;
# its POSTs are left out (they would change what the neighbour's rows check is unchanged).
TABLE = [
    ("owner", "get", "volunteer", 200),
    ("owner", "get", "api_volunteer", 200),
    ("owner", "get", "event_signups", 200),
    ("owner", "get", "event_attendance", 200),
    ("owner", "get", "event_edit", 200),
    ("owner", "get", "record", 200),
    ("owner", "get", "export_community", 200),
    ("owner", "get", "export_team", 200),
    ("owner", "get", "api_record", 200),
    ("neighbour_staff", "get", "volunteer", 404),
    ("neighbour_staff", "post", "volunteer_approve", 404),
    ("neighbour_staff", "get", "api_volunteer", 404),
    ("neighbour_staff", "get", "event_signups", 404),
    ("neighbour_staff", "get", "event_attendance", 404),
    ("neighbour_staff", "get", "event_edit", 404),
    ("neighbour_staff", "post", "event_edit", 404),
    ("neighbour_staff", "post", "event_cancel", 404),
    ("neighbour_staff", "get", "record", 404),
    ("neighbour_staff", "post", "record_approve", 404),
    ("neighbour_staff", "post", "record_decline", 404),
    ("neighbour_staff", "get", "export_community", 404),
    ("neighbour_staff", "get", "export_team", 404),
    ("neighbour_staff", "get", "api_record", 404),
]


@pytest.mark.parametrize(("who", "method", "url", "expected"), TABLE)
def test_the_permission_table(story, who, method, url, expected):
    client = session_client(getattr(story, who))
    data = {"reason": "不实", "title": "改掉"} if method == "post" else None

    response = getattr(client, method)(_urls(story)[url], data)

    assert response.status_code == expected
    assert Volunteer.objects.get(pk=story.xiaomei.pk).status == VolunteerStatus.APPLICANT
    assert ServiceRecord.objects.get(pk=story.record.pk).status == RecordStatus.PENDING
    event = Event.objects.get(pk=story.event.pk)
    assert (event.title, event.status) == ("朝阳社区义诊", story.event.status)


def test_the_neighbour_s_lists_and_export_leave_them_out(story):
    from volunteers.services.hours import record_approve

    record_approve(actor=story.owner, record=story.record)
    client = session_client(story.neighbour_staff)
    today = timezone.localdate()
    period = {"date_from": (today - dt.timedelta(days=30)).isoformat(), "date_to": today.isoformat()}

    export = client.get("/volunteers/hours/export/", period)
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active

    assert list(sheet.iter_rows(values_only=True))[1:] == []  # the header only
    assert "王小梅" not in client.get("/volunteers/").content.decode()
    assert "朝阳社区义诊" not in client.get("/volunteers/events/").content.decode()
    assert client.get("/api/v1/volunteers/").json()["results"] == []
    assert client.get("/api/v1/service-records/").json()["results"] == []
    assert "楼道清扫" not in client.get("/volunteers/hours/review/?status=approved").content.decode()
