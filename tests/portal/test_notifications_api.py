"""/api/v1/messages/: the session user's own messages; partner keys are refused (403)."""

import pytest
from rest_framework.test import APIClient

from portal import notifications
from portal.models import Message
from tests.factories import UserFactory
from tests.harness import key_client, session_client

URL = "/api/v1/messages/"


def deliver(user, title: str) -> Message:
    notifications.deliver(
        recipient_ids=[user.pk], kind="tests.hello", title=title, body="", link="/brands/", channels=["in_site"],
        dedupe_key=title,
    )  # fmt: skip
    return Message.objects.get(recipient=user, dedupe_key=title)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def test_it_lists_my_messages_newest_first(alice, bob):
    deliver(alice, "一")
    deliver(alice, "二")
    deliver(bob, "别人的")
    body = session_client(alice).get(URL).json()
    assert [m["title"] for m in body["results"]] == ["二", "一"]
    assert set(body["results"][0]) == {
        "id",
        "kind",
        "title",
        "body",
        "link",
        "created_at",
        "read_at",
        "is_read",
    }


def test_the_list_costs_the_same_queries_however_many_messages(alice, django_assert_num_queries):
    client = session_client(alice)
    deliver(alice, "一")
    client.get(URL)  # warm the session

    def measure():
        with django_assert_num_queries(4):
            # 1. session  2. user  3. the page's ids (a cursor page: no count)  4. those messages
            client.get(URL)

    measure()
    for i in range(20):
        deliver(alice, f"更多{i}")
    measure()


def test_marking_read_is_a_post_and_lowers_the_count(alice):
    message = deliver(alice, "一")
    client = session_client(alice)
    assert client.get(f"{URL}{message.pk}/read/").status_code == 405
    response = client.post(f"{URL}{message.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    alice.refresh_from_db()
    assert alice.unread_messages == 0


def test_mark_all_read(alice):
    deliver(alice, "一")
    deliver(alice, "二")
    assert session_client(alice).post(f"{URL}read-all/").json() == {"marked": 2}


def test_another_users_message_is_not_found(alice, bob):
    message = deliver(alice, "私信")
    client = session_client(bob)
    assert client.get(f"{URL}{message.pk}/").status_code == 404
    assert client.post(f"{URL}{message.pk}/read/").status_code == 404
    message.refresh_from_db()
    assert not message.is_read


def test_a_partner_key_is_refused(world):
    response = key_client(world.city).get(URL)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_visitors_are_refused(db):
    assert APIClient().get(URL).status_code in (401, 403)


def test_it_is_in_the_schema(db):
    schema = APIClient().get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/messages/", "/api/v1/messages/{id}/read/", "/api/v1/messages/read-all/"} <= set(
        schema["paths"]
    )
