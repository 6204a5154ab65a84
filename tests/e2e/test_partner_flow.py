"""A district platform submits a wish through Open311; the community's staff finds it in the moderation
queue on a phone, marked with the platform's name, and publishes it; the platform then reads it as open
and on the wall."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING

from portal.models import PartnerAPIKey
from tests.e2e.conftest import assert_accessible, login

if TYPE_CHECKING:
    from playwright.sync_api import Page


def open311(url: str, data: dict | None = None) -> tuple[int, list[dict]]:
    body = urllib.parse.urlencode(data).encode() if data else None
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=15) as response:
        return response.status, json.loads(response.read())


def test_a_wish_submitted_by_open311_is_published_by_the_community(page: Page, live_server, world):
    from playwright.sync_api import expect

    _api_key, key = PartnerAPIKey.objects.create_key(
        name="open311", partner="海曙区平台", region=world.haishu, scopes=["read", "wishes:write"]
    )
    status, [created] = open311(
        f"{live_server.url}/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "appliance_repair",
            "description": "家里的电饭煲坏了，想请人修一修。",
            "last_name": "王",
            "first_name": "小梅",
            "phone": "13712345678",
            "attribute[community]": world.haishu_community.code,
            "attribute[consent]": "yes",
        },
    )
    assert status == 201
    request_url = f"{live_server.url}/open311/v2/requests/{created['service_request_id']}.json?api_key={key}"
    assert open311(request_url)[1][0]["status_notes"] == "已提交，等待社区审核。"

    login(page, live_server.url, "haishu-community", "pass-1234-word")
    page.goto(f"{live_server.url}/wishes/moderation/")
    row = page.locator(".wish-queue .card", has_text="家里的电饭煲坏了")
    expect(row).to_contain_text("王*梅")
    assert_accessible(page, "moderation queue at 375px")
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_text("Open311 · 海曙区平台")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过并发布").click()

    [published] = open311(request_url)[1]
    assert (published["status"], published["status_notes"]) == ("open", "已发布到心愿墙，等待认领。")
    anyone = f"{live_server.url}/open311/v2/requests.json?service_request_id={created['service_request_id']}"
    assert [row["service_request_id"] for row in open311(anyone)[1]] == [created["service_request_id"]]
