"""Dates a person enters for a record are no earlier than EARLIEST_RECORD_DATE (2000-01-01 by
default): 1900-01-01 or a mistyped year is refused on the page, in the API and in the admin."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brands.models import ActivityRecord
from tests.brands.activity_factories import SlotFactory
from tests.brands.test_activity_api import URL, key_client, payload
from tests.brands.test_activity_pages import create_url, form_data
from tests.brands.test_activity_rules import record

TOO_EARLY = "日期不能早于 2000-01-01。"


def local(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


def test_the_service_refuses_a_record_from_1900(world):
    with pytest.raises(ValidationError) as excinfo:
        record(world, started_at=local(1900, 1, 1, 9), ended_at=local(1900, 1, 1, 11))
    assert excinfo.value.message_dict["started_at"] == [TOO_EARLY]
    assert not ActivityRecord.objects.exists()


def test_the_first_day_is_accepted_and_the_bound_is_a_setting(world, settings):
    assert record(world, started_at=local(2000, 1, 1, 0), ended_at=local(2000, 1, 1, 2)).pk
    settings.EARLIEST_RECORD_DATE = dt.date(2020, 1, 1)
    with pytest.raises(ValidationError) as excinfo:
        record(world, started_at=local(2019, 12, 31, 9), ended_at=local(2019, 12, 31, 11))
    assert excinfo.value.message_dict["started_at"] == ["日期不能早于 2020-01-01。"]


def test_the_form_shows_the_bound_and_the_services_refusal(world, client):
    client.force_login(world.haishu_secretary)
    assert client.get(create_url(world)).context["form"].fields["started_at"].widget.attrs["min"] == (
        "2000-01-01T00:00"
    )
    response = client.post(
        create_url(world), form_data(started_at="1900-01-01T09:00", ended_at="1900-01-01T10:30")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["started_at"] == [TOO_EARLY]
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize(
    "started_at", ["1900-01-01T09:00:00+08:00", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00"]
)
def test_the_api_answers_400(world, started_at):
    response = key_client(world.haishu, ["read", "activities:write"]).post(
        URL, payload(world, started_at=started_at), format="json"
    )
    assert response.status_code == 400
    assert "started_at" in response.json()["error"]["fields"]
    assert not ActivityRecord.objects.exists()


def test_a_base_opening_before_the_bound_is_refused(world):
    slot = SlotFactory.build(
        base=SlotFactory(base__region=world.haishu_community).base, starts_at=local(1900, 1, 1, 9)
    )
    slot.ends_at = slot.starts_at + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as excinfo:
        slot.full_clean()
    assert excinfo.value.message_dict["starts_at"] == [TOO_EARLY]


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "9999-12-31"])
def test_the_activity_list_filter_survives_any_date(world, client, day):
    client.force_login(world.haishu_staff)
    for name in ("date_from", "date_to"):
        assert client.get(reverse("brands:activity_list"), {name: day}).status_code == 200


@pytest.mark.parametrize("month", ["0001-01", "9999-12"])
def test_the_branch_page_survives_any_month(world, client, month):
    client.force_login(world.haishu_secretary)
    url = reverse("brands:branch_detail", args=[world.haishu_branch.pk])
    assert client.get(url, {"month": month}).status_code == 200
