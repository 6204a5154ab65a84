"""Managing partner keys (and users) in the admin."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from rest_framework.test import APIClient

from portal.models import PartnerAPIKey, Role, RoleAssignment
from tests.factories import UserFactory

KEY_IN_MESSAGE = re.compile(r"API 密钥：(\S+\.\S+)")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(superuser) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def add_key(admin_client: Client, world, **overrides):
    data = {
        "partner": "宁波市民卡中心",
        "name": "",
        "region": world.haishu.pk,
        "scopes": ["read", "wishes:write"],
        **overrides,
    }
    return admin_client.post("/admin/portal/partnerapikey/add/", data, follow=True)


def test_adding_a_key_shows_the_full_key_once(admin_client, world, superuser):
    response = add_key(admin_client, world)

    api_key = PartnerAPIKey.objects.get()
    messages = [str(m) for m in response.context["messages"]]
    (key,) = [KEY_IN_MESSAGE.search(m).group(1) for m in messages if KEY_IN_MESSAGE.search(m)]
    assert key.startswith(api_key.prefix + ".")
    assert (api_key.scopes, api_key.region, api_key.created_by) == (
        ["read", "wishes:write"],
        world.haishu,
        superuser,
    )
    assert api_key.name == "宁波市民卡中心"  # blank purpose falls back to the partner
    assert APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 200

    # Not shown again: neither on the list nor on the key's page.
    for page in ("/admin/portal/partnerapikey/", f"/admin/portal/partnerapikey/{api_key.pk}/change/"):
        assert key.partition(".")[2] not in admin_client.get(page).content.decode()


def test_the_list_shows_prefix_partner_region_scopes_and_state(admin_client, world):
    add_key(admin_client, world)
    api_key = PartnerAPIKey.objects.get()

    body = admin_client.get("/admin/portal/partnerapikey/").content.decode()

    for shown in (api_key.prefix, "宁波市民卡中心", "海曙区", "read, wishes:write"):
        assert shown in body


def test_an_unknown_scope_is_refused(admin_client, world):
    response = add_key(admin_client, world, scopes=["read", "everything"])
    assert response.status_code == 200
    assert not PartnerAPIKey.objects.exists()


def test_the_revoke_action_revokes_and_the_key_stops_working(admin_client, world):
    revoked, key = PartnerAPIKey.objects.create_key(
        name="k", partner="P", region=world.haishu, scopes=["read"]
    )
    kept, _kept_key = PartnerAPIKey.objects.create_key(
        name="k2", partner="Q", region=world.haishu, scopes=["read"]
    )

    admin_client.post(
        "/admin/portal/partnerapikey/",
        {"action": "revoke", "_selected_action": [revoked.pk]},
    )

    assert PartnerAPIKey.objects.get(pk=revoked.pk).revoked
    assert not PartnerAPIKey.objects.get(pk=kept.pk).revoked
    assert APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 401


def test_keys_are_revoked_not_deleted(admin_client, world):
    api_key, _key = PartnerAPIKey.objects.create_key(
        name="k", partner="P", region=world.haishu, scopes=["read"]
    )
    assert admin_client.get(f"/admin/portal/partnerapikey/{api_key.pk}/delete/").status_code == 403


def test_the_plain_library_key_model_is_not_in_the_admin(admin_client):
    assert admin_client.get("/admin/rest_framework_api_key/apikey/").status_code == 404


def test_the_user_admin_edits_real_name_and_mobile_and_lists_the_mobile_masked(admin_client, world):
    user = world.haishu_staff
    user.mobile = "13812345678"
    user.save(update_fields=["mobile"])

    changelist = admin_client.get("/admin/portal/user/").content.decode()
    change = admin_client.get(f"/admin/portal/user/{user.pk}/change/").content.decode()

    assert "138****5678" in changelist and "13812345678" not in changelist
    assert 'name="real_name"' in change and 'name="mobile"' in change


def test_a_role_assignment_added_in_the_admin_records_who_granted_it(admin_client, world, superuser):
    user = UserFactory()
    response = admin_client.post(
        "/admin/portal/roleassignment/add/",
        {"user": user.pk, "role": Role.DISTRICT_STAFF, "region": world.jiangbei.pk, "organization": ""},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.region, assignment.granted_by) == (world.jiangbei, superuser)


def test_staff_see_only_the_keys_of_their_scope(world):
    world.haishu_staff.is_staff = True
    world.haishu_staff.save(update_fields=["is_staff"])
    world.haishu_staff.user_permissions.add(Permission.objects.get(codename="view_partnerapikey"))
    PartnerAPIKey.objects.create_key(
        name="mine", partner="海曙合作方", region=world.haishu_street, scopes=["read"]
    )
    PartnerAPIKey.objects.create_key(
        name="theirs", partner="江北合作方", region=world.jiangbei, scopes=["read"]
    )
    client = Client()
    client.force_login(world.haishu_staff)

    body = client.get("/admin/portal/partnerapikey/").content.decode()

    assert "海曙合作方" in body and "江北合作方" not in body
