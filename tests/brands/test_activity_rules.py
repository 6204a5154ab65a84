"""The rules of an activity record, decided by the services that the page and the API share."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from brands.images import process_upload
from brands.models import ActivityKind, ActivityRecord, BookingStatus
from brands.services.activities import activity_create, activity_update
from brands.services.bases import slot_book
from portal.errors import NotAllowed
from tests.brands.activity_factories import SlotFactory, jpeg
from tests.brands.factories import BrandFactory
from tests.factories import MemberFactory


def record(world, actor=None, **fields):
    now = timezone.now()
    values = {
        "organization": world.haishu_branch,
        "kind": ActivityKind.THEME_DAY,
        "topic": "重温入党誓词",
        "place": "社区党群服务中心",
        "started_at": now - dt.timedelta(hours=3),
        "ended_at": now - dt.timedelta(hours=1, minutes=30),
        "attendees": world.haishu_members[:2],
        **fields,
    }
    return activity_create(actor=actor or world.haishu_secretary, **values)


def age(activity: ActivityRecord, days: int) -> ActivityRecord:
    ActivityRecord.objects.filter(pk=activity.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    activity.refresh_from_db()
    return activity


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_a_secretary_records_an_activity_of_their_branch(world):
    activity = record(world)
    assert activity.organization == world.haishu_branch
    assert activity.region == world.haishu_grid
    assert activity.created_by == world.haishu_secretary
    assert set(activity.attendees.all()) == set(world.haishu_members[:2])
    assert (activity.attendee_count, activity.member_count, activity.attendance_rate) == (2, 3, 67)


def test_it_refuses_an_end_before_the_start(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        record(world, started_at=now - dt.timedelta(hours=1), ended_at=now - dt.timedelta(hours=2))
    assert errors_of(excinfo) == {"ended_at": ["结束时间须晚于开始时间。"]}
    assert not ActivityRecord.objects.exists()


def test_it_refuses_an_activity_that_has_not_begun(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        record(world, started_at=now + dt.timedelta(days=1), ended_at=now + dt.timedelta(days=1, hours=2))
    assert errors_of(excinfo) == {"started_at": ["开始时间在将来：只能记录已经举行的活动。"]}


def test_it_refuses_an_activity_that_has_not_ended(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as excinfo:
        record(world, started_at=now - dt.timedelta(minutes=30), ended_at=now + dt.timedelta(hours=1))
    assert errors_of(excinfo) == {"ended_at": ["结束时间不能晚于现在：请在活动结束后再记录。"]}


def test_it_needs_a_place_or_a_base_booking(world):
    with pytest.raises(ValidationError) as excinfo:
        record(world, place="  ")
    assert errors_of(excinfo) == {"place": ["请填写活动地点，或选择本组织的组织生活基地预约。"]}


def test_it_refuses_an_attendee_from_another_organization(world):
    stranger = world.jiangbei_members[0]
    with pytest.raises(ValidationError) as excinfo:
        record(world, attendees=[world.haishu_members[0], stranger])
    assert errors_of(excinfo) == {"attendees": [f"{stranger.masked_name} 不是本组织党员，不能记为参加党员。"]}
    assert not ActivityRecord.objects.exists()


def test_members_of_its_party_groups_may_attend(world):
    group = world.haishu_branch.children.create(
        name="第一党小组", kind="group", region=world.haishu_grid, path=""
    )
    group.path = f"{world.haishu_branch.path}{group.pk}/"
    group.save(update_fields=["path"])
    member = MemberFactory(organization=group)
    activity = record(world, attendees=[member])
    assert list(activity.attendees.all()) == [member]
    assert activity.member_count == 4


def test_it_refuses_a_brand_of_another_organization(world):
    theirs = BrandFactory(name="温暖星期五", organization=world.jiangbei_branch)
    with pytest.raises(ValidationError) as excinfo:
        record(world, brand=theirs)
    assert errors_of(excinfo) == {"brand": ["所选品牌不属于本组织，不能把活动记在它名下。"]}


def test_it_files_a_record_under_the_branchs_own_brand(world):
    ours = BrandFactory(name="一人一岗", organization=world.haishu_branch)
    assert record(world, brand=ours).brand == ours


@pytest.mark.parametrize("outsider", ["jiangbei_secretary", "jiangbei_staff", "volunteer"])
def test_an_outsider_cannot_record_for_the_branch(world, outsider):
    with pytest.raises(NotAllowed):
        record(world, actor=getattr(world, outsider))
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("outsider", ["jiangbei_secretary", "jiangbei_staff", "volunteer"])
def test_an_outsider_cannot_edit_the_branchs_record(world, outsider):
    activity = record(world)
    with pytest.raises(NotAllowed):
        activity_update(actor=getattr(world, outsider), record=activity, topic="改掉")
    activity.refresh_from_db()
    assert activity.topic == "重温入党誓词"


def test_the_secretary_corrects_a_record_within_30_days(world):
    activity = age(record(world), days=29)
    activity_update(actor=world.haishu_secretary, record=activity, topic="重温入党誓词（补充）")
    activity.refresh_from_db()
    assert activity.topic == "重温入党誓词（补充）"


def test_the_secretary_cannot_edit_a_record_older_than_30_days(world):
    activity = age(record(world), days=31)
    with pytest.raises(NotAllowed) as excinfo:
        activity_update(actor=world.haishu_secretary, record=activity, topic="改掉")
    assert "30天" in excinfo.value.message
    activity.refresh_from_db()
    assert activity.topic == "重温入党誓词"


@pytest.mark.parametrize("staff", ["haishu_staff", "haishu_street_staff", "haishu_community_staff"])
def test_staff_above_the_branch_may_edit_an_old_record(world, staff):
    activity = age(record(world), days=200)
    activity_update(actor=getattr(world, staff), record=activity, people_served=40)
    activity.refresh_from_db()
    assert activity.people_served == 40


def test_the_roster_of_the_recording_day_stays_the_expected_attendance(world):
    activity = record(world)
    MemberFactory.create_batch(2, organization=world.haishu_branch)
    activity_update(actor=world.haishu_secretary, record=activity, attendees=world.haishu_members)
    activity.refresh_from_db()
    assert (activity.attendee_count, activity.member_count) == (3, 3)


def test_an_attendee_who_moved_away_stays_on_the_record(world):
    moved = world.haishu_members[0]
    activity = record(world, attendees=[moved])
    moved.organization = world.jiangbei_branch
    moved.save()
    activity_update(actor=world.haishu_secretary, record=activity, attendees=[moved, world.haishu_members[1]])
    assert set(activity.attendees.all()) == {moved, world.haishu_members[1]}
    assert activity.attendee_count == 2


def test_it_keeps_up_to_nine_photos(world):
    photos = [process_upload(jpeg()) for _ in range(9)]
    activity = record(world, photos=photos)
    assert activity.photos.count() == 9
    with pytest.raises(ValidationError) as excinfo:
        activity_update(actor=world.haishu_secretary, record=activity, add_photos=[photos[0]])
    assert errors_of(excinfo) == {"photos": ["每条记录最多 9 张照片（现有 10 张）。"]}
    first = activity.photos.first()
    activity_update(
        actor=world.haishu_secretary, record=activity, add_photos=[photos[0]], remove_photos=[first.pk]
    )
    assert activity.photos.count() == 9
    assert not activity.photos.filter(pk=first.pk).exists()


def test_a_base_booking_of_the_day_becomes_the_place(world):
    slot = SlotFactory(base__region=world.haishu_community, starts_at=timezone.now() + dt.timedelta(days=1))
    booking = slot_book(actor=world.haishu_secretary, slot=slot, organization=world.haishu_branch)
    # The meeting took place: move the slot (and the meeting) into the past.
    slot.starts_at = timezone.now() - dt.timedelta(hours=3)
    slot.ends_at = slot.starts_at + dt.timedelta(hours=2)
    slot.save()
    activity = record(world, base_booking=booking, place="", started_at=slot.starts_at, ended_at=slot.ends_at)
    assert activity.place == f"{slot.base.name}（{slot.base.address}）"
    with pytest.raises(ValidationError) as excinfo:
        record(world, base_booking=booking, started_at=slot.starts_at, ended_at=slot.ends_at)
    assert errors_of(excinfo) == {"base_booking": ["该基地预约已用于另一条活动记录。"]}


def test_a_base_booking_must_be_the_branchs_own_and_live(world):
    slot = SlotFactory(base__region=world.haishu_community, starts_at=timezone.now() + dt.timedelta(days=1))
    theirs = slot_book(actor=world.jiangbei_secretary, slot=slot, organization=world.jiangbei_branch)
    with pytest.raises(ValidationError) as excinfo:
        record(world, base_booking=theirs)
    assert errors_of(excinfo) == {"base_booking": ["该基地预约不属于本组织。"]}
    ours = slot_book(actor=world.haishu_secretary, slot=slot, organization=world.haishu_branch)
    ours.status = BookingStatus.CANCELLED
    ours.save()
    with pytest.raises(ValidationError) as excinfo:
        record(world, base_booking=ours)
    assert errors_of(excinfo) == {"base_booking": ["该基地预约已取消。"]}


def test_every_change_leaves_one_history_row_with_who_and_the_attendees(world):
    activity = record(world)
    activity_update(
        actor=world.haishu_street_staff, record=activity, topic="新主题", attendees=world.haishu_members
    )
    rows = list(activity.history.order_by("history_date"))
    assert [r.history_type for r in rows] == ["+", "~"]
    assert [r.history_user for r in rows] == [world.haishu_secretary, world.haishu_street_staff]
    assert [r.topic for r in rows] == ["重温入党誓词", "新主题"]
    assert [r.attendees.count() for r in rows] == [2, 3]
