"""How a scope filters a list depends on the list's order (see portal.scoping._path_q)."""

from brands.models import ActivityRecord
from grids import selectors
from grids.models import PartyMember


def sql(queryset) -> str:
    return str(queryset.query).upper()


def test_activity_records_of_a_district_are_kept_while_read_newest_first(world):
    # Joined to the region and filtered by its path: the planner walks (started_at, id) for a
    # district's newest page instead of reading and sorting all of the district's records.
    query = sql(ActivityRecord.objects.visible_to(world.haishu_staff).order_by("-started_at", "-id"))
    assert "LIKE" in query and "SELECT U0" not in query


def test_the_member_list_page_reads_members_in_its_own_order(world):
    query = sql(selectors.member_list(world.haishu_staff))
    assert "LIKE" in query and "SELECT U0" not in query


def test_a_district_reads_its_members_by_its_code(world):
    # The API lists members newest id first, an order not correlated with the district: the
    # (district_code, id) index gives a district's newest page without sorting its 35,000 members.
    query = sql(PartyMember.objects.visible_to(world.haishu_staff))
    assert "DISTRICT_CODE" in query and "SELECT U0" not in query


def test_other_member_reads_start_from_the_subtree(world):
    query = sql(PartyMember.objects.visible_to(world.haishu_street_staff))
    assert "SELECT U0" in query


def test_both_forms_see_the_same_members(world):
    for user in (world.haishu_staff, world.haishu_street_staff, world.jiangbei_staff, world.haishu_secretary):
        walked = set(selectors.member_list(user).values_list("pk", flat=True))
        assert walked == set(PartyMember.objects.visible_to(user).values_list("pk", flat=True)), user
