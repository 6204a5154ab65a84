import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from brands.models import ActivityKind
from tests.brands.activity_factories import RecordFactory
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.factories import WishFactory
from volunteers.models import RecordSource, RecordStatus, ServiceRecord


def days_ago(n: int, hour: int = 10) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=n)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def small_world(world):
    """A hand-counted city: records, hours, wishes in both districts (figures listed in the tests)."""
    # Haishu: 3 records today-2 (2 theme days, 1 volunteer service), 1 record 40 days ago.
    RecordFactory(
        organization=world.haishu_branch, started_at=days_ago(2), people_served=5, other_participants=1
    )
    RecordFactory(organization=world.haishu_branch, started_at=days_ago(2, 15), attendee_count=3)
    RecordFactory(
        organization=world.haishu_branch, kind=ActivityKind.VOLUNTEER, started_at=days_ago(3), people_served=7
    )
    RecordFactory(organization=world.haishu_committee, started_at=days_ago(3))  # at the community
    # Jiangbei: 1 record.
    RecordFactory(organization=world.jiangbei_branch, started_at=days_ago(2))
    volunteer = VolunteerFactory(community=world.haishu_community)
    ServiceRecord.objects.create(
        volunteer=volunteer,
        region=world.haishu_community,
        source=RecordSource.DECLARED,
        served_on=timezone.localdate() - dt.timedelta(days=2),
        hours=Decimal("2.5"),
        description="助老",
        status=RecordStatus.APPROVED,
    )
    published = days_ago(3)
    WishFactory(community=world.haishu_community, published_at=published)
    claimed = WishFactory(community=world.haishu_community, published_at=published)
    type(claimed).objects.filter(pk=claimed.pk).update(
        status="claimed", claimed_at=published + dt.timedelta(hours=10)
    )
    WishFactory(community=world.jiangbei_community, published_at=published)
    return world
