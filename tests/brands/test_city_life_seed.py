"""The city's year of organizational life: every branch, its own members, realistic gaps; once."""

import random
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from brands import demo, demo_life
from brands.models import ActivityKind, ActivityRecord
from grids import demo as grids_demo
from grids.models import BRANCH_KINDS, OrgKind, PartyOrganization

TOPICS = {kind: topics for kind, (_, topics) in demo.REGULAR.items()}


def seed_life() -> int:
    return demo_life.seed_life(city_path="330200/", topics=TOPICS, base=7, log=print)


@pytest.fixture
def tree(db):
    # The small tree stands for the city: the same code runs over 14,700 branches there.
    grids_demo.seed(scale="small", rng=random.Random(3), log=lambda line: None)


def test_every_branch_and_group_gets_a_year_of_meetings(tree):
    added = seed_life()

    orgs = PartyOrganization.objects.filter(kind__in=[*BRANCH_KINDS, OrgKind.GROUP])
    recorded = set(ActivityRecord.objects.values_list("organization_id", flat=True))
    assert added == ActivityRecord.objects.count() > 10 * orgs.count()
    assert set(orgs.values_list("pk", flat=True)) <= recorded
    kinds = Counter(ActivityRecord.objects.values_list("kind", flat=True))
    assert kinds[ActivityKind.THEME_DAY] > kinds[ActivityKind.GENERAL_MEETING] > 0
    assert kinds[ActivityKind.COMMITTEE_MEETING] > 0 and kinds[ActivityKind.PARTY_LECTURE] > 0


def test_meetings_are_held_by_members_of_the_branch_within_the_last_year(tree):
    seed_life()

    now = timezone.now()
    records = ActivityRecord.objects.select_related("organization").prefetch_related("attendees")
    for record in records[:300]:
        attendees = list(record.attendees.all())
        assert len(attendees) == record.attendee_count <= record.member_count
        assert all(m.organization_id == record.organization_id for m in attendees)
        assert now - timezone.timedelta(days=370) < record.started_at < now
        if record.kind == ActivityKind.COMMITTEE_MEETING:
            # The committee: three to five members, the secretary among them.
            assert 3 <= len(attendees) <= 5
            assert record.organization.secretary_id in {m.pk for m in attendees}


def test_some_months_are_missed(tree):
    seed_life()

    theme_days = Counter(
        ActivityRecord.objects.filter(kind=ActivityKind.THEME_DAY).values_list("organization_id", flat=True)
    )
    assert max(theme_days.values()) <= 12
    assert min(theme_days.values()) < 10  # some branches keep to the schedule only patchily


def test_ids_follow_the_dates_as_records_entered_after_the_meeting(tree):
    seed_life()

    by_id = list(ActivityRecord.objects.order_by("id").values_list("started_at", flat=True))
    assert by_id == sorted(by_id)


def test_running_it_again_adds_nothing(tree):
    first = seed_life()
    assert first > 0
    assert seed_life() == 0
    assert ActivityRecord.objects.count() == first


def test_the_small_scale_gets_no_city_life():
    assert "small" not in demo.LIFE_FOR_EVERY_BRANCH and "city" in demo.LIFE_FOR_EVERY_BRANCH


def test_copy_writes_what_bulk_create_would(tree):
    # On PostgreSQL the rows go through COPY; elsewhere through bulk_create: the same rows.
    seed_life()
    record = ActivityRecord.objects.order_by("-id").first()
    assert record.ended_at > record.started_at and record.topic and record.place.endswith("党群服务中心")
    assert connection.vendor in {"postgresql", "sqlite"}
