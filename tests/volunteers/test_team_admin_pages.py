"""Staff in scope create and edit stations and teams and change a team's leader; another
district's station or team is a 404; the buttons follow the same gate."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import Region, RegionLevel
from portal.gates import TEAM_STAFF
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import StationFactory
from volunteers.models import MembershipStatus, Station, Team, TeamMembership, VolunteerStatus
from volunteers.services.teams import team_create


@pytest.fixture
def station(world):
    return StationFactory(region=world.haishu_street, name="鼓楼驿站")


@pytest.fixture
def team(world, station):
    leader = VolunteerFactory(community=world.haishu_community, name="张建国")
    return team_create(actor=world.haishu_staff, name="医疗队", station=station, leader=leader)


@pytest.fixture
def staff(client, world):
    client.force_login(world.haishu_staff)
    return client


def test_staff_create_and_edit_a_station(staff, world):
    response = staff.post(
        reverse("volunteers:station_create"),
        {"name": "新驿站", "region": world.haishu_community.code, "address": "中山路 2 号"},
    )
    assert response.status_code == 302
    created = Station.objects.get(name="新驿站")
    assert created.region == world.haishu_community
    response = staff.post(
        reverse("volunteers:station_edit", args=[created.pk]),
        {"name": "改名驿站", "region": world.haishu_street.code, "address": "中山路 3 号"},
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert (created.name, created.region, created.address) == ("改名驿站", world.haishu_street, "中山路 3 号")


def test_a_station_cannot_be_placed_in_another_district(staff, world):
    response = staff.post(
        reverse("volunteers:station_create"),
        {"name": "越界驿站", "region": world.jiangbei_community.code, "address": "x"},
    )
    assert response.status_code == 200 and not Station.objects.filter(name="越界驿站").exists()


def test_staff_create_a_team_and_its_leader_is_a_member(staff, world, station):
    leader = VolunteerFactory(community=world.haishu_community)
    response = staff.post(
        reverse("volunteers:team_create"),
        {"name": "助老队", "station": station.pk, "leader": leader.pk, "description": ""},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="助老队")
    assert team.region == world.haishu_street
    assert TeamMembership.objects.get(team=team).volunteer == leader


def test_staff_change_the_leader(staff, world, team, station):
    new = VolunteerFactory(community=world.haishu_community)
    response = staff.post(
        reverse("volunteers:team_edit", args=[team.pk]),
        {"name": "医疗队", "station": station.pk, "leader": new.pk},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.leader == new
    assert TeamMembership.objects.get(team=team, volunteer=new).status == MembershipStatus.APPROVED


@pytest.mark.parametrize("which", ["outside", "applicant"])
def test_a_leader_who_does_not_fit_is_refused_with_a_message(staff, world, team, station, which):
    if which == "outside":
        # In the staff's district, but living in another community than the station's.
        station = StationFactory(region=world.haishu_community, name="社区驿站")
        other = Region.objects.create(
            code="330203001999", name="别的社区", level=RegionLevel.COMMUNITY, parent=world.haishu_street
        )
        candidate = VolunteerFactory(community=other)
    else:
        candidate = VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)
    response = staff.post(
        reverse("volunteers:team_edit", args=[team.pk]),
        {"name": "医疗队", "station": station.pk, "leader": candidate.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert ("范围内" in html) if which == "outside" else ("已认证" in html)
    team.refresh_from_db()
    assert team.leader != candidate


@pytest.mark.parametrize("field", ["station", "leader", "specialty"])
@pytest.mark.parametrize("value", [str(10**30), "abc", "0"])
def test_bounded_ids_in_the_team_form(staff, world, station, field, value):
    leader = VolunteerFactory(community=world.haishu_community)
    data = {"name": "队", "station": station.pk, "leader": leader.pk, field: value}
    response = staff.post(reverse("volunteers:team_create"), data)
    assert response.status_code == 200 and not Team.objects.exists()


def test_another_districts_team_and_station_are_404(client, world, team, station):
    client.force_login(world.jiangbei_staff)
    for url in (
        reverse("volunteers:team_edit", args=[team.pk]),
        reverse("volunteers:station_edit", args=[station.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "x", "address": "y"}).status_code == 404
    assert "鼓楼驿站" not in client.get(reverse("volunteers:station_list")).content.decode()
    # Their own station list and their own choices hold nothing of Haishu's.
    form = client.get(reverse("volunteers:team_create")).content.decode()
    assert "鼓楼驿站" not in form and "张建国" not in form


def test_a_jiangbei_station_cannot_host_a_haishu_form_post(client, world, station):
    client.force_login(world.jiangbei_staff)
    leader = VolunteerFactory(community=world.jiangbei_community)
    response = client.post(
        reverse("volunteers:team_create"), {"name": "队", "station": station.pk, "leader": leader.pk}
    )
    assert response.status_code == 200 and not Team.objects.exists()


@pytest.mark.parametrize(
    "url", ["/volunteers/teams/%s/edit/" % (10**30), "/volunteers/stations/%s/edit/" % (10**30)]
)
def test_huge_ids_in_paths_are_404(staff, url):
    assert staff.get(url).status_code == 404


def test_the_buttons_follow_the_gate(client, world, team):
    volunteer = VolunteerFactory(community=world.haishu_community)
    for user, shown in ((world.haishu_staff, True), (volunteer.user, False), (world.haishu_secretary, False)):
        client.force_login(user)
        assert TEAM_STAFF(user) is shown
        html = client.get(reverse("volunteers:team_list")).content.decode()
        assert (reverse("volunteers:team_create") in html) is shown
        assert (reverse("volunteers:station_list") in html) is shown
        detail = client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
        assert (reverse("volunteers:team_edit", args=[team.pk]) in detail) is shown
        expected = 200 if shown else 403
        assert client.get(reverse("volunteers:station_list")).status_code == expected
        assert client.get(reverse("volunteers:team_create")).status_code == expected
    # Jiangbei's staff pass the gate but may not edit Haishu's team: no edit button for them.
    client.force_login(world.jiangbei_staff)
    detail = client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
    assert reverse("volunteers:team_edit", args=[team.pk]) not in detail


def test_the_station_list_reads_in_constant_queries(staff, world, django_assert_num_queries):
    StationFactory(region=world.haishu_street)
    url = reverse("volunteers:station_list")
    staff.get(url)  # warms the per-session caches
    with CaptureQueriesContext(connection) as one:
        staff.get(url)
    for _ in range(5):
        StationFactory(region=world.haishu_community)
    with django_assert_num_queries(len(one.captured_queries)):
        staff.get(url)
