"""The volunteer API's filters: by region (with what lies below), status, specialty; bad values are 400."""

import pytest

from tests.harness import session_client
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Specialty, VolunteerStatus


@pytest.fixture
def people(world):
    medic = VolunteerFactory(community=world.haishu_community)
    medic.specialties.add(Specialty.objects.get(code="medical"))
    applicant = VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)
    other = VolunteerFactory(community=world.jiangbei_community)
    return medic, applicant, other


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_filters(world, people):
    medic, applicant, other = people
    client = session_client(world.city_staff)
    assert ids(client.get("/api/v1/volunteers/", {"region": world.haishu_street.code})) == {
        medic.pk,
        applicant.pk,
    }
    assert ids(client.get("/api/v1/volunteers/", {"status": "applicant"})) == {applicant.pk}
    assert ids(client.get("/api/v1/volunteers/", {"specialty": "medical"})) == {medic.pk}
    assert ids(client.get("/api/v1/volunteers/", {"ordering": "-hours_total"})) == {
        medic.pk,
        applicant.pk,
        other.pk,
    }


@pytest.mark.parametrize("query", [{"specialty": "nonsense"}, {"status": "boss"}, {"region": "9" * 40}])
def test_bad_filter_values_are_400(world, people, query):
    assert session_client(world.city_staff).get("/api/v1/volunteers/", query).status_code == 400
