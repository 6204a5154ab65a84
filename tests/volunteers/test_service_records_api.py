"""/api/v1/service-records/: partner systems holding service:write report hours for volunteers of
their region, named by id or ID number; references are taken once; reads are scoped."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from portal.models import ApiScope
from tests.factories import make_id_number
from tests.harness import key_client, session_client
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, StationFactory, TeamFactory
from volunteers.models import RecordSource, RecordStatus, ServiceRecord, Volunteer
from volunteers.services.hours import record_approve

URL = "/api/v1/service-records/"
ID_NUMBER = make_id_number(dt.date(1979, 4, 2), area="330203")


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.haishu_community, name="王小梅", id_number=ID_NUMBER)


@pytest.fixture
def writer(world):
    return key_client(world.haishu, [ApiScope.READ, ApiScope.SERVICE_WRITE], partner="甬·志愿")


def body(**fields):
    return {
        "served_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "hours": "3.50",
        "description": "社区义诊",
        "external_ref": "YZY-0001",
        **fields,
    }


def test_a_partner_reports_hours_for_a_volunteer_by_account(world, volunteer, writer):
    response = writer.post(URL, body(volunteer=volunteer.pk), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pending" and data["volunteer_name"] == "王*梅" and data["partner"] == "甬·志愿"
    record = ServiceRecord.objects.get()
    assert record.source == RecordSource.API and record.hours == Decimal("3.5")
    assert response["Location"].endswith(f"{URL}{record.pk}/")


def test_a_partner_reports_hours_by_id_number(world, volunteer, writer):
    response = writer.post(URL, body(id_number=ID_NUMBER.lower()), format="json")
    assert response.status_code == 201, response.json()
    assert ServiceRecord.objects.get().volunteer == volunteer
    assert ID_NUMBER not in response.content.decode()


def test_a_retry_with_the_same_key_is_replayed_and_the_same_ref_is_a_conflict(world, volunteer, writer):
    first = writer.post(URL, body(volunteer=volunteer.pk), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = writer.post(URL, body(volunteer=volunteer.pk), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (
        again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    )
    twice = writer.post(URL, body(volunteer=volunteer.pk), format="json")
    assert twice.status_code == 409 and "YZY-0001" in twice.content.decode()
    assert ServiceRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": make_id_number(dt.date(1990, 1, 1))}, "volunteer"),  # valid, but nobody's
        ({"id_number": "330203199001011230"}, "id_number"),  # bad check digit
        ({"volunteer": 10**30}, "volunteer"),
        ({"volunteer": 987654}, "volunteer"),
        ({}, "non_field_errors"),
        ({"volunteer": 1, "id_number": ID_NUMBER}, "non_field_errors"),
        ({"volunteer": 1, "hours": "25"}, "hours"),
        ({"volunteer": 1, "served_on": "2999-01-01"}, None),
        ({"volunteer": 1, "served_on": "0202-01-01"}, "served_on"),
        ({"volunteer": 1, "photos": []}, "photos"),
    ],
)
def test_bad_reports_are_400_and_change_nothing(world, volunteer, writer, fields, field):
    if fields.get("volunteer") == 1:
        fields["volunteer"] = volunteer.pk
    response = writer.post(URL, body(**fields), format="json")
    assert response.status_code == 400, response.content
    if field:
        assert field in str(response.json())
    assert not ServiceRecord.objects.exists()


def test_another_district_s_volunteer_is_refused_like_an_unknown_one(world, writer):
    outsider = VolunteerFactory(community=world.jiangbei_community)
    by_id = writer.post(URL, body(volunteer=outsider.pk), format="json")
    unknown = writer.post(URL, body(volunteer=outsider.pk + 1000), format="json")
    assert by_id.status_code == unknown.status_code == 400
    assert by_id.json() == unknown.json()
    assert not ServiceRecord.objects.exists()


def test_writing_needs_the_service_write_scope(world, volunteer):
    reader = key_client(world.haishu, [ApiScope.READ])
    assert reader.post(URL, body(volunteer=volunteer.pk), format="json").status_code == 403
    staff = session_client(
        world.haishu_staff
    )  # people confirm hours on the pages; the API create is for systems
    assert staff.post(URL, body(volunteer=volunteer.pk), format="json").status_code == 403
    assert not ServiceRecord.objects.exists()


def test_the_total_equals_the_approved_sum_after_an_api_report(world, volunteer, writer):
    writer.post(URL, body(volunteer=volunteer.pk), format="json")
    record_approve(actor=world.haishu_staff, record=ServiceRecord.objects.get())
    approved = ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.APPROVED)
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == approved.aggregate(s=Sum("hours"))["s"]


def test_the_list_filters_by_region_team_dates_and_status(world, volunteer):
    team = TeamFactory(station=StationFactory(region=world.haishu_street), leader=volunteer)
    old = RecordFactory(volunteer=volunteer, served_on=dt.date(2025, 3, 1), team=team)
    new = RecordFactory(volunteer=volunteer, served_on=dt.date(2026, 3, 1))
    record_approve(actor=world.haishu_staff, record=new)
    client = key_client(world.haishu)

    def ids(**params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [new.pk, old.pk]
    assert ids(team=team.pk) == [old.pk]
    assert ids(date_from="2026-01-01") == [new.pk]
    assert ids(date_to="2025-12-31") == [old.pk]
    assert ids(status="approved") == [new.pk]
    assert ids(region=world.haishu_street.code) == [new.pk, old.pk]
    assert ids(region=world.jiangbei.code) == []
    assert client.get(URL, {"team": 10**30}).status_code == 400
    assert client.get(URL, {"status": "nope"}).status_code == 400
