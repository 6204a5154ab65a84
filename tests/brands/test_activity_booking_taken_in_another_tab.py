"""Two tabs record the same base booking: the second is told why, never shown the form back in silence.

The booking field is only drawn while the branch has bookings to record; once the first tab used the
only one, the second tab's choice failed on a field the page no longer showed, so the secretary saw
their form again with no message at all.
"""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from brands.models import ActivityRecord
from brands.services.bases import slot_book
from tests.brands.activity_factories import FORMAT, SlotFactory, form_data


def test_the_second_tab_is_told_the_booking_is_taken(world, client):
    slot = SlotFactory(base__region=world.haishu_community, starts_at=timezone.now() + dt.timedelta(days=1))
    booking = slot_book(actor=world.haishu_secretary, slot=slot, organization=world.haishu_branch)
    slot.starts_at = timezone.now() - dt.timedelta(hours=3)  # the meeting took place
    slot.ends_at = slot.starts_at + dt.timedelta(hours=2)
    slot.save()
    client.force_login(world.haishu_secretary)
    url = reverse("brands:activity_create", args=[world.haishu_branch.pk])
    # The record is about the booked meeting itself, so both fall on one day at any hour the test runs.
    data = form_data(
        base_booking=str(booking.pk),
        all_present="on",
        started_at=timezone.localtime(slot.starts_at).strftime(FORMAT),
        ended_at=timezone.localtime(slot.ends_at).strftime(FORMAT),
    )

    assert client.post(url, data).status_code == 302  # the first tab
    response = client.post(url, data)  # the second tab, same booking

    assert response.status_code == 200
    page = response.content.decode()
    assert "该基地预约已不能选择" in page
    assert ActivityRecord.objects.count() == 1
