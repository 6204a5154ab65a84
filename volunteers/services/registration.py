"""Real-name registration: one person, one account, found by the keyed hash of the ID number.

The ID number itself is never stored: its hash refuses a second registration and links a party
member with the same number (shown as 党员, the member record stays with its organization).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import PartyMember, Region, RegionLevel, district_code_of
from portal.errors import Conflict
from portal.models import Role, RoleAssignment, User
from portal.privacy import hash_id_number, mask_id_number
from portal.validators import (
    id_birth_date,
    normalize_id_number,
    normalize_mobile,
    normalize_person_name,
    validate_id_number,
    validate_mobile,
    validate_person_name,
)
from volunteers.models import Specialty, Volunteer

# Said the same way to everyone: it must not hint whose account holds the number.
ID_NUMBER_REGISTERED = _(
    "该身份证号已注册过志愿者账号，一人只能注册一个账号。如忘记账号，请到所在社区核实身份后找回。"
)
ALREADY_VOLUNTEER = _("您已注册为志愿者，无需重复注册。")
LEGACY_ID_NUMBER = _("15位旧身份证号已停止使用，请填写18位居民身份证号（可在新身份证或户口簿上找到）。")
CONSENT_REQUIRED = _("请阅读并同意《个人信息处理说明》后再提交。")
NOT_A_COMMUNITY = _("请选择到社区一级。")
WORK_UNIT_REQUIRED = _("在职党员请填写工作单位。")


def clean_id_number(value: str) -> str:
    """The normalized 18-digit number, or a ValidationError saying what is wrong with it.

    The one statement of the rule for volunteers: the form and the service both ask it.
    """
    value = normalize_id_number(value).replace(" ", "")
    if len(value) == 15 and value.isdigit():
        raise ValidationError(LEGACY_ID_NUMBER, code="id_legacy")
    validate_id_number(value)
    return value


def clean_name(value: str) -> str:
    name = normalize_person_name(value)
    validate_person_name(name)
    return name


@transaction.atomic
def volunteer_register(
    *,
    user: User,
    name: str,
    id_number: str,
    mobile: str,
    community: Region,
    specialties: Iterable[Specialty] = (),
    is_in_service: bool = False,
    work_unit: str = "",
    consented: bool,
) -> Volunteer:
    """Register ``user`` as an applicant volunteer; community staff then approve them."""
    if not consented:
        raise ValidationError({"consent": CONSENT_REQUIRED})
    if Volunteer.objects.filter(user=user).exists():
        raise Conflict(ALREADY_VOLUNTEER)
    if community.level != RegionLevel.COMMUNITY:
        raise ValidationError({"community": NOT_A_COMMUNITY})
    work_unit = work_unit.strip()
    if is_in_service and not work_unit:
        raise ValidationError({"work_unit": WORK_UNIT_REQUIRED})
    id_number = clean_id_number(id_number)
    mobile = normalize_mobile(mobile)
    validate_mobile(mobile)
    id_hash = hash_id_number(id_number)
    if Volunteer.objects.filter(id_number_hash=id_hash).exists():
        raise Conflict(ID_NUMBER_REGISTERED)
    volunteer = Volunteer(
        user=user,
        name=clean_name(name),
        mobile=mobile,
        id_number_hash=id_hash,
        id_number_masked=mask_id_number(id_number),
        birth_date=id_birth_date(id_number),
        community=community,
        district_code=district_code_of(community.path),
        is_in_service=is_in_service,
        work_unit=work_unit if is_in_service else "",
        member=_matching_member(id_hash),
        consented_at=timezone.now(),
    )
    try:
        with transaction.atomic():
            volunteer.save()
    except IntegrityError:
        # The same number registered at the same moment by another request: the unique index
        # decides, and the loser hears what a later registration would.
        raise Conflict(ID_NUMBER_REGISTERED) from None
    volunteer.specialties.set(specialties)
    RoleAssignment.objects.get_or_create(user=user, role=Role.VOLUNTEER, region=community, organization=None)
    if not user.real_name:
        user.real_name = volunteer.name
        user.save(update_fields=["real_name"])
    return volunteer


def _matching_member(id_hash: str) -> PartyMember | None:
    # A member already linked to another volunteer cannot be: that volunteer has the same hash.
    return PartyMember.objects.filter(id_number_hash=id_hash).only("pk").first()
