"""Booking organizational-life base slots: capacity, one booking per branch, cancelling, the pages."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from brands.models import BaseBooking, BaseSlot, BookingStatus
from brands.services.bases import booking_cancel, slot_book
from portal.errors import Conflict, IllegalTransition, NotAllowed
from tests.brands.activity_factories import SlotFactory
from tests.factories import OrganizationFactory


def slot_in(world, days: float = 3, capacity: int = 5) -> BaseSlot:
    return SlotFactory(
        base__region=world.haishu_community,
        base__capacity=capacity,
        starts_at=timezone.now() + dt.timedelta(days=days),
    )


def book(world, slot, key="haishu"):
    return slot_book(
        actor=getattr(world, f"{key}_secretary"), slot=slot, organization=getattr(world, f"{key}_branch")
    )


def test_a_secretary_books_a_slot_for_their_branch(world):
    slot = slot_in(world)
    booking = book(world, slot)
    assert (booking.organization, booking.booked_by, booking.status) == (
        world.haishu_branch,
        world.haishu_secretary,
        BookingStatus.BOOKED,
    )
    slot.refresh_from_db()
    assert (slot.booked, slot.free) == (1, 4)


def test_a_branch_of_another_district_may_book_an_open_base(world):
    slot = slot_in(world)
    assert book(world, slot, "jiangbei").organization == world.jiangbei_branch


def test_a_full_slot_refuses_the_next_branch_and_changes_nothing(world):
    slot = slot_in(world, capacity=1)
    book(world, slot)
    with pytest.raises(Conflict, match="已约满"):
        book(world, slot, "jiangbei")
    slot.refresh_from_db()
    assert slot.booked == 1
    assert BaseBooking.objects.count() == 1


def test_a_branch_cannot_hold_two_places_in_one_slot(world):
    slot = slot_in(world)
    book(world, slot)
    with pytest.raises(Conflict, match="已预约该时段"):
        book(world, slot)
    slot.refresh_from_db()
    assert slot.booked == 1


def test_the_database_refuses_a_second_live_booking_of_a_branch(world):
    slot = slot_in(world)
    booking = book(world, slot)
    with pytest.raises(IntegrityError):
        BaseBooking.objects.create(slot=slot, organization=booking.organization, booked_by=booking.booked_by)


def test_the_database_refuses_more_bookings_than_places(world):
    slot = slot_in(world, capacity=2)
    with pytest.raises(IntegrityError):
        BaseSlot.objects.filter(pk=slot.pk).update(booked=3)


def test_a_slot_that_has_begun_cannot_be_booked(world):
    slot = slot_in(world, days=-0.01)
    with pytest.raises(Conflict, match="已经开始"):
        book(world, slot)


def test_an_inactive_base_cannot_be_booked(world):
    slot = slot_in(world)
    slot.base.is_active = False
    slot.base.save()
    with pytest.raises(Conflict, match="暂停"):
        book(world, slot)


@pytest.mark.parametrize("outsider", ["jiangbei_secretary", "jiangbei_staff", "volunteer"])
def test_an_outsider_cannot_book_for_the_branch(world, outsider):
    slot = slot_in(world)
    with pytest.raises(NotAllowed):
        slot_book(actor=getattr(world, outsider), slot=slot, organization=world.haishu_branch)
    slot.refresh_from_db()
    assert slot.booked == 0


def test_cancelling_frees_the_place_for_another_branch(world):
    slot = slot_in(world, capacity=1)
    booking = book(world, slot)
    booking_cancel(actor=world.haishu_secretary, booking=booking)
    assert (booking.status, booking.cancelled_at is not None) == (BookingStatus.CANCELLED, True)
    slot.refresh_from_db()
    assert slot.booked == 0
    book(world, slot, "jiangbei")
    # ... and the branch that cancelled may book again once a place is free.
    other = slot_in(world)
    book(world, other)


def test_it_cancels_at_the_latest_the_day_before(world, monkeypatch):
    slot = slot_in(world, days=1.5)
    booking = book(world, slot)
    slot_day = timezone.localtime(slot.starts_at).date()
    monkeypatch.setattr(timezone, "localdate", lambda *args: slot_day)
    with pytest.raises(IllegalTransition, match="前一天"):
        booking_cancel(actor=world.haishu_secretary, booking=booking)
    monkeypatch.setattr(timezone, "localdate", lambda *args: slot_day - dt.timedelta(days=1))
    booking_cancel(actor=world.haishu_secretary, booking=booking)


def test_a_booking_is_cancelled_once_and_frees_one_place(world):
    slot = slot_in(world)
    book(world, slot, "jiangbei")
    booking = book(world, slot)
    stale = BaseBooking.objects.select_related("slot", "organization__region").get(pk=booking.pk)
    booking_cancel(actor=world.haishu_secretary, booking=booking)
    with pytest.raises(IllegalTransition):
        booking_cancel(actor=world.haishu_secretary, booking=stale)  # a second click with an old page
    slot.refresh_from_db()
    assert slot.booked == 1


def test_an_outsider_cannot_cancel_the_branchs_booking(world):
    booking = book(world, slot_in(world))
    with pytest.raises(NotAllowed):
        booking_cancel(actor=world.jiangbei_secretary, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


# Pages -----------------------------------------------------------------------------------------


def test_the_base_list_shows_free_places_and_offers_the_secretarys_branch(
    world, client, django_assert_num_queries
):
    slot = slot_in(world)
    book(world, slot, "jiangbei")
    full = slot_in(world, days=4, capacity=1)
    book(world, full, "jiangbei")
    client.force_login(world.haishu_secretary)
    with django_assert_num_queries(8):
        # 1. session  2. user  3. role assignments  4. districts for the filter  5. bases with
        # their regions  6. their coming slots  7. the secretary's branch  8. slots it already holds
        response = client.get(reverse("brands:base_list"))
    page = response.content.decode()
    assert response.context["organization"] == world.haishu_branch
    assert "剩余 4 / 5" in page
    assert "已约满" in page
    assert reverse("brands:slot_book", args=[slot.pk]) in page
    assert reverse("brands:slot_book", args=[full.pk]) not in page


def test_the_base_list_costs_the_same_with_more_bases(world, client, django_assert_num_queries):
    for days in range(1, 8):
        slot_in(world, days=days)
    client.force_login(world.haishu_secretary)
    with django_assert_num_queries(8):
        response = client.get(reverse("brands:base_list"))
    assert len(response.context["bases"]) == 7


def test_the_base_list_filters_by_district(world, client):
    slot_in(world)
    elsewhere = SlotFactory(base__region=world.jiangbei_community, base__name="江北基地")
    client.force_login(world.haishu_secretary)
    response = client.get(reverse("brands:base_list"), {"region": world.jiangbei.code})
    assert [b.name for b in response.context["bases"]] == [elsewhere.base.name]


def test_a_secretary_books_and_cancels_through_the_pages(world, client):
    slot = slot_in(world)
    client.force_login(world.haishu_secretary)
    response = client.post(
        reverse("brands:slot_book", args=[slot.pk]), {"organization": world.haishu_branch.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("brands:booking_list", args=[world.haishu_branch.pk])
    booking = BaseBooking.objects.get()
    assert "已预约" in response.content.decode()
    assert response.context["bookings"][0].cancellable

    response = client.post(reverse("brands:booking_cancel", args=[booking.pk]), follow=True)
    assert "已取消预约" in response.content.decode()
    slot.refresh_from_db()
    assert slot.booked == 0


def test_a_full_slot_is_explained_on_the_page(world, client):
    slot = slot_in(world, capacity=1)
    book(world, slot, "jiangbei")
    client.force_login(world.haishu_secretary)
    response = client.post(
        reverse("brands:slot_book", args=[slot.pk]), {"organization": world.haishu_branch.pk}, follow=True
    )
    assert "该时段已约满" in response.content.decode()
    assert not BaseBooking.objects.filter(organization=world.haishu_branch).exists()


def test_an_outsider_cannot_book_or_cancel_for_another_branch_through_the_pages(world, client):
    slot = slot_in(world)
    booking = book(world, slot)
    client.force_login(world.jiangbei_secretary)
    url = reverse("brands:slot_book", args=[slot.pk])
    assert client.post(url, {"organization": world.haishu_branch.pk}).status_code == 404
    assert client.post(reverse("brands:booking_cancel", args=[booking.pk])).status_code == 404
    assert client.get(reverse("brands:booking_list", args=[world.haishu_branch.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_staff_book_for_a_branch_reached_from_its_page(world, client):
    slot = slot_in(world)
    branch = OrganizationFactory(region=world.haishu_grid, parent=world.haishu_committee)
    client.force_login(world.haishu_street_staff)
    page = client.get(reverse("brands:base_list"), {"organization": branch.pk})
    assert page.context["organization"] == branch
    client.post(reverse("brands:slot_book", args=[slot.pk]), {"organization": branch.pk})
    assert BaseBooking.objects.get().organization == branch
