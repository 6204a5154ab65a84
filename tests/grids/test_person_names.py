"""A person's name is validated as a name wherever it enters: model, member form, import, user.

Chinese names (with the middle dot of minority names, and rare characters outside the basic
block) and Latin names pass; formulas, digits and control characters never reach the database.
"""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from grids import member_sheet
from grids.forms import MemberForm
from grids.models import ImportStatus, MemberImportJob, PartyMember
from grids.services import build_member
from portal.validators import id_gender, normalize_person_name, validate_person_name
from tests.factories import UserFactory, make_id_number

GOOD = [
    "阿卜杜·热合曼",  # a Uyghur name: Han runs joined by U+00B7
    "欧阳娜娜",  # a compound surname
    "𠮷野家",  # U+20BB7, CJK extension B
    "王䶮",  # U+4DAE, CJK extension A
    "李〇",
    "Abdurehim Tursun",  # a minority member's Latin name
    "Nguyễn Văn An",
    "O'Brien",
    "Mary-Jane O’Neil",
    "J. R. Smith",
    "Smith Jr.",
]
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+张三",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]
BAD = [
    *FORMULAS,
    "张三1",  # digits
    "党员0001",
    "张\x07三",  # control characters
    "张三\n",
    "\t张三",
    "张",  # too short
    "张" * 51,  # too long
    "·张三",
    "张三·",
    "张··三",
    "Tom--Lee",
    "'Tom",
    "张三Tom",
]


@pytest.mark.parametrize("name", GOOD)
def test_a_real_name_passes(name):
    validate_person_name(name)


@pytest.mark.parametrize("name", BAD)
def test_anything_but_a_name_is_refused(name):
    with pytest.raises(ValidationError):
        validate_person_name(name)


def test_the_middle_dot_is_accepted_as_phones_type_it():
    assert normalize_person_name(" 阿卜杜・热合曼\u3000") == "阿卜杜·热合曼"
    assert normalize_person_name("Tom   Lee") == "Tom Lee"


def member_details(world, name: str) -> dict:
    id_number = make_id_number(dt.date(1985, 3, 9))
    return {
        "organization": world.haishu_branch,
        "id_number": id_number,
        "name": name,
        "gender": id_gender(id_number),
        "birth_date": dt.date(1985, 3, 9),
        "join_date": dt.date(2010, 7, 1),
    }


@pytest.mark.parametrize("name", ["阿卜杜·热合曼", "𠮷野家", "Nguyễn Văn An"])
def test_the_service_builds_a_member_with_a_real_name(world, name):
    assert build_member(**member_details(world, name)).name == name


@pytest.mark.parametrize("name", FORMULAS)
def test_the_model_refuses_a_formula_as_a_name(world, name):
    # The validator sits on the model field, so the form, the import and any API get it alike.
    with pytest.raises(ValidationError) as error:
        build_member(**member_details(world, name))
    assert list(error.value.message_dict) == ["name"]


@pytest.mark.parametrize("name", FORMULAS)
def test_the_member_form_refuses_a_formula_as_a_name(world, name):
    details = member_details(world, name)
    data = {**details, "organization": world.haishu_branch.pk, "status": "full"}
    form = MemberForm(data, actor=world.haishu_staff)
    assert not form.is_valid()
    assert form.errors["name"] == [
        "姓名只能由汉字（少数民族姓名可用间隔号“·”）或拉丁字母、空格、连字符、撇号和点组成。"
    ]


def test_the_member_form_takes_the_middle_dot_as_a_phone_types_it(world):
    details = member_details(world, "阿卜杜・热合曼")  # katakana middle dot, U+30FB
    data = {**details, "organization": world.haishu_branch.pk, "status": "full"}
    form = MemberForm(data, actor=world.haishu_staff)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "阿卜杜·热合曼"


def test_a_user_real_name_is_a_name_too(db):
    user = UserFactory(real_name='=HYPERLINK("http://x","y")')
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert list(error.value.message_dict) == ["real_name"]
    user.real_name = "阿卜杜·热合曼"
    user.full_clean()


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_import_lists_each_row_whose_name_is_no_name(client, world, _media):
    wb = Workbook()
    sheet = wb.active
    sheet.append([c.header for c in member_sheet.COLUMNS])
    for number, name in enumerate([*FORMULAS, "阿卜杜·热合曼"]):
        birth = dt.date(1980, 5, 17)
        id_number = make_id_number(birth)
        values = {"name": name, "gender": "男" if id_gender(id_number) == "M" else "女",
                  "birth_date": birth, "join_date": "2005-07-01", "status": "正式党员",
                  "id_number": id_number}  # fmt: skip
        sheet.append([values.get(c.key) for c in member_sheet.COLUMNS])
        # Stored as text, as a hostile file would: a formula cell would be read back empty.
        sheet.cell(row=number + 2, column=1).data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(world.haishu_secretary)
    before = PartyMember.objects.count()

    upload = SimpleUploadedFile("名单.xlsx", buffer.getvalue(), content_type=member_sheet.XLSX_CONTENT_TYPE)
    client.post(reverse("grids:member_import"), {"organization": world.haishu_branch.pk, "file": upload})

    job = MemberImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    message = "姓名只能由汉字（少数民族姓名可用间隔号“·”）或拉丁字母、空格、连字符、撇号和点组成。"
    assert job.errors == [{"row": row, "column": "姓名", "message": message} for row in (2, 3, 4, 5)]
    assert PartyMember.objects.count() == before
