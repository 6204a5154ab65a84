import datetime as dt
import zoneinfo

from brands.models import ActivityKind, Tag
from grids.models import MemberStatus, PartyOrganization
from portal import history
from portal.history import Change
from tests.brands.factories import ActivityRecordFactory, BrandFactory
from tests.factories import OrganizationFactory

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def edit(obj, user=None, reason=None, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj._change_reason = reason
    obj.save()


def test_it_shows_each_changed_field_from_old_to_new_in_words(world):
    member = world.haishu_members[0]
    edit(
        member,
        world.haishu_staff,
        status=MemberStatus.PROBATIONARY,
        is_central_household=True,
        organization=world.haishu_committee,
        work_unit="宁波港集团",
    )
    records = history.latest_records(member, 5)
    organizations = history.names(PartyOrganization, [r.organization_id for r in records])
    fields = ("name", "status", "is_central_household", "organization", "work_unit")
    entries = history.entries(records, fields, limit=5, formats={"organization": organizations})

    assert [(e.what, e.who) for e in entries] == [("修改", world.haishu_staff.display_name), ("创建", "系统")]
    assert entries[0].changes == [
        Change("党员类别", "正式党员", "预备党员"),
        Change("党员中心户", "否", "是"),
        Change("所在党组织", world.haishu_branch.name, world.haishu_committee.name),
        Change("工作单位", "—", "宁波港集团"),
    ]
    assert entries[1].changes == []


def test_it_shows_times_in_local_time_and_files_by_their_name(world):
    activity = ActivityRecordFactory(organization=world.haishu_branch, kind=ActivityKind.VOLUNTEER)
    edit(activity, started_at=dt.datetime(2024, 5, 1, 9, 30, tzinfo=SHANGHAI), kind=ActivityKind.THEME_DAY)
    brand = BrandFactory(organization=world.haishu_branch)
    edit(brand, cover="brands/covers/2024/xiao-ban-deng.jpg")

    [activity_entry, _] = history.entries(
        history.latest_records(activity, 5), ("kind", "started_at"), limit=5
    )
    [brand_entry, _] = history.entries(history.latest_records(brand, 5), ("cover",), limit=5)

    assert activity_entry.changes[0] == Change("活动类型", "志愿服务", "主题党日")
    assert activity_entry.changes[1].new == "2024-05-01 09:30"
    assert brand_entry.changes == [Change("封面图", "—", "xiao-ban-deng.jpg")]


def test_it_compares_the_oldest_entry_shown_with_the_record_before_it(world, django_assert_num_queries):
    member = world.haishu_members[0]
    for unit in ("甲", "乙", "丙"):
        edit(member, work_unit=unit)
    with django_assert_num_queries(1):
        # 1. the newest three records with their users (two shown, one to compare against)
        records = history.latest_records(member, 2)
    entries = history.entries(records, ("work_unit",), limit=2)
    assert [[(c.old, c.new) for c in e.changes] for e in entries] == [[("乙", "丙")], [("甲", "乙")]]


def test_a_change_without_a_user_is_put_to_whom_the_caller_names(world):
    member = world.haishu_members[0]
    edit(member, work_unit="宁波港集团")
    records = history.latest_records(member, 1)
    assert history.entries(records, ("work_unit",), limit=1)[0].who == "系统"
    assert history.entries(records, ("work_unit",), limit=1, nobody="合作系统")[0].who == "合作系统"


def test_a_save_that_changed_nothing_says_so_unless_the_service_said_why(world):
    member = world.haishu_members[0]
    edit(member)
    edit(member, reason="核对信息")
    entries = history.entries(history.latest_records(member, 2), ("work_unit",), limit=2)
    assert [(e.reason, e.changes, e.note) for e in entries] == [
        ("核对信息", [], ""),
        ("", [], "保存时未改动任何字段。"),
    ]


def test_a_field_compared_by_the_caller_is_listed_as_the_caller_says(world):
    member = world.haishu_members[0]
    edit(member, work_unit="宁波港集团")
    records = history.latest_records(member, 1)

    def as_said(older, newer):
        return ("旧单位", "新单位")

    def never(older, newer):
        return None

    [shown] = history.entries(records, ("work_unit",), limit=1, compares={"work_unit": as_said})
    [hidden] = history.entries(records, ("work_unit",), limit=1, compares={"work_unit": never})
    assert (shown.changes, hidden.changes) == ([Change("工作单位", "旧单位", "新单位")], [])


def test_it_reads_what_each_record_held_in_a_many_to_many_field_in_one_query(
    world, django_assert_num_queries
):
    brand = BrandFactory(organization=world.haishu_branch)
    brand.tags.add(Tag.objects.create(name="邻里互助"))
    brand.tags.add(Tag.objects.create(name="为老服务"))
    records = history.latest_records(brand, 5)
    with django_assert_num_queries(1):
        # 1. the tags of every record (simple_history's through rows, with the tag names)
        snapshots = history.m2m_snapshots(records, "tags", "name")
    assert [snapshots[r.history_id] for r in records] == [["为老服务", "邻里互助"], ["邻里互助"], []]


def test_a_related_row_is_named_and_a_deleted_one_shown_by_its_id(world, django_assert_num_queries):
    gone = OrganizationFactory(region=world.haishu_grid)
    gone_pk = gone.pk
    gone.delete()
    with django_assert_num_queries(1):
        # 1. the names of the organizations asked for
        name = history.names(PartyOrganization, [world.haishu_branch.pk, gone_pk, None])
    assert (name(world.haishu_branch.pk), name(gone_pk)) == (world.haishu_branch.name, f"#{gone_pk}")
    with django_assert_num_queries(0):
        history.names(PartyOrganization, [])
