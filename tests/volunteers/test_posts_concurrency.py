"""Many in-service members taking one post at the same moment, on PostgreSQL (real row locks): the
conditional UPDATE never gives more places than the capacity, and a person never holds two posts."""

from collections import Counter
from collections.abc import Callable

import pytest

from portal.errors import Conflict
from tests.harness import run_together
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import HoldingStatus, Post, PostHolding, Volunteer
from volunteers.services.posts import post_take

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def take(volunteer_pk: int, post_pk: int) -> Callable[[], str]:
    # Read before the barrier: every thread starts from "taken = 0".
    volunteer = Volunteer.objects.get(pk=volunteer_pk)
    post = Post.objects.get(pk=post_pk)

    def attempt() -> str:
        try:
            post_take(volunteer=volunteer, post=post)
        except Conflict:
            return "refused"
        return "taken"

    return attempt


def test_thirty_members_taking_three_places_at_once_get_exactly_three(world):
    post = Post.objects.create(community=world.haishu_community, name="治安巡逻", capacity=3)
    members = VolunteerFactory.create_batch(30, community=world.haishu_community, is_in_service=True)
    assert run_together([take(m.pk, post.pk) for m in members]) == Counter({"taken": 3, "refused": 27})
    post.refresh_from_db()
    assert post.taken == 3
    assert PostHolding.objects.filter(post=post, status=HoldingStatus.HELD).count() == 3


def test_one_member_taking_two_posts_at_once_holds_one(world):
    posts = [
        Post.objects.create(community=world.haishu_community, name=f"岗位{i}", capacity=5) for i in range(6)
    ]
    volunteer = VolunteerFactory(community=world.haishu_community, is_in_service=True)
    outcome = run_together([take(volunteer.pk, post.pk) for post in posts])
    assert outcome == Counter({"taken": 1, "refused": 5})
    assert sum(Post.objects.values_list("taken", flat=True)) == 1
