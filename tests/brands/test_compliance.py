"""三会一课 compliance of a branch: computed from one aggregated query over a known history."""

import datetime as dt

from brands.models import ActivityKind as K
from brands.selectors.activities import PeriodStatus, branch_compliance
from tests.brands.activity_factories import RecordFactory, local
from tests.factories import OrganizationFactory

TODAY = dt.date(2025, 6, 15)  # the window is July 2024 – June 2025


def held(organization, kind, *moments):
    for moment in moments:
        RecordFactory(organization=organization, kind=kind, started_at=moment)


def history(world):
    branch = world.haishu_branch
    every_month = [(2024, m) for m in range(7, 13)] + [(2025, m) for m in range(1, 6)]
    held(
        branch,
        K.THEME_DAY,
        *[local(y, m, 10) for y, m in every_month if (y, m) not in {(2024, 9), (2025, 2)}],
    )
    # 00:30 on 1 June in Ningbo is still 31 May in UTC: months are local months.
    held(branch, K.GROUP_MEETING, *[local(y, m, 20) for y, m in every_month], local(2025, 6, 1, 0, 30))
    held(branch, K.COMMITTEE_MEETING, local(2024, 7, 3), local(2024, 7, 25), local(2024, 8, 3))
    # 23:30 on 31 March is the first quarter's, though UTC has it on the same day: no 2nd-quarter credit.
    held(branch, K.GENERAL_MEETING, local(2024, 8, 8), local(2025, 3, 31, 23, 30))
    held(
        branch, K.PARTY_LECTURE,
        local(2024, 6, 30, 15),  # before the window: the 2nd quarter of 2024 is not shown
        local(2024, 7, 1, 0, 10), local(2024, 10, 9), local(2024, 10, 23), local(2025, 4, 2),
    )  # fmt: skip
    # Noise that must not count: another kind, and another district's branch.
    held(branch, K.VOLUNTEER, local(2024, 9, 5), local(2025, 2, 5))
    held(world.jiangbei_branch, K.THEME_DAY, local(2024, 9, 12), local(2025, 2, 12))
    held(world.jiangbei_branch, K.COMMITTEE_MEETING, *[local(y, m, 3) for y, m in every_month])
    return branch


def row(compliance, kind):
    return next(r for r in compliance.rows if r.requirement.kind == kind)


def labels(periods):
    return [p.label for p in periods]


def test_it_computes_a_year_of_compliance_in_one_query(world, django_assert_num_queries):
    branch = history(world)
    with django_assert_num_queries(1):
        # 1. records per kind and local month (one GROUP BY)
        compliance = branch_compliance(branch, today=TODAY)

    assert [f"{m:%Y-%m}" for m in compliance.months] == [
        "2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12",
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06",
    ]  # fmt: skip

    theme = row(compliance, K.THEME_DAY)
    assert labels(theme.missing) == ["2024年9月", "2025年2月"]
    assert theme.periods[-1].status == PeriodStatus.OPEN  # June is not over

    group = row(compliance, K.GROUP_MEETING)
    assert group.missing == []
    assert [p.count for p in group.periods] == [1] * 12

    committee = row(compliance, K.COMMITTEE_MEETING)
    assert [p.count for p in committee.periods[:2]] == [2, 1]
    assert labels(committee.missing) == [
        "2024年9月", "2024年10月", "2024年11月", "2024年12月",
        "2025年1月", "2025年2月", "2025年3月", "2025年4月", "2025年5月",
    ]  # fmt: skip
    assert committee.periods[-1].status == PeriodStatus.OPEN

    general = row(compliance, K.GENERAL_MEETING)
    assert labels(general.periods) == ["2024年第3季度", "2024年第4季度", "2025年第1季度", "2025年第2季度"]
    assert [p.span for p in general.periods] == [3, 3, 3, 3]
    assert [p.status for p in general.periods] == [
        PeriodStatus.MET, PeriodStatus.MISSING, PeriodStatus.MET, PeriodStatus.OPEN,
    ]  # fmt: skip

    lecture = row(compliance, K.PARTY_LECTURE)
    assert [p.count for p in lecture.periods] == [1, 2, 0, 1]
    assert labels(lecture.missing) == ["2025年第1季度"]
    assert lecture.periods[-1].status == PeriodStatus.MET  # held already: met before the quarter ends

    # Over: 11 months × 3 monthly rows + 3 quarters × 2 quarterly rows = 39 (June and the 2nd quarter
    # are under way, held or not); missing 2 + 9 + 1 + 1 = 13.
    assert (compliance.due_count, compliance.missing_count) == (39, 13)
    assert compliance.rate == round(100 * 26 / 39)


def test_a_quarter_cut_by_the_window_still_counts_its_earlier_months(world):
    branch = world.haishu_branch
    held(branch, K.GENERAL_MEETING, local(2024, 4, 20))
    compliance = branch_compliance(branch, today=dt.date(2025, 5, 15))  # window June 2024 – May 2025
    general = row(compliance, K.GENERAL_MEETING)
    first = general.periods[0]
    assert (first.label, first.span, first.count, first.status) == ("2024年第2季度", 1, 1, PeriodStatus.MET)
    assert sum(p.span for p in general.periods) == 12


def test_records_of_the_branchs_party_groups_count_for_the_branch(world):
    group = OrganizationFactory(
        name="第一党小组", kind="group", region=world.haishu_grid, parent=world.haishu_branch
    )
    held(group, K.GROUP_MEETING, local(2025, 5, 6))
    compliance = branch_compliance(world.haishu_branch, today=TODAY)
    assert row(compliance, K.GROUP_MEETING).periods[10].count == 1


def test_a_branch_with_no_records_misses_every_period_that_is_over(world):
    compliance = branch_compliance(world.haishu_branch, today=TODAY)
    assert compliance.missing_count == compliance.due_count == 39
    assert compliance.rate == 0
