"""一人一岗: an in-service party member takes one post of their community, leaves or switches it;
places never exceed the capacity; staff manage posts in their scope."""

import pytest

from portal.errors import Conflict, NotAllowed
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import HoldingStatus, Post, PostHolding, VolunteerStatus
from volunteers.services.posts import post_leave, post_switch, post_take


@pytest.fixture
def patrol(world):
    return Post.objects.create(community=world.haishu_community, name="治安巡逻", capacity=1)


@pytest.fixture
def outreach(world):
    return Post.objects.create(community=world.haishu_community, name="政策宣传", capacity=2)


def member(world, **kwargs):
    return VolunteerFactory(
        community=world.haishu_community, is_in_service=True, work_unit="市税务局", **kwargs
    )


def test_taking_a_post_reports_to_the_community(world, patrol):
    volunteer = member(world)
    post_take(volunteer=volunteer, post=patrol)
    patrol.refresh_from_db()
    volunteer.refresh_from_db()
    assert patrol.taken == 1 and volunteer.reported_at is not None


def test_a_full_post_is_refused(world, patrol):
    post_take(volunteer=member(world), post=patrol)
    with pytest.raises(Conflict, match="名额已满"):
        post_take(volunteer=member(world), post=patrol)
    assert PostHolding.objects.count() == 1


def test_one_person_holds_one_post(world, patrol, outreach):
    volunteer = member(world)
    post_take(volunteer=volunteer, post=outreach)
    with pytest.raises(Conflict, match="一人一岗"):
        post_take(volunteer=volunteer, post=patrol)


def test_switching_moves_the_place(world, patrol, outreach):
    volunteer = member(world)
    post_take(volunteer=volunteer, post=outreach)
    post_switch(volunteer=volunteer, post=patrol)
    patrol.refresh_from_db()
    outreach.refresh_from_db()
    assert (patrol.taken, outreach.taken) == (1, 0)


def test_switching_to_a_full_post_keeps_the_old_one(world, patrol, outreach):
    post_take(volunteer=member(world), post=patrol)
    volunteer = member(world)
    post_take(volunteer=volunteer, post=outreach)
    with pytest.raises(Conflict):
        post_switch(volunteer=volunteer, post=patrol)
    outreach.refresh_from_db()
    assert outreach.taken == 1
    assert PostHolding.objects.get(volunteer=volunteer).status == HoldingStatus.HELD


def test_leaving_frees_the_place_once(world, patrol):
    volunteer = member(world)
    post_take(volunteer=volunteer, post=patrol)
    post_leave(volunteer=volunteer)
    with pytest.raises(Conflict):
        post_leave(volunteer=volunteer)
    patrol.refresh_from_db()
    assert patrol.taken == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status": VolunteerStatus.APPLICANT}, "审核通过"),
        ({"is_in_service": False}, "在职党员"),
    ],
)
def test_only_active_in_service_members_take_posts(world, patrol, kwargs, message):
    volunteer = VolunteerFactory(community=world.haishu_community, **{"is_in_service": True, **kwargs})
    with pytest.raises(NotAllowed, match=message):
        post_take(volunteer=volunteer, post=patrol)


def test_a_post_of_another_community_is_refused(world):
    post = Post.objects.create(community=world.jiangbei_community, name="助老助残", capacity=3)
    with pytest.raises(NotAllowed):
        post_take(volunteer=member(world), post=post)


def test_the_pages_take_and_leave(client, world, patrol):
    volunteer = member(world, user=world.volunteer)
    client.force_login(world.volunteer)
    assert "认领" in client.get("/volunteers/posts/").content.decode()
    assert client.post(f"/volunteers/posts/{patrol.pk}/take/").status_code == 302
    assert PostHolding.objects.get().volunteer == volunteer
    assert "治安巡逻" in client.get("/volunteers/me/").content.decode()
    client.post("/volunteers/posts/leave/")
    assert PostHolding.objects.get().status == HoldingStatus.ENDED


def test_a_post_of_another_community_is_404_on_the_page(client, world):
    post = Post.objects.create(community=world.jiangbei_community, name="助老助残", capacity=3)
    member(world, user=world.volunteer)
    client.force_login(world.volunteer)
    assert client.post(f"/volunteers/posts/{post.pk}/take/").status_code == 404


def test_staff_create_posts_and_see_holders_and_who_has_not_reported(client, world, patrol):
    holder = member(world, name="李建国")
    post_take(volunteer=holder, post=patrol)
    member(world, name="陈未报")
    client.force_login(world.haishu_community_staff)
    page = client.get("/volunteers/posts/manage/").content.decode()
    assert "李建国" in page and "陈未报" in page
    response = client.post(
        "/volunteers/posts/manage/",
        {"community": world.haishu_community.code, "name": "矛盾调解", "capacity": 3},
    )
    assert response.status_code == 302
    assert Post.objects.filter(name="矛盾调解").exists()


def test_staff_cannot_lower_the_capacity_below_the_holders(client, world, outreach):
    post_take(volunteer=member(world), post=outreach)
    post_take(volunteer=member(world), post=outreach)
    client.force_login(world.haishu_community_staff)
    response = client.post(f"/volunteers/posts/{outreach.pk}/edit/", {"capacity": 1, "is_open": "on"})
    assert response.status_code == 200 and "名额不能少于" in response.content.decode()
    outreach.refresh_from_db()
    assert outreach.capacity == 2


def test_staff_of_another_district_get_404_and_cannot_create_here(client, world, patrol):
    client.force_login(world.jiangbei_staff)
    assert client.get(f"/volunteers/posts/{patrol.pk}/edit/").status_code == 404
    client.post(
        "/volunteers/posts/manage/", {"community": world.haishu_community.code, "name": "X岗", "capacity": 3}
    )
    assert not Post.objects.filter(name="X岗").exists()


def test_a_volunteer_who_may_take_no_post_is_told_once(client, world, patrol, outreach):
    VolunteerFactory(community=world.haishu_community, user=world.volunteer, is_in_service=False)
    client.force_login(world.volunteer)
    page = client.get("/volunteers/posts/").content.decode()
    assert page.count("一人一岗面向在职党员") == 1
    assert "认领</button>" not in page
