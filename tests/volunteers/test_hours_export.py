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


def rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_staff_export_the_confirmed_hours_of_their_area(client, world, records):
    client.force_login(world.haishu_staff)
    response = client.get(URL, period())
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = rows(response)
    assert data[0][0] == "服务日期" and len(data) == 2
    assert data[1][1] == "王小梅" and data[1][-1] == 2


def test_a_formula_stays_text(client, world, records):
    client.force_login(world.haishu_staff)
    sheet = load_workbook(io.BytesIO(client.get(URL, period()).content)).active
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
