"""The activity API builds its rows directly (CPU at city scale, issue 6): they equal DRF's own."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIRequestFactory

from brands.api.activities import ActivitySerializer, _with_details
from brands.images import process_upload
from brands.models import ActivityKind, ActivityRecord
from brands.services.activities import activity_create
from tests.brands.activity_factories import RecordFactory, jpeg
from tests.brands.factories import BrandFactory


def test_the_direct_row_equals_the_generic_serializer_for_full_and_bare_records(world):
    end = timezone.now() - dt.timedelta(hours=1)
    full = activity_create(
        actor=world.haishu_secretary,
        organization=world.haishu_branch,
        brand=BrandFactory(organization=world.haishu_branch),
        kind=ActivityKind.VOLUNTEER,
        topic="义务理发",
        place="社区广场",
        started_at=end - dt.timedelta(hours=2),
        ended_at=end,
        attendees=world.haishu_members,
        people_served=30,
        satisfaction=Decimal("97.5"),
        photos=[process_upload(jpeg()), process_upload(jpeg("b.jpg"))],
    )
    bare = RecordFactory(organization=world.haishu_branch, started_at=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    records = list(_with_details(ActivityRecord.objects.filter(pk__in=[full.pk, bare.pk])).order_by("id"))
    request = APIRequestFactory().get("/api/v1/activities/")
    # Every field of Meta.fields is in the direct row: a field added later fails here first.
    rows = ActivitySerializer(records, many=True, context={"request": request}).data
    generic = ActivitySerializer(context={"request": request}).generic_representation
    assert list(rows) == [generic(record) for record in records]
    assert len(rows[0]["attendees"]) == 3 and len(rows[0]["photos"]) == 2
    assert rows[0]["satisfaction"] == "97.50" and rows[1]["brand_name"] is None
