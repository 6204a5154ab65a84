"""The demo gives the demo branch's members months of events, their totals and a red and a black
entry; seeding again adds nothing."""

import random

from django.utils import timezone

from fengling import demo
from fengling.models import BoardEntry, MonthlyScore, ScoreEvent, YearlyRating
from grids.demo import DEMO_COMMUNITY_CODE
from grids.models import OrgKind, Region, RegionLevel
from tests.factories import MemberFactory, OrganizationFactory


def test_the_demo_branch_gets_events_totals_and_a_board(world):
    grid = Region.objects.create(
        code=f"{DEMO_COMMUNITY_CODE}001",
        name="朝阳社区第一网格",
        level=RegionLevel.GRID,
        parent=world.haishu_community,
    )
    branch = OrganizationFactory(name="朝阳社区第一网格党支部", kind=OrgKind.GRID_BRANCH, region=grid)
    MemberFactory.create_batch(4, organization=branch)
    lines: list[str] = []
    demo.seed(scale="small", rng=random.Random(1), log=lines.append)
    events = ScoreEvent.objects.filter(organization=branch).count()
    assert events > 0
    assert MonthlyScore.objects.filter(organization=branch).count() > 0
    this_year = YearlyRating.objects.filter(organization=branch, year=timezone.localdate().year)
    assert this_year.count() == 4
    assert sorted(BoardEntry.objects.values_list("kind", flat=True)) == ["black", "red"]
    demo.seed(scale="small", rng=random.Random(1), log=lines.append)
    assert ScoreEvent.objects.count() == events and BoardEntry.objects.count() == 2
