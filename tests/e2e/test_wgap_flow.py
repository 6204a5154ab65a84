"""On a phone, a 帮帮团 leader fulfils a team claim and ticks the members who came along; when the
resident confirms, each ticked member has the hours on their record."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from PIL import Image

from tests.e2e.conftest import assert_accessible, login
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.factories import WishFactory
from volunteers.models import MembershipStatus, ServiceRecord, Station, Team, TeamMembership
from wishes.models import Rating
from wishes.services.claims import wish_claim, wish_confirm

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_team_leader_ticks_the_members_who_took_part(page: Page, live_server, world, tmp_path, settings):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "done.jpg"
    Image.new("RGB", (800, 600), (20, 120, 60)).save(photo, "JPEG")
    leader = VolunteerFactory(community=world.haishu_community, user=world.volunteer, role=None)
    station = Station.objects.create(name="驿站", region=world.haishu_community, address="海曙")
    team = Team.objects.create(name="温暖星期五帮帮团", station=station, leader=leader)
    came, stayed = (VolunteerFactory(community=world.haishu_community) for _ in range(2))
    for member in (came, stayed):
        TeamMembership.objects.create(team=team, volunteer=member, status=MembershipStatus.APPROVED)
    wish = WishFactory(community=world.haishu_community, title="想要一把轮椅")
    claim = wish_claim(wish=wish, volunteer=leader, claimant=team)

    login(page, live_server.url, leader.user.username, "pass-1234-word")
    page.goto(f"{live_server.url}/wishes/claims/{claim.pk}/fulfil/")
    page.get_by_label("完成说明").fill("队员们一起把轮椅送到了。")
    page.get_by_label("服务时长（小时）").fill("2")
    page.get_by_label("完成照片").set_input_files(str(photo))
    page.get_by_label(str(came)).check()
    assert_accessible(page, "team fulfil form at 375px")
    page.screenshot(path=str(tmp_path / "team-fulfil.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("等待居民确认").first).to_be_visible()

    wish.refresh_from_db()
    wish_confirm(wish=wish, rating=Rating.SATISFIED, tracking_code=wish.tracking_code)
    assert ServiceRecord.objects.get(volunteer=came).hours == Decimal("2.00")
    assert not ServiceRecord.objects.filter(volunteer=stayed).exists()
    came.refresh_from_db()
    assert came.hours_total == Decimal("2.00")
