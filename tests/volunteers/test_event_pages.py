"""The event pages: who sees and changes what (a permission table), the list's cost, the buttons.

Haishu's community staff organize the event; Haishu's district staff stand above and may too;
Jiangbei's staff and secretary are outsiders (404, never 403: the event is not confirmed to
exist); Alice is a volunteer of Haishu (she sees the public event, organizes nothing).
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Message
from tests.volunteers.event_helpers import haishu_event, running_event, volunteers
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Event, EventStatus, Signup, SignupStatus
from volunteers.services.events import event_signup

pytestmark = pytest.mark.django_db

ORGANIZER_PAGES = ["event_edit", "event_signups", "event_attendance"]


@pytest.fixture
def alice(world):
    return VolunteerFactory(community=world.haishu_community, name="王秀梅")


@pytest.mark.parametrize(
    ("who", "detail", "organizer"),
    [
        ("haishu_community_staff", 200, 200),
        ("haishu_staff", 200, 200),
        ("city_staff", 200, 200),
        ("jiangbei_staff", 404, 404),
        ("jiangbei_secretary", 404, 404),
        ("alice", 200, 404),
    ],
)
def test_who_sees_and_organizes_an_event(world, client, alice, who, detail, organizer):
    event = running_event(world)
    user = alice.user if who == "alice" else getattr(world, who)
    client.force_login(user)
    assert client.get(reverse("volunteers:event_detail", args=[event.pk])).status_code == detail
    for name in ORGANIZER_PAGES:
        assert client.get(reverse(f"volunteers:{name}", args=[event.pk])).status_code == organizer, name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("event_cancel", {"reason": "外人取消"}),
        ("event_edit", {"title": "外人修改"}),
        ("event_attendance", {"all_present": "on"}),
    ],
)
def test_outsiders_change_nothing(world, client, name, data):
    event = running_event(world)
    client.force_login(world.jiangbei_staff)
    assert client.post(reverse(f"volunteers:{name}", args=[event.pk]), data).status_code == 404
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED and not event.title.startswith("外人")


def test_an_outsider_cannot_approve_a_signup(world, client, alice):
    event = haishu_event(world, needs_approval=True)
    signup = event_signup(volunteer=alice, event=event)
    client.force_login(world.jiangbei_staff)
    url = reverse("volunteers:signup_approve", args=[event.pk, signup.pk])
    assert client.post(url).status_code == 404
    signup.refresh_from_db()
    assert signup.status == SignupStatus.PENDING


def test_visitors_are_sent_to_log_in_and_plain_accounts_are_refused(world, client):
    event = haishu_event(world)
    assert client.get(reverse("volunteers:event_list")).status_code == 302
    client.force_login(world.volunteer)  # an account with no volunteer profile and no staff role
    assert client.get(reverse("volunteers:event_list")).status_code == 403
    assert client.get(reverse("volunteers:event_detail", args=[event.pk])).status_code == 403


def test_volunteers_see_public_upcoming_events_anywhere_but_not_past_ones(world, client, alice):
    haishu_event(world, title="海曙的活动")
    haishu_event(world, title="江北的活动", region=world.jiangbei_community, created_by=world.jiangbei_staff)
    past = timezone.now() - dt.timedelta(days=3)
    haishu_event(
        world,
        title="过去的活动",
        starts_at=past,
        ends_at=past + dt.timedelta(hours=2),
        signup_deadline=past - dt.timedelta(days=1),
    )
    client.force_login(alice.user)
    page = client.get(reverse("volunteers:event_list")).content.decode()
    assert "海曙的活动" in page and "江北的活动" in page and "过去的活动" not in page


def test_staff_see_only_their_area(world, client):
    haishu_event(world, title="海曙的活动")
    haishu_event(world, title="江北的活动", region=world.jiangbei_community, created_by=world.jiangbei_staff)
    client.force_login(world.jiangbei_staff)
    page = client.get(reverse("volunteers:event_list")).content.decode()
    assert "江北的活动" in page and "海曙的活动" not in page


def test_the_list_costs_the_same_queries_for_3_or_30_events(world, client, alice, django_assert_num_queries):
    client.force_login(alice.user)
    for _ in range(3):
        event_signup(volunteer=VolunteerFactory(community=world.haishu_community), event=haishu_event(world))

    def list_page():
        with django_assert_num_queries(9):
            # 1. session  2. user  3. role assignments (scope, menu)  4. the volunteer profile
            # 5. COUNT for the paginator  6. the page with region, organization, team and the
            # waitlist count  7. Alice's sign-ups on the page  8. whether Alice organizes an event
            # or leads a team (the menu's 服务时长审核)  9. the specialties of the filter
            return client.get(reverse("volunteers:event_list"))

    assert len(list_page().context["page"].object_list) == 3
    for _ in range(27):
        haishu_event(world, capacity=1)
    assert len(list_page().context["page"].object_list) == 20


def test_the_list_shows_free_places_and_the_waitlist(world, client, alice):
    event = haishu_event(world, capacity=1, title="满员的活动")
    for person in volunteers(world, 3):
        event_signup(volunteer=person, event=event)
    client.force_login(alice.user)
    page = client.get(reverse("volunteers:event_list")).content.decode()
    assert "名额已满" in page and "候补 2 人" in page


def test_a_volunteer_signs_up_and_cancels_through_the_page(world, client, alice):
    event = haishu_event(world, capacity=1)
    client.force_login(alice.user)
    detail = reverse("volunteers:event_detail", args=[event.pk])
    assert "我要报名" in client.get(detail).content.decode()
    response = client.post(reverse("volunteers:event_signup", args=[event.pk]), follow=True)
    assert "报名成功" in response.content.decode()
    page = client.get(detail).content.decode()
    assert "我要报名" not in page and "取消报名" in page
    response = client.post(reverse("volunteers:event_withdraw", args=[event.pk]), follow=True)
    assert "已取消报名" in response.content.decode()
    assert Signup.objects.get().status == SignupStatus.CANCELLED


def test_a_second_click_says_why_and_changes_nothing(world, client, alice):
    event = haishu_event(world)
    client.force_login(alice.user)
    url = reverse("volunteers:event_signup", args=[event.pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert "不能重复报名" in response.content.decode()
    assert Signup.objects.count() == 1


def test_the_cancel_button_is_hidden_after_the_deadline(world, client, alice):
    event = haishu_event(world)
    event_signup(volunteer=alice, event=event)
    Event.objects.filter(pk=event.pk).update(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(alice.user)
    page = client.get(reverse("volunteers:event_detail", args=[event.pk])).content.decode()
    assert "取消报名</button>" not in page and "报名截止后不能取消报名" in page
    response = client.post(reverse("volunteers:event_withdraw", args=[event.pk]), follow=True)
    assert "报名截止后不能取消报名" in response.content.decode()


def test_the_organizer_sees_the_checkin_qr_code_and_volunteers_do_not(world, client, alice):
    event = haishu_event(world)
    client.force_login(world.haishu_community_staff)
    page = client.get(reverse("volunteers:event_detail", args=[event.pk])).content.decode()
    assert "<svg" in page and event.checkin_code in page
    client.force_login(alice.user)
    page = client.get(reverse("volunteers:event_detail", args=[event.pk])).content.decode()
    assert "<svg" not in page and event.checkin_code not in page


def test_staff_create_an_event_through_the_page(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.haishu_community_staff)
    start = timezone.localtime() + dt.timedelta(days=5)
    data = {
        "title": "关爱独居老人",
        "place": "朝阳社区党群服务中心",
        "region": world.haishu_community.pk,
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:30"),
        "signup_deadline": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT18:00"),
        "capacity": "10",
    }
    response = client.post(reverse("volunteers:event_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    event = Event.objects.get()
    assert (event.region, event.capacity, event.created_by) == (
        world.haishu_community,
        10,
        world.haishu_community_staff,
    )


def test_the_event_form_refuses_a_deadline_after_the_start_and_another_districts_place(world, client):
    client.force_login(world.haishu_community_staff)
    start = timezone.localtime() + dt.timedelta(days=5)
    data = {
        "title": "活动",
        "place": "某处",
        "region": world.haishu_community.pk,
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:30"),
        "signup_deadline": (start + dt.timedelta(days=1)).strftime("%Y-%m-%dT18:00"),
        "capacity": "10",
    }
    response = client.post(reverse("volunteers:event_create"), data)
    assert response.status_code == 200 and "报名截止时间不能晚于活动开始时间" in response.content.decode()
    response = client.post(reverse("volunteers:event_create"), data | {"region": world.jiangbei_community.pk})
    assert response.status_code == 200 and not Event.objects.exists()
    response = client.post(reverse("volunteers:event_create"), data | {"region": str(10**30)})
    assert response.status_code == 200 and not Event.objects.exists()


def test_a_volunteer_cannot_open_the_create_page(world, client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("volunteers:event_create")).status_code == 403
    assert "发布活动" not in client.get(reverse("volunteers:event_list")).content.decode()


def test_the_organizer_approves_a_pending_signup(world, client, alice, django_capture_on_commit_callbacks):
    event = haishu_event(world, needs_approval=True)
    signup = event_signup(volunteer=alice, event=event)
    client.force_login(world.haishu_community_staff)
    page = client.get(reverse("volunteers:event_signups", args=[event.pk])).content.decode()
    assert "王秀梅" in page and "通过" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("volunteers:signup_approve", args=[event.pk, signup.pk]))
    signup.refresh_from_db()
    assert signup.status == SignupStatus.SIGNED
    assert Message.objects.filter(recipient=alice.user, kind="volunteers.signup_approved").exists()


def test_a_huge_id_is_a_404(world, client, alice):
    client.force_login(alice.user)
    assert client.get(f"/volunteers/events/{10**30}/").status_code == 404


def test_the_event_page_speaks_english(world, client, alice):
    event = haishu_event(world, capacity=1)
    client.force_login(alice.user)
    url = reverse("volunteers:event_detail", args=[event.pk])
    # The locale middleware leaves the request's language active in this thread: put it back.
    with translation.override(translation.get_language()):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Sign up" in page and "1 of 1 places left" in page and "我要报名" not in page
