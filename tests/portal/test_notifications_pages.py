"""消息: a user reads only their own messages, marks them read by POST, and sees the unread count in
the menu at no extra query. Alice has messages; Bob is another user who must not reach them."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from portal import notifications
from portal.context_processors import navigation
from portal.models import Message
from tests.factories import UserFactory

LIST = reverse("message_list")


def deliver(user, title: str, link: str = "", key: str = "") -> Message:
    notifications.deliver(
        recipient_ids=[user.pk],
        kind="tests.hello",
        title=title,
        body="正文",
        link=link,
        channels=["in_site"],
        dedupe_key=key or title,
    )
    return Message.objects.get(recipient=user, dedupe_key=key or title)


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def test_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_it_lists_only_my_messages_newest_first_with_the_unread_marked(client, alice, bob):
    deliver(alice, "第一条")
    second = deliver(alice, "第二条")
    deliver(bob, "别人的消息")
    notifications.message_mark_read(user=alice, message=second)
    client.force_login(alice)

    response = client.get(LIST)
    assert [m.title for m in response.context["page"]] == ["第二条", "第一条"]
    html = response.content.decode()
    assert "别人的消息" not in html
    assert html.count("inbox-item inbox-unread") == 1
    assert html.index("第二条") < html.index("第一条")


def test_the_list_is_paginated(client, alice):
    for i in range(25):
        deliver(alice, f"消息{i}")
    client.force_login(alice)
    assert len(client.get(LIST).context["page"]) == 20
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 5


def test_the_list_costs_the_same_queries_however_many_messages(client, alice, django_assert_num_queries):
    deliver(alice, "一")
    client.force_login(alice)

    def measure():
        with django_assert_num_queries(5):
            # 1. session  2. user (with its unread count, for the menu)  3. the count of messages,
            # for the pagination  4. the page of messages  5. role assignments, for the menu's gates
            # (no volunteer role: no profile is looked up for the volunteer entries)
            client.get(LIST)

    measure()
    for i in range(30):
        deliver(alice, f"更多{i}")
    measure()


def test_opening_a_message_reads_it_and_follows_its_link(client, alice):
    message = deliver(alice, "审核通过", link="/brands/")
    client.force_login(alice)
    response = client.post(reverse("message_open", args=[message.pk]))
    assert (response.status_code, response["Location"]) == (302, "/brands/")
    message.refresh_from_db()
    assert message.is_read
    alice.refresh_from_db()
    assert alice.unread_messages == 0


def test_marking_one_read_returns_to_the_same_page(client, alice):
    message = deliver(alice, "一")
    client.force_login(alice)
    response = client.post(reverse("message_read", args=[message.pk]), {"page": "2"})
    assert response["Location"] == f"{LIST}?page=2"
    message.refresh_from_db()
    assert message.is_read


def test_mark_all_read(client, alice, bob):
    deliver(alice, "一")
    deliver(alice, "二")
    deliver(bob, "三")
    client.force_login(alice)
    client.post(reverse("messages_read_all"))
    assert not Message.objects.filter(recipient=alice, read_at=None).exists()
    assert Message.objects.filter(recipient=bob, read_at=None).count() == 1


@pytest.mark.parametrize("name", ["message_open", "message_read"])
def test_another_users_message_is_not_found(client, alice, bob, name):
    message = deliver(alice, "私信")
    client.force_login(bob)
    assert client.post(reverse(name, args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert not message.is_read


@pytest.mark.parametrize("url", ["message_open", "message_read", "messages_read_all"])
def test_reading_is_marked_by_post_only(client, alice, url):
    message = deliver(alice, "一", link="/brands/")
    client.force_login(alice)
    args = [] if url == "messages_read_all" else [message.pk]
    assert client.get(reverse(url, args=args)).status_code == 405
    message.refresh_from_db()
    assert not message.is_read


def account_items(user) -> dict:
    request = RequestFactory().get("/")
    request.user = user
    menu = navigation(request)
    assert "messages" not in [item.key for item in menu["nav_items"]]  # beside the name, not in the bar
    return {item.key: item for item in menu["account_items"]}


def test_the_menu_shows_the_unread_count_at_no_query(alice, django_assert_num_queries):
    deliver(alice, "一")
    deliver(alice, "二")
    alice.refresh_from_db()
    with django_assert_num_queries(1):
        # 1. the user's role assignments, for the other entries' gates (no volunteer role: no
        # profile is looked up); the count is on the user row
        items = account_items(alice)
    assert items["messages"].count == 2


def test_visitors_have_no_messages_entry_and_cost_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert account_items(AnonymousUser()) == {}


def test_every_page_shows_the_count_beside_the_name(client, world):
    user = world.haishu_staff  # a staff menu folds into 菜单 on a phone: the count stays in sight
    for i in range(3):
        deliver(user, f"消息{i}")
    client.force_login(user)
    html = client.get(reverse("grids:member_list")).content.decode()
    assert (
        '<a class="account-link" href="/messages/">消息<span class="nav-count">3'
        '<span class="visually-hidden"> 条未读</span></span></a>'
    ) in html


def test_the_messages_page_is_marked_as_current(client, alice):
    client.force_login(alice)
    html = client.get(LIST).content.decode()
    assert '<a class="account-link" href="/messages/" aria-current="page">消息</a>' in html


def test_no_count_is_shown_when_all_is_read(client, alice):
    client.force_login(alice)
    html = client.get(reverse("home")).content.decode()
    assert '<a class="account-link" href="/messages/">消息</a>' in html
    assert "nav-count" not in html


def test_a_large_count_is_shortened(client, alice):
    type(alice).objects.filter(pk=alice.pk).update(unread_messages=120)
    client.force_login(alice)
    assert '<span class="nav-count">99+' in client.get(reverse("home")).content.decode()
