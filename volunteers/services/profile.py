"""A volunteer edits their own profile: contact, specialties and the in-service flag.

The real name and the ID number are the identity checked at registration: they are not edited
here (the community staff correct them in the admin after seeing the ID card).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from portal import history
from portal.models import User
from portal.validators import normalize_mobile, validate_mobile
from volunteers.models import Specialty, Volunteer
from volunteers.services.registration import WORK_UNIT_REQUIRED


@transaction.atomic
def volunteer_update(
    *,
    actor: User,
    volunteer: Volunteer,
    mobile: str,
    specialties: Iterable[Specialty],
    is_in_service: bool,
    work_unit: str = "",
) -> Volunteer:
    """Save the volunteer's own changes; the model's history (simple_history) keeps the old values."""
    if volunteer.user_id != actor.pk:
        raise ValidationError(_not_yours())
    work_unit = work_unit.strip()
    if is_in_service and not work_unit:
        raise ValidationError({"work_unit": WORK_UNIT_REQUIRED})
    mobile = normalize_mobile(mobile)
    validate_mobile(mobile)
    volunteer.mobile = mobile
    volunteer.is_in_service = is_in_service
    volunteer.work_unit = work_unit if is_in_service else ""
    history.attribute(volunteer, actor=actor, reason="profile edited by the volunteer")
    volunteer.save(update_fields=["mobile", "is_in_service", "work_unit", "updated_at"])
    volunteer.specialties.set(specialties)
    return volunteer


def _not_yours() -> str:
    from django.utils.translation import gettext as _

    return _("只能修改自己的志愿者资料。")
