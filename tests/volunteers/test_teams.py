"""Teams: a volunteer asks to join, the leader (or staff over the team's place) decides, a member
leaves; the public team page masks the members' names and shows the team's confirmed hours."""

import pytest
from django.urls import reverse

from portal.errors import Conflict, NotAllowed
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import StationFactory
from volunteers.models import MembershipStatus, TeamMembership, VolunteerStatus
from volunteers.services.teams import membership_decide, membership_leave, membership_request, team_create


@pytest.fixture
def team(world):
    leader = VolunteerFactory(community=world.haishu_community, name="张建国")
    station = StationFactory(region=world.haishu_street, name="鼓楼驿站")
    return team_create(actor=world.haishu_staff, name="医疗志愿服务队", station=station, leader=leader)


def test_the_leader_is_the_first_member(team):
    assert list(TeamMembership.objects.values_list("volunteer", "status")) == [
        (team.leader_id, MembershipStatus.APPROVED)
    ]


def test_an_outsider_cannot_found_a_team_at_our_station(world):
    leader = VolunteerFactory(community=world.haishu_community)
    with pytest.raises(NotAllowed):
        team_create(
            actor=world.jiangbei_staff, name="队", station=StationFactory(region=world.haishu), leader=leader
        )


def test_join_approve_and_leave(world, team):
    volunteer = VolunteerFactory(community=world.haishu_community)
    membership = membership_request(volunteer=volunteer, team=team)
    with pytest.raises(Conflict):
        membership_request(volunteer=volunteer, team=team)
    with pytest.raises(NotAllowed):
        membership_decide(actor=world.jiangbei_staff, membership=membership, approve=True)
    membership_decide(actor=team.leader.user, membership=membership, approve=True)
    assert TeamMembership.objects.get(pk=membership.pk).status == MembershipStatus.APPROVED
    membership_leave(volunteer=volunteer, team=team)
    assert TeamMembership.objects.get(pk=membership.pk).status == MembershipStatus.LEFT
    # Having left, the volunteer may ask again.
    assert membership_request(volunteer=volunteer, team=team).status == MembershipStatus.PENDING


def test_an_applicant_cannot_join(world, team):
    applicant = VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)
    with pytest.raises(Conflict):
        membership_request(volunteer=applicant, team=team)


def test_the_public_team_page_masks_members(client, world, team):
    html = client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
    assert "张*国" in html and "张建国" not in html and "鼓楼驿站" in html
    client.force_login(world.haishu_staff)
    assert "张建国" in client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
    client.force_login(world.jiangbei_staff)
    assert "张建国" not in client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()


def test_joining_through_the_page(client, world, team):
    volunteer = VolunteerFactory(community=world.haishu_community, name="李小红")
    client.force_login(volunteer.user)
    assert "申请加入" in client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
    client.post(reverse("volunteers:team_join", args=[team.pk]))
    membership = TeamMembership.objects.get(volunteer=volunteer)
    client.force_login(team.leader.user)
    assert "李小红" in client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()
    client.post(reverse("volunteers:membership_decide", args=[membership.pk]), {"decision": "approve"})
    assert TeamMembership.objects.get(pk=membership.pk).status == MembershipStatus.APPROVED


def test_an_outsider_cannot_decide_a_request(client, world, team):
    membership = membership_request(volunteer=VolunteerFactory(community=world.haishu_community), team=team)
    client.force_login(world.jiangbei_staff)
    response = client.post(
        reverse("volunteers:membership_decide", args=[membership.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert TeamMembership.objects.get(pk=membership.pk).status == MembershipStatus.PENDING


def test_unknown_and_huge_team_ids_are_404(client, db):
    assert client.get("/volunteers/teams/999/").status_code == 404
    assert client.get(f"/volunteers/teams/{10**30}/").status_code == 404


def test_the_team_page_shows_the_team_s_confirmed_hours(client, world, team):
    from decimal import Decimal

    from tests.volunteers.hours_factories import RecordFactory, approved_record

    approved_record(team.leader, world.haishu_staff, team=team, hours=Decimal("2.5"))
    approved_record(team.leader, world.haishu_staff, team=team, hours=Decimal("4"))
    RecordFactory(volunteer=team.leader, team=team, hours=Decimal("9"))  # pending: not counted

    html = client.get(reverse("volunteers:team_detail", args=[team.pk])).content.decode()

    assert "累计服务时长（小时）" in html and "6.50" in html and "15.50" not in html
