"""A street's staff read its records through the street code the records keep (ScopeSpec.street).

Read newest first, a street's page was found by walking the city's newest records and keeping the
street's 1/156: 5,000 rows, 30,000 for one kind. The code turns that into one index range, and so
every way a record is written must keep it, or the street would not see the record at all.
"""

import random

import pytest
from django.urls import reverse

from brands import demo, demo_life
from brands.models import ActivityRecord
from grids import demo as grids_demo
from grids.models import RegionLevel, street_code_of
from tests.brands.activity_factories import recorded


def test_a_record_keeps_the_code_of_its_street(world):
    record = recorded(world)

    assert record.street_code == world.haishu_street.code == street_code_of(world.haishu_grid.path)


def test_the_street_sees_its_records_and_the_other_district_does_not(world, client):
    record = recorded(world)

    client.force_login(world.haishu_street_staff)
    assert record.topic in client.get(reverse("brands:activity_list")).content.decode()
    assert ActivityRecord.objects.visible_to(world.haishu_street_staff).get() == record
    assert not ActivityRecord.objects.visible_to(world.jiangbei_staff).exists()


def test_a_reviewer_on_the_street_sees_only_what_lies_below_it(world):
    record = recorded(world)

    assert ActivityRecord.objects.visible_to(world.haishu_street_staff, strict=True).get() == record


@pytest.mark.parametrize("seeder", ["demo", "city_life"])
def test_records_written_in_bulk_keep_their_street(db, seeder):
    grids_demo.seed(scale="small", rng=random.Random(3), log=lambda line: None)
    if seeder == "demo":
        demo.seed(scale="small", rng=random.Random(3), log=lambda line: None)
    else:
        topics = {kind: topics for kind, (_, topics) in demo.REGULAR.items()}
        demo_life.seed_life(city_path="330200/", topics=topics, base=7, log=lambda line: None)

    records = ActivityRecord.objects.select_related("region")
    assert records.exists()
    for record in records:
        assert record.street_code == street_code_of(record.region.path)
        assert record.street_code or record.region.level not in (
            RegionLevel.STREET,
            RegionLevel.COMMUNITY,
            RegionLevel.GRID,
        )
