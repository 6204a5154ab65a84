"""Every API error answers in one JSON shape: {"error": {"code", "message", "fields"?}}."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import include, path
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.test import APIClient

from portal.api.errors import _fields
from portal.api.viewsets import PortalViewSetMixin
from portal.errors import Conflict, IllegalTransition, NotAllowed
from tests.harness import key_client

pytestmark = pytest.mark.urls(__name__)


class FailingViewSet(PortalViewSetMixin, viewsets.ViewSet):
    """Raises what services raise, to see how the API answers."""

    RAISES = {
        "conflict": Conflict(),
        "illegal": IllegalTransition(),
        "not-allowed": NotAllowed(),
        "model-invalid": DjangoValidationError({"mobile": ["手机号格式不正确。"]}),
    }

    def retrieve(self, request, pk: str) -> Response:
        raise self.RAISES[pk]


class NestedSerializer(serializers.Serializer):
    class Attendee(serializers.Serializer):
        name = serializers.CharField()

    title = serializers.CharField()
    attendees = Attendee(many=True)


class NestedViewSet(PortalViewSetMixin, viewsets.ViewSet):
    def create(self, request) -> Response:
        NestedSerializer(data=request.data).is_valid(raise_exception=True)
        return Response(status=201)


router = SimpleRouter()
router.register("failing", FailingViewSet, basename="failing")
router.register("nested", NestedViewSet, basename="nested")
urlpatterns = [path("api/v1/test/", include(router.urls)), path("", include("portal.urls"))]


@pytest.fixture
def client(world) -> APIClient:
    client = APIClient()
    client.force_login(world.haishu_staff)
    return client


def error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["message"]
    return body["error"]


def test_401_when_not_logged_in(world):
    response = APIClient().get("/api/v1/members/")
    assert error(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Api-Key"


def test_403_for_a_key_lacking_the_scope(world):
    response = key_client(world.haishu, ["service:write"]).get("/api/v1/members/")
    assert error(response, 403)["code"] == "permission_denied"


def test_404_for_an_object_out_of_scope(client, world):
    response = client.get(f"/api/v1/organizations/{world.jiangbei_branch.pk}/")
    assert error(response, 404)["code"] == "not_found"


@pytest.mark.parametrize("url", ["/api/v1/no-such-endpoint/", "/api/v1/regions/x/y/"])
def test_404_for_an_unknown_endpoint(client, url):
    assert error(client.get(url), 404)["code"] == "not_found"


def test_404_for_a_bad_cursor(client):
    assert error(client.get("/api/v1/members/?cursor=garbage"), 404)["code"] == "not_found"


def test_400_for_an_invalid_filter_names_the_field(client):
    body = error(client.get("/api/v1/members/?status=retired"), 400)
    assert body["code"] == "invalid"
    assert list(body["fields"]) == ["status"]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "post"])
def test_405_for_a_method_the_endpoint_lacks(client, world, method):
    response = getattr(client, method)(f"/api/v1/regions/{world.haishu.code}/", {}, format="json")
    assert error(response, 405)["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("conflict", 409, "conflict"),
        ("illegal", 409, "illegal_transition"),
        ("not-allowed", 403, "permission_denied"),
        ("model-invalid", 400, "invalid"),
    ],
)
def test_domain_errors_from_services_keep_their_status_and_code(client, case, status, code):
    assert error(client.get(f"/api/v1/test/failing/{case}/"), status)["code"] == code


def test_a_model_validation_error_lists_its_fields(client):
    body = error(client.get("/api/v1/test/failing/model-invalid/"), 400)
    assert body["fields"] == {"mobile": ["手机号格式不正确。"]}


def test_nested_validation_errors_are_flattened_to_dotted_fields(client):
    response = client.post("/api/v1/test/nested/", {"attendees": [{"name": "张三"}, {}]}, format="json")
    fields = error(response, 400)["fields"]
    assert set(fields) == {"title", "attendees.1.name"}


def test_malformed_json_is_a_400_in_the_shape(client):
    response = client.post("/api/v1/test/nested/", "{not json", content_type="application/json")
    assert error(response, 400)["code"] == "parse_error"


def test_fields_without_a_field_go_under_non_field_errors():
    assert _fields(["整体有误"]) == {"non_field_errors": ["整体有误"]}
    assert _fields({"a": {"b": ["x"]}, "c": "y"}) == {"a.b": ["x"], "c": ["y"]}
