"""A volunteer edits their own profile: mobile, specialties, in-service flag and work unit; the
real name and the ID number are not editable there, and bad input changes nothing."""

import pytest
from django.urls import reverse

from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Specialty, Volunteer

URL = reverse("volunteers:profile_edit")


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.haishu_community, name="王秀梅", mobile="13800001234")


def _post(client, volunteer, **data):
    client.force_login(volunteer.user)
    body = {"mobile": "13900005678", "work_unit": "", **data}
    return client.post(URL, body)


def test_the_volunteer_edits_their_profile_and_history_keeps_the_old_mobile(client, volunteer):
    medical = Specialty.objects.get(code="medical")
    response = _post(client, volunteer, specialties=[medical.pk], is_in_service="on", work_unit="市一医院")
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:me")
    volunteer.refresh_from_db()
    assert (volunteer.mobile, volunteer.is_in_service, volunteer.work_unit) == (
        "13900005678",
        True,
        "市一医院",
    )
    assert list(volunteer.specialties.all()) == [medical]
    assert volunteer.name == "王秀梅"
    assert "13800001234" in volunteer.history.values_list("mobile", flat=True)


def test_the_page_says_name_and_id_number_are_not_edited_here(client, volunteer):
    client.force_login(volunteer.user)
    html = client.get(URL).content.decode()
    assert "不能在这里修改" in html and 'name="name"' not in html and 'name="id_number"' not in html
    me = client.get(reverse("volunteers:me")).content.decode()
    assert URL in me


@pytest.mark.parametrize(
    "data",
    [
        {"mobile": "12345"},
        {"mobile": "1380000123x"},
        {"specialties": ["999999"]},
        {"specialties": [str(10**30)]},
        {"specialties": ["abc"]},
        {"is_in_service": "on", "work_unit": "  "},
    ],
)
def test_bad_input_is_a_form_error_and_nothing_changes(client, volunteer, data):
    before = Volunteer.objects.filter(pk=volunteer.pk).values().get()
    response = _post(client, volunteer, **data)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert Volunteer.objects.filter(pk=volunteer.pk).values().get() == before
    assert not volunteer.specialties.exists()


def test_someone_without_a_profile_is_not_let_in(client, world):
    client.force_login(world.haishu_staff)
    assert client.get(URL).status_code in (302, 403)
    client.logout()
    assert client.get(URL).status_code == 302
