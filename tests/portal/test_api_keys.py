"""Partner API keys: how a key is refused, scoped, stored, issued and revoked."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from grids.models import Region
from portal.models import PartnerAPIKey

REGIONS = "/api/v1/regions/"


def make_key(region: Region, scopes: list[str] | None = None, **fields) -> str:
    _api_key, key = PartnerAPIKey.objects.create_key(
        name="sync", partner="宁波市民卡中心", region=region, scopes=scopes or ["read"], **fields
    )
    return key


def get(url: str, authorization: str | None = None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return APIClient().get(url, **headers)


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_a_valid_key_reads_its_region(world):
    response = get(REGIONS, f"Api-Key {make_key(world.haishu)}")
    assert response.status_code == 200
    assert {r["code"] for r in response.json()["results"]} == {
        world.haishu.code, world.haishu_street.code, world.haishu_community.code, world.haishu_grid.code,
    }  # fmt: skip


def test_a_missing_key_is_401_with_a_challenge(world):
    response = get(REGIONS)
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Api-Key"


def test_another_authorization_scheme_counts_as_missing(world):
    assert_error(get(REGIONS, "Bearer abc.def"), 401, "not_authenticated")


@pytest.mark.parametrize(
    "authorization",
    ["Api-Key nonsense", "Api-Key abcdefgh.wrong-secret", "Api-Key ", "api-key x.y"],
    ids=["garbage", "unknown-prefix", "empty", "lowercase-keyword"],
)
def test_a_wrong_key_is_401(world, authorization):
    response = get(REGIONS, authorization)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in {"authentication_failed", "not_authenticated"}


def test_a_right_prefix_with_a_wrong_secret_is_401(world):
    prefix = make_key(world.haishu).partition(".")[0]
    assert_error(get(REGIONS, f"Api-Key {prefix}.{'x' * 32}"), 401, "authentication_failed")


def test_a_revoked_key_is_401(world):
    key = make_key(world.haishu)
    PartnerAPIKey.objects.update(revoked=True)
    assert_error(get(REGIONS, f"Api-Key {key}"), 401, "authentication_failed")


def test_an_expired_key_is_401(world):
    key = make_key(world.haishu, expiry_date=timezone.now() - timedelta(minutes=1))
    response = get(REGIONS, f"Api-Key {key}")
    assert_error(response, 401, "authentication_failed")
    assert "过期" in response.json()["error"]["message"]


def test_a_key_not_yet_expired_works(world):
    key = make_key(world.haishu, expiry_date=timezone.now() + timedelta(days=1))
    assert get(REGIONS, f"Api-Key {key}").status_code == 200


def test_a_key_without_read_scope_cannot_get(world):
    key = make_key(world.haishu, scopes=["wishes:write"])
    response = get(REGIONS, f"Api-Key {key}")
    assert_error(response, 403, "permission_denied")
    assert "read" in response.json()["error"]["message"]


def test_a_key_does_not_see_outside_its_region(world):
    authorization = f"Api-Key {make_key(world.haishu)}"
    outside = world.jiangbei_members[0]

    listed = get("/api/v1/members/", authorization).json()["results"]
    assert outside.pk not in {m["id"] for m in listed}
    assert_error(get(f"/api/v1/members/{outside.pk}/", authorization), 404, "not_found")
    assert_error(get(f"/api/v1/regions/{world.city.code}/", authorization), 404, "not_found")


def test_a_wrong_key_fails_even_alongside_a_valid_session(world):
    client = APIClient()
    client.force_login(world.city_staff)
    response = client.get(REGIONS, HTTP_AUTHORIZATION="Api-Key abcdefgh.wrong")
    assert response.status_code == 401


def test_only_a_hash_of_the_key_is_stored(world):
    key = make_key(world.haishu)
    prefix, _dot, secret = key.partition(".")
    row = PartnerAPIKey.objects.values().get(prefix=prefix)
    assert not any(secret in str(value) for value in row.values())


class TestCreateApiKeyCommand:
    def run(self, *args: str) -> tuple[str, str]:
        out, err = StringIO(), StringIO()
        call_command("create_api_key", *args, stdout=out, stderr=err)
        return out.getvalue().strip(), err.getvalue()

    def test_it_prints_a_working_key_once(self, world):
        key, note = self.run(
            "--partner", "海曙区志愿者平台", "--region", world.haishu.code, "--scopes", "read,wishes:write"
        )

        api_key = PartnerAPIKey.objects.get()
        assert key.startswith(api_key.prefix + ".")
        assert (api_key.partner, api_key.region, api_key.scopes) == (
            "海曙区志愿者平台", world.haishu, ["read", "wishes:write"],
        )  # fmt: skip
        assert api_key.expiry_date is None
        assert key not in note  # the human note names the prefix, never the secret
        assert get(REGIONS, f"Api-Key {key}").status_code == 200

    def test_it_sets_an_expiry(self, world):
        self.run("--partner", "P", "--region", world.haishu.code, "--expires-days", "30")
        expiry = PartnerAPIKey.objects.get().expiry_date
        assert timedelta(days=29) < expiry - timezone.now() <= timedelta(days=30)

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--region", "999999"], "No region"),
            (["--region", "330203", "--scopes", "read,delete:all"], "delete:all"),
            (["--region", "330203", "--expires-days", "0"], "positive"),
        ],
        ids=["unknown-region", "unknown-scope", "non-positive-expiry"],
    )
    def test_it_refuses_bad_input_and_creates_nothing(self, world, args, message):
        with pytest.raises(CommandError, match=message):
            self.run("--partner", "P", *args)
        assert not PartnerAPIKey.objects.exists()
