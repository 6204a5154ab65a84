import pytest
from django.core.exceptions import ValidationError

from grids.models import Region, RegionLevel
from grids.services import region_create


@pytest.fixture
def city(db) -> Region:
    return region_create(parent=None, code="330200", name="宁波市", level=RegionLevel.CITY)


def test_it_builds_the_tree_with_official_codes(city):
    haishu = region_create(parent=city, code="330203", name="海曙区", level=RegionLevel.DISTRICT)
    street = region_create(parent=haishu, code="330203003", name="西门街道", level=RegionLevel.STREET)
    assert street.path == "330200/330203/330203003/"
    assert street.ancestor_codes() == ["330200", "330203"]


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("330303", RegionLevel.DISTRICT),  # another city's district
        ("33020", RegionLevel.DISTRICT),  # too short
        ("330203001", RegionLevel.DISTRICT),  # a street's length
        ("3302AB", RegionLevel.DISTRICT),  # not digits
        ("330203001", RegionLevel.STREET),  # a street directly under the city
    ],
)
def test_it_refuses_codes_and_levels_that_do_not_fit(city, code, level):
    with pytest.raises(ValidationError):
        region_create(parent=city, code=code, name="某地", level=level)
    assert Region.objects.count() == 1


def test_a_second_city_is_a_second_root(city):
    region_create(parent=None, code="330100", name="杭州市", level=RegionLevel.CITY)
    with pytest.raises(ValidationError):
        region_create(parent=None, code="330204", name="某区", level=RegionLevel.DISTRICT)
