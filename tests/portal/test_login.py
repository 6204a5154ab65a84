import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "pass-1234-word"
LOGIN_URL = reverse("login")
ATTACKER_IP = "203.0.113.7"
OTHER_IP = "198.51.100.23"

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str, ip: str = ATTACKER_IP, **extra: str):
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)


def fail_until_locked(client: Client, username: str, ip: str = ATTACKER_IP):
    """Fail AXES_FAILURE_LIMIT times; returns the last response."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = post_login(client, username, "wrong-password", ip)
    return response


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_it_logs_in_with_the_username(client):
    user = UserFactory(username="wangxm")
    response = post_login(client, "wangxm", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)


def test_it_logs_in_with_the_mobile_number_as_people_type_it(client):
    user = UserFactory(username="wangxm", mobile="13805740001")
    response = post_login(client, "138 0574 0001", PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_it_says_the_credentials_are_wrong_and_warns_of_the_lockout(client):
    UserFactory(username="wangxm")
    response = post_login(client, "wangxm", "wrong-password")
    assert response.status_code == 200
    assert "用户名/手机号或密码不正确" in response.content.decode()
    assert "暂时锁定" in response.content.decode()
    assert signed_in_user_id(client) is None


def test_it_refuses_an_inactive_account(client):
    UserFactory(username="wangxm", is_active=False)
    response = post_login(client, "wangxm", PASSWORD)
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_it_goes_on_to_the_page_asked_for(client):
    UserFactory(username="wangxm")
    response = post_login(client, "wangxm", PASSWORD, next="/roles/")
    assert response.url == "/roles/"


def test_it_does_not_follow_next_to_another_site(client):
    UserFactory(username="wangxm")
    response = post_login(client, "wangxm", PASSWORD, next="https://evil.example/")
    assert response.url == reverse("home")


def test_it_locks_the_account_out_after_five_failures(client):
    UserFactory(username="wangxm")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert post_login(client, "wangxm", "wrong-password").status_code == 200

    response = post_login(client, "wangxm", "wrong-password")

    assert settings.AXES_FAILURE_LIMIT == 5
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多，已暂时锁定" in page
    assert "<strong>15 分钟</strong>后再试" in page
    assert "registration/locked_out.html" in [t.name for t in response.templates]


def test_the_right_password_does_not_open_a_locked_account(client):
    UserFactory(username="wangxm")
    fail_until_locked(client, "wangxm")
    response = post_login(client, "wangxm", PASSWORD)
    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_the_same_user_can_still_log_in_from_another_address(client):
    user = UserFactory(username="wangxm")
    fail_until_locked(client, "wangxm", ATTACKER_IP)
    response = post_login(client, "wangxm", PASSWORD, OTHER_IP)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_other_users_are_locked_out_of_the_address_too(client):
    # AXES_LOCKOUT_PARAMETERS also locks the address alone: guessing across many
    # usernames from one machine is stopped as well.
    UserFactory(username="wangxm")
    UserFactory(username="lisi")
    fail_until_locked(client, "wangxm", ATTACKER_IP)
    assert post_login(client, "lisi", PASSWORD, ATTACKER_IP).status_code == 429


def test_other_users_elsewhere_are_unaffected(client):
    UserFactory(username="wangxm")
    lisi = UserFactory(username="lisi")
    fail_until_locked(client, "wangxm", ATTACKER_IP)
    assert post_login(client, "lisi", PASSWORD, OTHER_IP).status_code == 302
    assert signed_in_user_id(client) == str(lisi.pk)


def test_a_successful_login_forgets_earlier_failures(client):
    UserFactory(username="wangxm")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, "wangxm", "wrong-password")
    assert post_login(client, "wangxm", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    response = post_login(client, "wangxm", "wrong-password")

    assert response.status_code == 200


def test_a_signed_in_user_is_sent_on_from_the_login_page(client):
    client.force_login(UserFactory())
    assert client.get(LOGIN_URL).url == reverse("home")


def test_logout_needs_a_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user_id(client) is not None


def test_logout_signs_out_and_returns_home(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) is None


def test_the_login_page_labels_its_fields_and_offers_no_second_login_button(client):
    page = client.get(LOGIN_URL).content.decode()
    assert '<label for="id_username">用户名或手机号' in page
    assert '<label for="id_password">密码' in page
    # The header's 登录 button would only point back at this page.
    assert 'class="button button-on-red" href="/accounts/login/"' not in page
