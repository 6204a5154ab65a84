"""Booking the slots of open organizational-life bases (开放式组织生活基地).

A slot's capacity is decided by the database, never by a count read earlier in Python: the
increment is a conditional UPDATE (``booked < capacity``) whose row count says who won. On
PostgreSQL the UPDATE locks the slot's row until commit, so concurrent bookers queue on it and each
re-checks the condition against the committed count; the CHECK constraint ``booked <= capacity``
and the partial unique index (one live booking per branch and slot) back it up.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import BaseBooking, BaseSlot, BookingStatus
from grids.models import PartyOrganization
from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import User
from portal.scoping import Action, can


@transaction.atomic
def slot_book(*, actor: User, slot: BaseSlot, organization: PartyOrganization) -> BaseBooking:
    if not can(actor, Action.CHANGE, organization):
        raise NotAllowed(_("只有本组织书记或上级工作人员可以为“%(org)s”预约。") % {"org": organization.name})
    if not slot.base.is_active:
        raise Conflict(_("该基地暂停开放预约。"))
    if slot.starts_at <= timezone.now():
        raise Conflict(_("该时段已经开始，不能再预约。"))
    if _holds(organization, slot):
        raise Conflict(_("本组织已预约该时段。"))
    won = BaseSlot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1)
    if not won:
        raise Conflict(_("该时段已约满，请选择其他时段。"))
    try:
        with transaction.atomic():
            booking = BaseBooking.objects.create(slot=slot, organization=organization, booked_by=actor)
    except IntegrityError:
        # The same branch booking twice at once: the unique index refuses the second, and leaving
        # this block by an exception undoes its increment.
        raise Conflict(_("本组织已预约该时段。")) from None
    slot.refresh_from_db(fields=["booked"])
    return booking


def _holds(organization: PartyOrganization, slot: BaseSlot) -> bool:
    return BaseBooking.objects.filter(
        slot=slot, organization=organization, status=BookingStatus.BOOKED
    ).exists()


def cancel_refusal(booking: BaseBooking) -> str | None:
    """Why the booking can no longer be cancelled, or None. The base plans with the day before."""
    if booking.status != BookingStatus.BOOKED:
        return _("该预约已取消。")
    if timezone.localdate() >= timezone.localtime(booking.slot.starts_at).date():
        return _("最迟须在活动前一天取消预约。")
    return None


@transaction.atomic
def booking_cancel(*, actor: User, booking: BaseBooking) -> BaseBooking:
    if not can(actor, Action.CHANGE, booking):
        raise NotAllowed(_("只有本组织书记或上级工作人员可以取消该预约。"))
    refusal = cancel_refusal(booking)
    if refusal:
        raise IllegalTransition(refusal)
    # Two clicks on 取消 at once must free the place only once: the status change decides.
    cancelled = BaseBooking.objects.filter(pk=booking.pk, status=BookingStatus.BOOKED).update(
        status=BookingStatus.CANCELLED, cancelled_at=timezone.now()
    )
    if not cancelled:
        raise IllegalTransition(_("该预约已取消。"))
    BaseSlot.objects.filter(pk=booking.slot_id, booked__gt=0).update(booked=F("booked") - 1)
    booking.refresh_from_db()
    return booking
