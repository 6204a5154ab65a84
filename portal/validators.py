"""Validators for people's names, mainland mobile numbers, resident ID numbers (GB 11643-1999) and
record dates."""

import datetime as dt
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
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


# Han ideographs: the basic block, extension A, the compatibility blocks and extensions B to I in
# the supplementary planes (rare characters in names, such as 𠮷 and 䶮, live there), and 〇.
_HAN = (
    "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0002a6df\U0002a700-\U0002ee5f\U0002f800-\U0002fa1f\U00030000-\U000323af"
)
# Latin letters with their accented forms (Latin-1, Extended-A/B, Extended Additional).
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
# 阿卜杜·热合曼: Han runs joined by single middle dots, as on minority members' ID cards.
CHINESE_NAME_RE = re.compile(rf"[{_HAN}]+(?:·[{_HAN}]+)*")
# Nguyễn Văn An, O'Brien, Jean-Luc, J. R. Smith, Smith Jr.: starts with a letter.
# Each space, hyphen or apostrophe joins two runs of letters; a dot may end an initial ("J. R.").
LATIN_NAME_RE = re.compile(rf"[{_LATIN}]+(?:(?:[-'’ ]|\. ?)[{_LATIN}]+)*\.?")
NAME_MIN_LENGTH, NAME_MAX_LENGTH = 2, 50
# The middle dot as phones and IMEs type it (katakana ・, bullets, half-width ･) → U+00B7.
_MIDDLE_DOTS = str.maketrans(dict.fromkeys("・•‧∙･", "·"))


def normalize_person_name(value: str) -> str:
    """Composed accents, one kind of middle dot, single spaces, no spaces around the edges."""
    value = unicodedata.normalize("NFC", value or "").translate(_MIDDLE_DOTS)
    return " ".join(value.replace("\u3000", " ").split())


def validate_person_name(value: str) -> None:
    """A person's name: Chinese (with · for minority names) or Latin letters; never a formula.

    Starting with a letter is also what keeps "=HYPERLINK(…)", "+…", "-…" and "@…" out: a name
    never reaches a spreadsheet as something Excel would evaluate.
    """
    if not NAME_MIN_LENGTH <= len(value) <= NAME_MAX_LENGTH:
        raise ValidationError(
            _("姓名应为%(min)d至%(max)d个字。") % {"min": NAME_MIN_LENGTH, "max": NAME_MAX_LENGTH},
            code="name_length",
        )
    # fullmatch, not ^…$: "$" would let a trailing newline through.
    if not (CHINESE_NAME_RE.fullmatch(value) or LATIN_NAME_RE.fullmatch(value)):
        raise ValidationError(
            _("姓名只能由汉字（少数民族姓名可用间隔号“·”）或拉丁字母、空格、连字符、撇号和点组成。"),
            code="invalid_name",
        )


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


def validate_site_path(value: str) -> None:
    """A link inside this site ("/brands/3/"), never "https://…", "//host/" or "/\\host": a message
    must not carry a user off to a look-alike page."""
    if not value.startswith("/") or not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        raise ValidationError(_("链接只能是本站的相对路径（以 / 开头）。"), code="external_link")


# Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters from 31 (no I, O, S,
# V, Z, which read like digits), the last a check character over the first 17.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_RE = re.compile(rf"^[{CREDIT_CODE_ALPHABET}]{{2}}[0-9]{{6}}[{CREDIT_CODE_ALPHABET}]{{10}}$")


def normalize_credit_code(value: str) -> str:
    """Upper case, without the spaces and hyphens people type between the groups."""
    return re.sub(r"[\s-]", "", value or "").upper()


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """18 characters (the 3rd to 8th the registering authority's area code, digits) and a correct
    check character: a typed-in typo (one character wrong, two swapped) is caught here."""
    value = normalize_credit_code(value)
    if not CREDIT_CODE_RE.match(value):
        raise ValidationError(
            _(
                "统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、S、V、Z），第3至8位为行政区划代码。"
            ),
            code="credit_code_format",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(_("统一社会信用代码校验位不正确，请核对。"), code="credit_code_checksum")
