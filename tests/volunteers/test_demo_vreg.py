"""The vreg demo: the ``volunteer`` account is an active party volunteer of 朝阳社区 holding a post;
running the seeder twice adds nothing."""

import random

from grids.demo import DEMO_COMMUNITY_CODE, DEMO_STREET_CODE
from grids.models import Region, RegionLevel
from tests.factories import UserFactory
from volunteers import demo_vreg
from volunteers.models import HoldingStatus, Post, Volunteer, VolunteerStatus


def test_the_demo_volunteer_holds_a_post_and_a_second_run_adds_nothing(world):
    street = Region.objects.create(
        code=DEMO_STREET_CODE, name="西门街道", level=RegionLevel.STREET, parent=world.haishu
    )
    Region.objects.create(
        code=DEMO_COMMUNITY_CODE, name="朝阳社区", level=RegionLevel.COMMUNITY, parent=street
    )
    UserFactory(username="chaoyang_staff")
    world.volunteer.username = "volunteer"
    demo_vreg.seed(scale="small", rng=random.Random(1), log=lambda line: None)
    counts = (Volunteer.objects.count(), Post.objects.count())
    demo_vreg.seed(scale="small", rng=random.Random(1), log=lambda line: None)
    assert (Volunteer.objects.count(), Post.objects.count()) == counts
    assert counts[1] == 5 and counts[0] > 20
    demo = Volunteer.objects.get(user=world.volunteer)
    assert demo.status == VolunteerStatus.ACTIVE and demo.is_in_service
    assert demo.holdings.get().status == HoldingStatus.HELD
    assert Volunteer.objects.filter(
        status=VolunteerStatus.APPLICANT, community__code=DEMO_COMMUNITY_CODE
    ).exists()
