"""A team claim (帮帮团) credits every member who took part: the leader ticks the team's approved
members on fulfilling, and the confirmation gives each an approved record (source=WISH) with their
totals moved in the same transaction. Anyone outside the team is refused with 400, nothing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from tests.harness import session_client
from tests.wishes.claim_helpers import _media_in_tmp, photo, published, upload, volunteer  # noqa: F401
from volunteers.models import (
    MembershipStatus,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Station,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerYear,
)
from wishes.models import ClaimStatus, Rating, WishClaim
from wishes.services.claims import NotTeamMember, wish_claim, wish_confirm, wish_fulfil

pytestmark = pytest.mark.django_db


@pytest.fixture
def team_claim(world):
    leader = volunteer(world)
    station = Station.objects.create(name="驿站", region=world.haishu_community, address="海曙")
    team = Team.objects.create(name="温暖星期五帮帮团", station=station, leader=leader)
    members = [volunteer(world) for _ in range(3)]
    for member in members:
        TeamMembership.objects.create(team=team, volunteer=member, status=MembershipStatus.APPROVED)
    pending = volunteer(world)
    TeamMembership.objects.create(team=team, volunteer=pending, status=MembershipStatus.PENDING)
    claim = wish_claim(wish=published(world), volunteer=leader, claimant=team)
    return claim, leader, members, pending


def _confirm(claim: WishClaim) -> None:
    wish_confirm(wish=claim.wish, rating=Rating.SATISFIED, tracking_code=claim.wish.tracking_code)


def _assert_totals_match_records(volunteer: Volunteer) -> None:
    volunteer.refresh_from_db()
    approved = ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.APPROVED)
    assert volunteer.hours_total == (approved.aggregate(s=Sum("hours"))["s"] or 0)
    for year in VolunteerYear.objects.filter(volunteer=volunteer):
        in_year = approved.filter(served_on__year=year.year).aggregate(s=Sum("hours"))["s"] or 0
        assert year.hours == in_year


def test_the_ticked_members_and_the_leader_are_each_credited_once(team_claim):
    claim, leader, members, _pending = team_claim
    ticked = members[:2]
    wish_fulfil(
        claim=claim, actor=leader.user, note="一起送到了", hours=Decimal("3"), evidence=photo(),
        participants=[m.pk for m in ticked],
    )  # fmt: skip
    _confirm(claim)
    for person in (leader, *ticked):
        records = ServiceRecord.objects.filter(volunteer=person, source=RecordSource.WISH)
        assert [(r.hours, r.status, r.team_id) for r in records] == [
            (Decimal("3.00"), RecordStatus.APPROVED, claim.team_id)
        ]
        _assert_totals_match_records(person)
    assert not ServiceRecord.objects.filter(volunteer=members[2]).exists()
    team = Team.objects.get(pk=claim.team_id)
    assert team.hours_total == Decimal("9.00")


def test_a_pending_member_or_an_outsider_is_refused_and_nothing_changes(world, team_claim):
    claim, leader, members, pending = team_claim
    outsider = volunteer(world)
    for ids in ([pending.pk], [outsider.pk], [members[0].pk, outsider.pk], [10**6]):
        with pytest.raises(NotTeamMember):
            wish_fulfil(
                claim=claim,
                actor=leader.user,
                note="好",
                hours=Decimal("2"),
                evidence=photo(),
                participants=ids,
            )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACTIVE and not claim.participants.exists()


def test_a_lone_volunteers_claim_takes_no_participants(world):
    me, other = volunteer(world), volunteer(world)
    claim = wish_claim(wish=published(world), volunteer=me)
    with pytest.raises(NotTeamMember):
        wish_fulfil(
            claim=claim,
            actor=me.user,
            note="好",
            hours=Decimal("2"),
            evidence=photo(),
            participants=[other.pk],
        )


def test_the_api_takes_a_participants_list_and_refuses_outsiders_with_400(world, team_claim):
    claim, leader, members, _pending = team_claim
    client = session_client(leader.user)
    url = f"/api/v1/wishes/{claim.wish_id}/fulfil/"
    for bad in ([volunteer(world).pk], [10**30], ["x"]):
        response = client.post(
            url, {"note": "好", "hours": "2", "evidence": upload(), "participants": bad}, format="multipart"
        )
        assert response.status_code == 400, response.content
    assert WishClaim.objects.get(pk=claim.pk).status == ClaimStatus.ACTIVE
    response = client.post(
        url,
        {"note": "好", "hours": "2", "evidence": upload(), "participants": [members[0].pk, members[1].pk]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    staff = session_client(world.haishu_community_staff)
    confirmed = staff.post(f"/api/v1/wishes/{claim.wish_id}/confirm/", {"rating": "satisfied"}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    for person in (leader, members[0], members[1]):
        _assert_totals_match_records(person)
        assert ServiceRecord.objects.filter(volunteer=person, source=RecordSource.WISH).count() == 1


def test_the_fulfil_page_lists_approved_members_and_credits_the_ticked(client, world, team_claim):
    claim, leader, members, pending = team_claim
    client.force_login(leader.user)
    page = reverse("wishes:claim_fulfil", args=[claim.pk])
    html = client.get(page).content.decode()
    assert f'value="{members[0].pk}"' in html and f'value="{pending.pk}"' not in html
    outsider = volunteer(world)
    refused = client.post(
        page, {"note": "好", "hours": "2", "evidence": upload(), "participants": [outsider.pk]}
    )
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.content.decode()
    assert WishClaim.objects.get(pk=claim.pk).status == ClaimStatus.ACTIVE
    done = client.post(
        page, {"note": "好", "hours": "2", "evidence": upload(), "participants": [members[2].pk]}
    )
    assert done.status_code == 302
    _confirm(WishClaim.objects.get(pk=claim.pk))
    assert ServiceRecord.objects.filter(volunteer=members[2], status=RecordStatus.APPROVED).count() == 1
    _assert_totals_match_records(members[2])


def test_another_districts_volunteer_cannot_open_the_fulfil_page(client, world, team_claim):
    claim, _leader, members, _pending = team_claim
    stranger = volunteer(world, community=world.jiangbei_community)
    client.force_login(stranger.user)
    assert client.get(reverse("wishes:claim_fulfil", args=[claim.pk])).status_code == 404
    client.force_login(members[0].user)  # a member is not the claimant either
    assert client.get(reverse("wishes:claim_fulfil", args=[claim.pk])).status_code == 404
    response = session_client(stranger.user).post(
        f"/api/v1/wishes/{claim.wish_id}/fulfil/",
        {"note": "好", "hours": "2", "evidence": upload(), "participants": [members[0].pk]},
        format="multipart",
    )
    assert response.status_code in (403, 404)


def test_a_team_claim_is_in_every_approved_members_claims_and_no_one_elses(world, team_claim):
    from wishes.selectors.wall import claims_of, live_claims_of

    claim, leader, members, pending = team_claim
    own = wish_claim(wish=published(world), volunteer=members[0])
    assert list(claims_of(members[0])) == [own, claim]  # newest first, each once
    assert list(live_claims_of(leader)) == [claim]
    assert list(claims_of(members[1])) == [claim]
    assert list(claims_of(pending)) == [] and list(claims_of(volunteer(world))) == []
    own.status = ClaimStatus.RELEASED
    own.save(update_fields=["status"])
    assert list(live_claims_of(members[0])) == [claim]
