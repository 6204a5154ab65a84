"""District staff set up a station and a team on a phone, then hand the team to a new leader."""

from __future__ import annotations

from tests.e2e.conftest import assert_accessible, login
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Station, Team


def test_staff_set_up_a_station_and_a_team_and_change_its_leader(page, live_server, world):
    from playwright.sync_api import expect

    first = VolunteerFactory(community=world.haishu_community, name="张建国")
    second = VolunteerFactory(community=world.haishu_community, name="李秀兰")
    login(page, live_server.url, "haishu", "pass-1234-word")

    page.goto(f"{live_server.url}/volunteers/teams/")
    page.get_by_role("link", name="驿站管理").click()
    page.get_by_role("link", name="新建驿站").click()
    page.get_by_label("驿站名称").fill("鼓楼驿站")
    page.get_by_label("所在区域").select_option(world.haishu_street.code)
    page.get_by_label("地址").fill("中山西路 1 号")
    assert_accessible(page, "station form")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("link", name="鼓楼驿站")).to_be_visible()
    station = Station.objects.get(name="鼓楼驿站")

    page.goto(f"{live_server.url}/volunteers/teams/new/")
    page.get_by_label("服务队名称").fill("鼓楼助老队")
    page.get_by_label("所属驿站").select_option(str(station.pk))
    page.get_by_label("队长").select_option(str(first.pk))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="鼓楼助老队")).to_be_visible()

    page.get_by_role("link", name="修改服务队 / 更换队长").click()
    page.get_by_label("队长").select_option(str(second.pk))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("服务队已保存。")).to_be_visible()
    assert Team.objects.get(name="鼓楼助老队").leader == second
