"""The Excel export of confirmed hours: scoped, by team, region and period (at most 366 days), and
formula-safe (a description typed as "=cmd|…" stays text)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, approved_record

URL = "/volunteers/hours/export/"


def period(days: int = 30) -> dict[str, str]:
    today = timezone.localdate()
    return {"date_from": (today - dt.timedelta(days=days)).isoformat(), "date_to": today.isoformat()}


@pytest.fixture
def records(world):
    ours = VolunteerFactory(community=world.haishu_community, name="王小梅")
    theirs = VolunteerFactory(community=world.jiangbei_community, name="赵江北")
    approved_record(ours, world.haishu_staff, description="=cmd|' /C calc'!A0", hours=Decimal("2"))
    approved_record(theirs, world.jiangbei_staff, description="江北的服务")
    RecordFactory(volunteer=ours, description="还没确认的")


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(response) -> list[tuple]:
    return list(workbook(response).active.iter_rows(values_only=True))


def test_staff_export_the_confirmed_hours_of_their_area(client, world, records):
    client.force_login(world.haishu_staff)
    response = client.get(URL, period())
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = rows(response)
    assert data[0][0] == "服务日期" and len(data) == 2
    assert data[1][1] == "王小梅" and data[1][-1] == 2
    assert data[1][2].count("*") == 4  # the mobile leaves masked


def test_a_formula_stays_text(client, world, records):
    client.force_login(world.haishu_staff)
    sheet = workbook(client.get(URL, period())).active
    cell = sheet.cell(row=2, column=7)
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"


def test_the_period_is_at_most_366_days(client, world, records):
    client.force_login(world.haishu_staff)
    response = client.get(URL, period(days=400))
    assert response.status_code == 200 and "366" in response.content.decode()
    assert client.get(URL, period(days=365)).status_code == 200


def test_another_district_s_region_is_404(client, world, records):
    client.force_login(world.jiangbei_staff)
    assert client.get(URL, {**period(), "region": world.haishu.code}).status_code == 404
    assert [row[1] for row in rows(client.get(URL, period()))[1:]] == ["赵江北"]


def test_the_form_page_opens(client, world):
    client.force_login(world.haishu_staff)
    assert client.get(URL).status_code == 200


def test_a_second_sheet_sums_the_hours_by_community_and_team(client, world, records):
    from tests.volunteers.hours_factories import StationFactory, TeamFactory

    ours = VolunteerFactory(community=world.haishu_community)
    team = TeamFactory(
        station=StationFactory(region=world.haishu_street), leader=ours, name='=HYPERLINK("x")'
    )
    approved_record(ours, world.haishu_staff, team=team, hours=Decimal("1.5"))
    approved_record(ours, world.haishu_staff, team=team, hours=Decimal("3"), served_on=timezone.localdate())
    client.force_login(world.haishu_staff)

    sums = workbook(client.get(URL, period()))["服务时长汇总"]

    community = world.haishu_community.name
    assert list(sums.iter_rows(values_only=True)) == [
        ("所在区域", "志愿服务队", "服务次数", "时长（小时）"),
        (community, None, 1, 2),  # without a team
        (community, '=HYPERLINK("x")', 2, 4.5),
        ("合计", None, 3, 6.5),
    ]
    assert sums.cell(row=3, column=2).data_type == "s"  # a team named like a formula stays text


def test_the_small_export_costs_the_same_queries_for_1_or_7_records(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    volunteer = VolunteerFactory(community=world.haishu_community)
    client.force_login(world.haishu_staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, period()).status_code == 200
        return len(queries)

    approved_record(volunteer, world.haishu_staff)
    count()  # warm up: first-use reads are not the export's
    few = count()
    for _ in range(6):
        approved_record(volunteer, world.haishu_staff)
    assert count() == few
