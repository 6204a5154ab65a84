"""Idempotency-Key on POST, tested through small test-only endpoints mounted by this module.

There is no production POST endpoint yet, so ``urlpatterns`` below mounts a CreateReadViewSet that
creates party organizations (a row we can count, with history) and two endpoints that fail.
"""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import QuerySet
from django.urls import include, path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient

from grids.models import OrgKind, PartyOrganization, Region
from grids.selectors import organizations_visible
from portal.api.idempotency import ABANDONED_AFTER, KEEP_FOR
from portal.api.viewsets import CreateReadViewSet
from portal.models import IdempotencyRecord
from tests.factories import World
from tests.harness import key_client

pytestmark = pytest.mark.urls(__name__)


class BranchSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    photo = serializers.FileField(required=False, write_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "region", "photo", "created_at"]

    def create(self, validated_data: dict) -> PartyOrganization:
        validated_data.pop("photo", None)
        return PartyOrganization.objects.create(kind=OrgKind.BRANCH, **validated_data)


class BranchViewSet(CreateReadViewSet):
    serializer_class = BranchSerializer
    required_write_scope = "activities:write"
    # Hooks for the tests: a gate to hold a request mid-flight, and a failure to inject.
    gate: threading.Event | None = None
    fail_with: Exception | None = None

    def get_queryset(self) -> QuerySet[PartyOrganization]:
        return organizations_visible(self.request.user).select_related("region")

    def perform_create(self, serializer: BranchSerializer) -> None:
        if self.gate is not None:
            self.gate.wait(timeout=5)
        if BranchViewSet.fail_with is not None:
            exc, BranchViewSet.fail_with = BranchViewSet.fail_with, None
            raise exc
        super().perform_create(serializer)


class OpenBranchViewSet(BranchViewSet):
    permission_classes = [AllowAny]


class Unavailable(APIException):
    status_code = 503
    default_code = "unavailable"


router = SimpleRouter()
router.register("branches", BranchViewSet, basename="branch")
router.register("open-branches", OpenBranchViewSet, basename="open-branch")
urlpatterns = [path("api/v1/", include(router.urls))]

URL = "/api/v1/branches/"


@pytest.fixture(autouse=True)
def _reset_hooks():
    yield
    BranchViewSet.gate = None
    BranchViewSet.fail_with = None


@pytest.fixture
def client(world) -> APIClient:
    client = APIClient()
    client.force_login(world.haishu_staff)
    return client


def post(client: APIClient, key: str | None, data: dict, fmt: str = "json"):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, data, format=fmt, **headers)


def test_a_replayed_post_returns_the_first_response_and_creates_once(client, world):
    body = {"name": "新建网格党支部", "region": world.haishu_grid.code}
    first = post(client, "k-1", body)
    second = post(client, "k-1", body)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert PartyOrganization.objects.filter(name="新建网格党支部").count() == 1


def test_without_a_key_every_post_creates(client, world):
    body = {"name": "无密钥支部", "region": world.haishu_grid.code}
    post(client, None, body)
    post(client, None, body)
    assert PartyOrganization.objects.filter(name="无密钥支部").count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_the_same_key_with_a_different_body_is_refused_with_422(client, world):
    post(client, "k-1", {"name": "甲支部", "region": world.haishu_grid.code})
    response = post(client, "k-1", {"name": "乙支部", "region": world.haishu_grid.code})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert not PartyOrganization.objects.filter(name="乙支部").exists()


def test_the_same_key_from_another_principal_does_not_collide(client, world):
    body = {"name": "同名支部", "region": world.haishu_grid.code}
    other = APIClient()
    other.force_login(world.city_staff)
    partner = key_client(world.haishu, ["read", "activities:write"])

    responses = [post(c, "shared-key", body) for c in (client, other, partner)]

    assert [r.status_code for r in responses] == [201, 201, 201]
    assert len({r.json()["id"] for r in responses}) == 3
    assert not any(r.has_header("Idempotent-Replayed") for r in responses)


def test_a_partner_key_post_is_replayed_too(world):
    partner = key_client(world.haishu, ["read", "activities:write"])
    body = {"name": "合作方支部", "region": world.haishu_grid.code}
    first, second = post(partner, "p-1", body), post(partner, "p-1", body)

    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert PartyOrganization.objects.filter(name="合作方支部").count() == 1
    # A partner has no user row: the history records the write without a user.
    assert PartyOrganization.history.get(name="合作方支部").history_user is None


def test_json_key_order_and_spacing_do_not_change_the_fingerprint(client, world):
    code = world.haishu_grid.code
    first = client.post(
        URL, f'{{"name": "顺序支部", "region": "{code}"}}', content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-order",
    )  # fmt: skip
    second = client.post(
        URL, f'{{"region":"{code}","name":"顺序支部"}}', content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-order",
    )  # fmt: skip
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json()


def test_multipart_posts_with_files_are_fingerprinted_by_content(world):
    # A browser session with CSRF checked: Django parses the multipart body for the token
    # before DRF runs, after which the raw body can no longer be read.
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world.haishu_staff)
    client.cookies["csrftoken"] = "a" * 32
    client.credentials(HTTP_X_CSRFTOKEN="a" * 32)

    def upload(content: bytes) -> dict:
        return {
            "name": "上传支部",
            "region": world.haishu_grid.code,
            "photo": SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"),
        }

    first = post(client, "k-file", upload(b"same bytes"), fmt="multipart")
    replay = post(client, "k-file", upload(b"same bytes"), fmt="multipart")
    changed = post(client, "k-file", upload(b"other bytes"), fmt="multipart")

    assert first.status_code == 201
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert changed.status_code == 422
    assert PartyOrganization.objects.filter(name="上传支部").count() == 1


def test_a_validation_error_is_stored_and_replayed_like_any_4xx(client, world):
    body = {"name": "", "region": world.haishu_grid.code}
    first, second = post(client, "k-invalid", body), post(client, "k-invalid", body)

    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()
    assert "name" in first.json()["error"]["fields"]
    assert second["Idempotent-Replayed"] == "true"


def test_a_request_still_in_progress_answers_409(client, world):
    body = {"name": "处理中支部", "region": world.haishu_grid.code}
    post(client, "k-busy", body)
    # The state a concurrent retry finds: the first request has reserved the key, not finished.
    IdempotencyRecord.objects.filter(key="k-busy").update(status_code=None, body=None)

    response = post(client, "k-busy", body)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"
    assert PartyOrganization.objects.filter(name="处理中支部").count() == 1


def test_a_request_that_died_unfinished_is_taken_over_after_a_while(client, world):
    body = {"name": "接管支部", "region": world.haishu_grid.code}
    post(client, "k-dead", body)
    PartyOrganization.objects.filter(name="接管支部").delete()
    IdempotencyRecord.objects.filter(key="k-dead").update(
        status_code=None, body=None, created_at=timezone.now() - ABANDONED_AFTER - timedelta(seconds=1)
    )

    response = post(client, "k-dead", body)

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert IdempotencyRecord.objects.get(key="k-dead").status_code == 201


def test_records_expire_after_24_hours(client, world):
    body = {"name": "过期支部", "region": world.haishu_grid.code}
    post(client, "k-old", body)
    IdempotencyRecord.objects.update(created_at=timezone.now() - KEEP_FOR - timedelta(minutes=1))

    response = post(client, "k-old", body)

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert PartyOrganization.objects.filter(name="过期支部").count() == 2
    assert IdempotencyRecord.objects.count() == 1


def test_a_5xx_response_is_not_stored_so_the_retry_runs(client, world):
    body = {"name": "重试支部", "region": world.haishu_grid.code}
    BranchViewSet.fail_with = Unavailable()

    failed = post(client, "k-503", body)
    retried = post(client, "k-503", body)

    assert failed.status_code == 503
    assert failed.json()["error"]["code"] == "unavailable"
    assert retried.status_code == 201
    assert not retried.has_header("Idempotent-Replayed")
    assert PartyOrganization.objects.filter(name="重试支部").count() == 1


def test_an_unhandled_exception_releases_the_key(world):
    client = APIClient(raise_request_exception=False)
    client.force_login(world.haishu_staff)
    body = {"name": "崩溃支部", "region": world.haishu_grid.code}
    BranchViewSet.fail_with = RuntimeError("bug")

    crashed = post(client, "k-500", body)
    retried = post(client, "k-500", body)

    assert crashed.status_code == 500
    assert retried.status_code == 201
    assert PartyOrganization.objects.filter(name="崩溃支部").count() == 1


def test_only_post_is_idempotent(client, world):
    response = client.get(URL, HTTP_IDEMPOTENCY_KEY="k-get")
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


def test_anonymous_requests_are_never_keyed_together(world):
    body = {"name": "匿名支部", "region": world.haishu_grid.code}
    first = APIClient().post("/api/v1/open-branches/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    second = APIClient().post("/api/v1/open-branches/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    # Two strangers sending the same key must not receive each other's response.
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]


def test_an_overlong_key_is_a_validation_error(client, world):
    response = post(client, "x" * 256, {"name": "长密钥", "region": world.haishu_grid.code})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["error"]["fields"]


def test_a_key_without_the_write_scope_cannot_post(world):
    partner = key_client(world.haishu, ["read"])
    response = post(partner, "k-scope", {"name": "无权支部", "region": world.haishu_grid.code})
    assert response.status_code == 403
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_create_once():
    world = World()
    body = {"name": "并发支部", "region": world.haishu_grid.code}
    BranchViewSet.gate = threading.Event()
    statuses: list[int] = []

    def send() -> None:
        client = APIClient()
        client.force_login(world.haishu_staff)
        statuses.append(post(client, "k-race", body).status_code)
        connection.close()

    first = threading.Thread(target=send)
    first.start()
    # Wait until the first request holds the key, then retry while it is still running.
    for _ in range(100):
        if IdempotencyRecord.objects.filter(key="k-race").exists():
            break
        threading.Event().wait(0.05)
    send()
    BranchViewSet.gate.set()
    first.join()

    assert sorted(statuses) == [201, 409]
    assert PartyOrganization.objects.filter(name="并发支部").count() == 1
