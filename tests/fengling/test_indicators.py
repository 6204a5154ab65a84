"""The shipped indicator sets: six fields × the 4 dimensions' 16 behaviours, with positive points and
deductions; city staff edit them and the history keeps the old values."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fengling import defaults, services
from fengling.models import Behaviour, Dimension, Field, IndicatorSet
from portal.errors import NotAllowed


def test_six_sets_of_sixteen_behaviours_are_shipped(db):
    assert set(IndicatorSet.objects.values_list("field", flat=True)) == set(Field.values)
    for indicator_set in IndicatorSet.objects.all():
        behaviours = list(indicator_set.behaviours.all())
        assert len(behaviours) == 16
        for dimension in Dimension.values:
            mine = [b for b in behaviours if b.dimension == dimension]
            assert len(mine) == 4
            assert any(b.points > 0 for b in mine) and any(b.points < 0 for b in mine)
        assert all(abs(b.points) <= b.monthly_limit for b in behaviours)


def test_loading_the_defaults_again_keeps_the_citys_edits(world):
    behaviour = Behaviour.objects.get(indicator_set__field="rural", code="M1")
    services.behaviour_update(
        actor=world.city_staff, behaviour=behaviour, name="遵纪守法", points=3, monthly_limit=6
    )
    assert defaults.load() == 0
    behaviour.refresh_from_db()
    assert (behaviour.name, behaviour.points) == ("遵纪守法", 3)
    assert behaviour.history.first().history_user == world.city_staff


def test_a_limit_below_one_events_points_is_refused(world):
    behaviour = Behaviour.objects.get(indicator_set__field="rural", code="M1")
    with pytest.raises(ValidationError):
        services.behaviour_update(
            actor=world.city_staff, behaviour=behaviour, name="x", points=8, monthly_limit=4
        )


def test_only_city_staff_edit(world):
    behaviour = Behaviour.objects.get(indicator_set__field="rural", code="M1")
    with pytest.raises(NotAllowed):
        services.behaviour_update(
            actor=world.haishu_staff, behaviour=behaviour, name="x", points=1, monthly_limit=4
        )


def test_the_page_saves_a_changed_row(client, world):
    indicator_set = IndicatorSet.objects.get(field="community")
    data = {}
    for b in indicator_set.behaviours.all():
        data |= {
            f"b{b.pk}-name": b.name,
            f"b{b.pk}-points": b.points,
            f"b{b.pk}-monthly_limit": b.monthly_limit,
        }
    target = indicator_set.behaviours.get(code="S1")
    data[f"b{target.pk}-monthly_limit"] = 8
    client.force_login(world.city_staff)
    assert client.post(reverse("fengling:indicator_set", args=[indicator_set.pk]), data).status_code == 302
    target.refresh_from_db()
    assert target.monthly_limit == 8


def test_an_out_of_bounds_value_is_a_form_error(client, world):
    indicator_set = IndicatorSet.objects.get(field="community")
    b = indicator_set.behaviours.first()
    client.force_login(world.city_staff)
    response = client.post(
        reverse("fengling:indicator_set", args=[indicator_set.pk]),
        {f"b{b.pk}-name": "x", f"b{b.pk}-points": 10**30, f"b{b.pk}-monthly_limit": 4},
    )
    assert response.status_code == 200
