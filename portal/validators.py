"""Validators for mainland mobile numbers, resident ID numbers (GB 11643-1999) and record dates."""

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    return value.removeprefix("+86")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_mobile(value)):
        raise ValidationError(_("请输入有效的11位手机号码。"), code="invalid_mobile")


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_birth_date(value: str) -> dt.date:
    return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError(_("身份证号应为18位，最后一位可为数字或X。"), code="id_length")
    try:
        born = id_birth_date(value)
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_date") from None
    if born > timezone.localdate() or born.year < 1900:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_date")
    if id_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_checksum")


def id_gender(value: str) -> str:
    """'M' or 'F' from the 17th digit (odd is male)."""
    return "M" if int(value[16]) % 2 else "F"


def earliest_record_date() -> dt.date:
    return settings.EARLIEST_RECORD_DATE


def validate_record_date(value: dt.date | dt.datetime) -> None:
    """A date a person enters for a record (an activity, a base's opening): not before
    ``EARLIEST_RECORD_DATE`` (see README, Configuration). Compared as an instant, without
    converting ``value``: a year-1 date would overflow in a conversion to UTC."""
    earliest = earliest_record_date()
    if isinstance(value, dt.datetime):
        bound = dt.datetime.combine(earliest, dt.time.min)
        too_early = value < (timezone.make_aware(bound) if timezone.is_aware(value) else bound)
    else:
        too_early = value < earliest
    if too_early:
        raise ValidationError(
            _("日期不能早于 %(date)s。"), code="too_early", params={"date": f"{earliest:%Y-%m-%d}"}
        )
