"""Submitting a wish through Open311: the same service as the form (limits, moderation), a key with
wishes:write whose region holds the community, the spec's errors, retries answered with the first
answer, and media_url fetched under the webhooks' address rules.

Haishu's platform holds a key with wishes:write for Haishu; Jiangbei's holds one for Jiangbei.
"""

import io
import json
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from rest_framework.test import APIClient

from portal.models import PartnerAPIKey
from wishes.models import Wish, WishChannel, WishStatus
from wishes.selectors.moderation import moderation_queue
from wishes.services.moderation import wish_approve, wish_reject

URL = "/open311/v2/requests"


def key_for(region, scopes=("read", "wishes:write"), partner="海曙区平台") -> str:
    _api_key, key = PartnerAPIKey.objects.create_key(
        name="o", partner=partner, region=region, scopes=list(scopes)
    )
    return key


def submission(world, key: str, **overrides) -> dict:
    data = {
        "api_key": key,
        "service_code": "elderly_disabled",
        "description": "腿脚不便，想要一把轮椅方便出门。\n最好能折叠。",
        "last_name": "王",
        "first_name": "小梅",
        "phone": "13712345678",
        "attribute[community]": world.haishu_community.code,
        "attribute[value]": "300",
        "attribute[consent]": "yes",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(data: dict, fmt: str = "json"):
    return APIClient().post(f"{URL}.{fmt}", data)  # form-encoded, as Open311 clients send


def rows(response) -> list[dict]:
    if response["content-type"].startswith("application/json"):
        return json.loads(response.content)
    return [{child.tag: child.text for child in item} for item in ET.fromstring(response.content)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_wish_submitted_by_open311_waits_in_the_moderation_queue(world, fmt):
    response = post(submission(world, key_for(world.haishu)), fmt)

    assert response.status_code == 201, response.content
    [created] = rows(response)
    wish = Wish.objects.get()
    assert str(created["service_request_id"]) == str(wish.pk) and created["token"]
    assert (wish.status, wish.channel, wish.partner) == (
        WishStatus.SUBMITTED,
        WishChannel.OPEN311,
        "海曙区平台",
    )
    assert (wish.resident_name, wish.resident_mobile, wish.title) == (
        "王小梅",
        "13712345678",
        "腿脚不便，想要一把轮椅方便出门。",
    )
    assert list(moderation_queue(world.haishu_community_staff)) == [wish]
    assert wish.tracking_code not in response.content.decode()
    assert "13712345678" not in response.content.decode() and "王小梅" not in response.content.decode()


def test_its_status_follows_the_wish(world):
    key = key_for(world.haishu)
    pk = rows(post(submission(world, key)))[0]["service_request_id"]

    def status() -> tuple[str, str]:
        row = rows(APIClient().get(f"{URL}/{pk}.json", {"api_key": key}))[0]
        return row["status"], row["status_notes"]

    assert status() == ("open", "已提交，等待社区审核。")
    wish_approve(actor=world.haishu_community_staff, wish=Wish.objects.get(pk=pk))
    assert status() == ("open", "已发布到心愿墙，等待认领。")
    assert APIClient().get(f"{URL}/{pk}.json").status_code == 200  # on the wall: anyone reads it


def test_a_rejection_closes_it_with_the_reason(world):
    key = key_for(world.haishu)
    pk = rows(post(submission(world, key)))[0]["service_request_id"]

    wish_reject(
        actor=world.haishu_community_staff, wish=Wish.objects.get(pk=pk), reason="请到社区当面登记具体尺寸"
    )

    row = rows(APIClient().get(f"{URL}/{pk}.xml", {"api_key": key}))[0]
    assert row["status"] == "closed" and "请到社区当面登记具体尺寸" in row["status_notes"]


def test_a_retry_gets_the_first_answer_and_no_second_wish(world):
    data = submission(world, key_for(world.haishu))

    first, retry = post(data), post(data)

    assert first.status_code == retry.status_code == 201
    assert rows(first) == rows(retry) and retry["Idempotent-Replayed"] == "true"
    assert Wish.objects.count() == 1
    assert post({**data, "description": "另一个心愿：想要一台收音机。"}).status_code == 201
    assert Wish.objects.count() == 2


@pytest.mark.parametrize(
    ("scopes", "region_name"),
    [(None, None), (("read",), "haishu"), (("read", "wishes:write"), "jiangbei")],
)
def test_it_needs_a_key_with_wishes_write_for_the_communitys_region(world, scopes, region_name):
    key = key_for(getattr(world, region_name), scopes) if scopes else None

    response = post(submission(world, key))

    assert response.status_code == (403 if scopes != ("read", "wishes:write") else 400)
    assert rows(response)[0]["code"] == response.status_code
    assert not Wish.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_invalid_api_key_is_a_403(world, fmt):
    response = post(submission(world, "abc.def"), fmt)

    assert response.status_code == 403
    assert str(rows(response)[0]["code"]) == "403"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"last_name": "X1"}, "last_name/first_name"),
        ({"attribute[consent]": None}, "attribute[consent]"),
        ({"attribute[value]": "100000"}, "attribute[value]"),
        ({"attribute[value]": "abc"}, "attribute[value]"),
        ({"service_code": "parking"}, "service_code"),
        ({"description": ""}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"attribute[community]": "999999999999"}, "attribute[community]"),
        ({"attribute[community]": None}, "attribute[community]"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_a_400_naming_the_open311_field_and_stores_nothing(world, overrides, field, fmt):
    response = post(submission(world, key_for(world.haishu), **overrides), fmt)

    assert response.status_code == 400, response.content
    errors = rows(response)
    assert all(str(error["code"]) == "400" for error in errors)
    assert any(error["description"].startswith(field) for error in errors), errors
    assert not Wish.objects.exists()


def test_the_address_id_names_the_community_too(world):
    data = submission(world, key_for(world.haishu), **{"attribute[community]": None})
    data["address_id"] = world.haishu_community.code

    assert post(data).status_code == 201


def test_the_limit_of_open_wishes_per_mobile_holds(world, settings):
    key = key_for(world.haishu)
    for n in range(settings.WISH_MAX_OPEN_PER_MOBILE):
        assert post(submission(world, key, description=f"心愿{n}")).status_code == 201

    response = post(submission(world, key, description="再多一个"))

    assert response.status_code == 429
    assert "最多同时有" in rows(response)[0]["description"]
    assert Wish.objects.count() == settings.WISH_MAX_OPEN_PER_MOBILE


def test_a_json_body_is_refused_with_a_415(world):
    response = APIClient().post(f"{URL}.json", submission(world, key_for(world.haishu)), format="json")

    assert response.status_code in (403, 415)  # the key inside a JSON body is not read
    assert not Wish.objects.exists()


# --- media_url ------------------------------------------------------------------------------------


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (183, 28, 28)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def media_server(settings, tmp_path):
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the test's own server, and only it
    settings.MEDIA_ROOT = tmp_path / "media"
    files = {"/wheelchair.jpg": jpeg_bytes(), "/notes.jpg": b"not an image\n" * 100}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = files.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("content-length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_media_url_is_fetched_as_the_wishs_photo(world, media_server):
    response = post(submission(world, key_for(world.haishu), media_url=f"{media_server}/wheelchair.jpg"))

    assert response.status_code == 201, response.content
    assert Wish.objects.get().photo.name


@pytest.mark.parametrize("path", ["/notes.jpg", "/missing.jpg"])
def test_a_media_url_that_is_no_image_is_a_400_and_no_wish(world, media_server, path):
    response = post(submission(world, key_for(world.haishu), media_url=f"{media_server}{path}"))

    assert response.status_code == 400
    assert rows(response)[0]["description"].startswith("media_url")
    assert not Wish.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/x.jpg", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/x.jpg"]
)
def test_a_media_url_at_an_unsafe_address_is_refused(world, url):
    response = post(submission(world, key_for(world.haishu), media_url=url))

    assert response.status_code == 400
    assert rows(response)[0]["description"].startswith("media_url")
    assert not Wish.objects.exists()
