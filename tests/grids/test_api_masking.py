"""Members leave the API (and the admin) masked: never a full mobile, ID number or name."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from grids.models import PartyMember
from grids.services import member_create, member_update
from portal.validators import id_gender
from tests.factories import UserFactory, make_id_number
from tests.harness import key_client, session_client

MOBILE, NAME = "13912345678", "欧阳小梅"


@pytest.fixture
def member(world) -> tuple[PartyMember, str]:
    id_number = make_id_number()
    created = member_create(
        actor=world.city_staff,
        id_number=id_number,
        name=NAME,
        gender=id_gender(id_number),  # the services hold the ID number to its sex
        birth_date=world.haishu_members[0].birth_date,
        join_date=world.haishu_members[0].join_date,
        organization=world.haishu_branch,
        mobile=MOBILE,
    )
    return created, id_number


def clients(world) -> list[APIClient]:
    return [session_client(world.city_staff), key_client(world.city)]


def test_full_mobile_and_id_number_appear_in_no_response(world, member):
    member, id_number = member
    urls = [
        "/api/v1/members/",
        f"/api/v1/members/{member.pk}/",
        f"/api/v1/members/?q={NAME[:2]}",  # a search finds the member, and still masks
        f"/api/v1/organizations/{member.organization_id}/",
        "/api/v1/organizations/",
        "/api/v1/regions/",
    ]
    for client in clients(world):
        for url in urls:
            for accept in ("application/json", "text/html"):  # the browsable API too
                response = client.get(url, HTTP_ACCEPT=accept)
                assert response.status_code == 200, url
                body = response.content.decode()
                assert MOBILE not in body, url
                assert id_number not in body and id_number[6:14] not in body, url
                assert NAME not in body, url
                assert member.id_number_hash not in body, url


def test_the_member_shows_masked_values(world, member):
    member, id_number = member
    data = clients(world)[1].get(f"/api/v1/members/{member.pk}/").json()
    assert data["name"] == "欧**梅"
    assert data["mobile"] == "139****5678"
    assert data["id_number"] == f"{id_number[:3]}{'*' * 11}{id_number[-4:]}"
    assert "id_number_hash" not in data


@pytest.fixture
def admin_client(world) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_member_admin_shows_masked_values_only(world, member, admin_client):
    member, id_number = member
    member_update(actor=world.city_staff, member=member, mobile="13700001111")
    pages = [
        "/admin/grids/partymember/",
        f"/admin/grids/partymember/{member.pk}/change/",
        f"/admin/grids/partymember/{member.pk}/history/",
    ]
    version = member.history.earliest()
    pages.append(f"/admin/grids/partymember/{member.pk}/history/{version.history_id}/")
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200, page
        body = response.content.decode()
        for secret in (MOBILE, "13700001111", id_number, member.id_number_hash, NAME):
            assert secret not in body, (page, secret)
    history = admin_client.get(f"/admin/grids/partymember/{member.pk}/history/").content.decode()
    assert "139****5678" in history and "137****1111" in history  # the change shows, masked


def test_the_member_admin_cannot_add_or_change(world, member, admin_client):
    member, _id_number = member
    assert admin_client.get("/admin/grids/partymember/add/").status_code == 403
    response = admin_client.post(f"/admin/grids/partymember/{member.pk}/change/", {"mobile": "13000000000"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.mobile == MOBILE
