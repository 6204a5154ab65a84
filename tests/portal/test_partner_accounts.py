"""A partner is a system, not a person: it calls the API with a key and never opens the web pages.

The login page refuses an account whose only role is partner, and a partner-role user who holds a
session anyway (logged in before this rule, or through a test client) sees no member and no API data.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from rest_framework.test import APIClient

from portal.models import Role
from tests.factories import UserFactory, assign

PASSWORD = "pass-1234-word"


@pytest.fixture
def partner(world):
    return assign(UserFactory(username="partner-system"), Role.PARTNER, region=world.city)


def test_the_login_page_refuses_a_partner_account_and_says_why(client, partner):
    response = client.post(reverse("login"), {"username": "partner-system", "password": PASSWORD})
    assert response.status_code == 200
    assert "合作系统账号不能登录网页，请通过 API 密钥调用接口。" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_person_who_also_holds_the_partner_role_still_logs_in(client, world):
    assign(world.haishu_staff, Role.PARTNER, region=world.haishu)
    response = client.post(reverse("login"), {"username": "haishu", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.haishu_staff.pk)


def test_a_partner_session_opens_no_member_page(client, world, partner):
    client.force_login(partner)
    member = world.haishu_members[0]
    assert client.get(reverse("grids:member_list")).status_code == 403
    assert client.get(reverse("grids:member_detail", args=[member.pk])).status_code == 404
    assert client.get(reverse("grids:organization_detail", args=[world.haishu_branch.pk])).status_code == 404
    assert client.get(reverse("grids:tree")).status_code == 403
    assert client.get(reverse("brands:activity_list")).status_code == 403
    html = client.get("/").content.decode()
    assert reverse("grids:member_list") not in html


def test_a_partner_session_reads_no_data_from_the_api(world, partner):
    api = APIClient()
    api.force_login(partner)
    assert api.get("/api/v1/members/").json()["results"] == []
    assert api.get("/api/v1/organizations/").json()["results"] == []
    assert api.get(f"/api/v1/members/{world.haishu_members[0].pk}/").status_code == 404
