"""The residents' pages: pick the place step by step (no script needed), submit, get the code, track it."""

import uuid

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.wishes.factories import WishFactory
from wishes.models import Wish, WishStatus
from wishes.services.moderation import wish_reject

NEW = reverse("wishes:wish_new")
TRACK = reverse("wishes:track")


def form_data(world, **overrides) -> dict:
    return {
        "community": world.haishu_community.code,
        "name": "王小梅",
        "mobile": "13812345678",
        "category": "elderly_disabled",
        "title": "想要一把轮椅",
        "description": "老伴腿脚不便，想要一把轮椅<script>alert(1)</script>",
        "value": "300",
        "consent": "on",
        "submission_token": str(uuid.uuid4()),
        **overrides,
    }


def test_the_place_is_picked_one_list_a_page_without_a_script(client, world):
    page = client.get(NEW).content.decode()
    assert world.haishu.name in page and world.jiangbei.name in page
    assert world.haishu_street.name not in page
    page = client.get(NEW, {"district": world.haishu.code}).content.decode()
    assert world.haishu_street.name in page and world.haishu_community.name not in page
    page = client.get(
        NEW, {"district": world.haishu.code, "street": world.haishu_street.code}
    ).content.decode()
    assert world.haishu_community.name in page
    chosen = {
        "district": world.haishu.code,
        "street": world.haishu_street.code,
        "community": world.haishu_community.code,
    }
    page = client.get(NEW, chosen).content.decode()
    assert 'name="title"' in page and f'value="{world.haishu_community.code}"' in page


def test_a_district_changed_on_the_last_step_wins(client, world):
    chosen = {
        "district": world.jiangbei.code,
        "street": world.haishu_street.code,
        "community": world.haishu_community.code,
    }
    page = client.get(NEW, chosen).content.decode()
    assert 'name="title"' not in page and world.jiangbei_street.name in page


def test_the_picker_script_reads_the_next_list(client, world):
    streets = client.get(reverse("wishes:wish_regions"), {"district": world.haishu.code}).json()
    assert streets == {"regions": [{"code": world.haishu_street.code, "name": world.haishu_street.name}]}
    communities = client.get(reverse("wishes:wish_regions"), {"street": world.haishu_street.code}).json()
    assert communities["regions"][0]["code"] == world.haishu_community.code


def test_a_resident_submits_and_is_shown_the_code_grouped(client, world):
    response = client.post(NEW, form_data(world))
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert wish.description.endswith("<script>alert(1)</script>")  # stored as text
    page = client.get(response.url).content.decode()
    groups = wish.tracking_code_display.split("-")
    assert all(f"<span>{g}</span>" in page for g in groups)
    assert reverse("wishes:track_wish", args=[wish.tracking_code]) in page


def test_errors_come_back_on_their_fields(client, world):
    response = client.post(NEW, form_data(world, mobile="12345", value="9999", consent=""))
    page = response.content.decode()
    assert response.status_code == 200 and not Wish.objects.exists()
    assert "请输入有效的11位手机号码" in page and "不能超过 500 元" in page and "请阅读并同意" in page


def test_the_fourth_open_wish_answers_429_with_a_clear_message(client, world):
    WishFactory.create_batch(3, community=world.haishu_community, resident_mobile="13812345678")
    response = client.post(NEW, form_data(world))
    assert response.status_code == 429 and "最多同时有 3 个" in response.content.decode()


def test_a_hostile_photo_is_refused_on_its_field(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.jpg", b"GIF89a<script>", content_type="image/jpeg")
    response = client.post(NEW, {**form_data(world), "photo": upload})
    assert response.status_code == 200 and "无法识别为图片" in response.content.decode()
    assert not Wish.objects.exists()


def test_tracking_shows_status_timeline_and_the_reason_escaped_and_masked(client, world):
    wish = WishFactory(
        community=world.haishu_community,
        status=WishStatus.SUBMITTED,
        resident_mobile="13812345678",
        description="<b>轮椅</b>",
    )
    wish_reject(
        actor=world.haishu_community_staff, wish=wish, reason="属于民政救助范围，请到社区服务中心办理"
    )
    response = client.get(TRACK, {"code": wish.tracking_code_display.lower()})
    assert response.url == reverse("wishes:track_wish", args=[wish.tracking_code])
    page = client.get(response.url).content.decode()
    assert "未通过" in page and "属于民政救助范围" in page and "审核人 林*英" in page
    assert "&lt;b&gt;轮椅&lt;/b&gt;" in page
    assert "王小梅" not in page and "13812345678" not in page and "王*梅" in page


def test_an_unknown_code_is_a_friendly_404(client, world):
    response = client.get(reverse("wishes:track_wish", args=["ACDEFGHJKM"]))
    assert response.status_code == 404 and "没有找到这个查询码" in response.content.decode()


@override_settings(WISH_LOOKUP_RATE="3/hour")
def test_tracking_lookups_are_rate_limited_per_ip(client, world):
    wish = WishFactory(community=world.haishu_community)
    url = reverse("wishes:track_wish", args=[wish.tracking_code])
    for code in ("ACDEFGHJKM", "ACDEFGHJKN", "ACDEFGHJKP"):
        client.get(reverse("wishes:track_wish", args=[code]), REMOTE_ADDR="198.51.100.7")
    refused = client.get(url, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and "查询次数过多" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="198.51.100.8").status_code == 200


@override_settings(WISH_SUBMIT_RATE="1/hour")
def test_submissions_are_rate_limited_per_ip(client, world):
    assert client.post(NEW, form_data(world), REMOTE_ADDR="198.51.100.7").status_code == 302
    refused = client.post(NEW, form_data(world, mobile="13900000000"), REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429 and "提交心愿过于频繁" in refused.content.decode()


@pytest.mark.parametrize("url", [NEW, TRACK, reverse("wishes:privacy")])
def test_the_residents_pages_need_no_account(client, world, url):
    assert client.get(url).status_code == 200
