"""Corrections keep history: an event is never deleted; each correction is a row with the old and
new points, who and why, and the month is recomputed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fengling import services
from fengling.models import MonthlyScore, ScoreCorrection, ScoreEvent


@pytest.fixture
def event(world, community_behaviour):
    return services.score_record(
        actor=world.haishu_secretary,
        member=world.haishu_members[0],
        behaviour=community_behaviour("S3"),  # +5
        occurred_on=timezone.localdate(),
    )


def test_each_correction_is_kept_with_who_and_why(world, event):
    services.score_correct(actor=world.haishu_secretary, event=event, points=3, reason="参与时间不足")
    services.score_correct(actor=world.haishu_staff, event=event, points=0, reason="核实后作废")
    event.refresh_from_db()
    assert event.points == 0 and event.corrected_at is not None
    history = list(
        ScoreCorrection.objects.filter(event=event)
        .order_by("id")
        .values_list("old_points", "new_points", "reason", "corrected_by")
    )
    assert history == [
        (5, 3, "参与时间不足", world.haishu_secretary.pk),
        (3, 0, "核实后作废", world.haishu_staff.pk),
    ]
    assert ScoreEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("points", [6, -1])
def test_a_correction_stays_between_zero_and_the_behaviours_points(world, event, points):
    with pytest.raises(ValidationError):
        services.score_correct(actor=world.haishu_secretary, event=event, points=points, reason="x")
    assert not ScoreCorrection.objects.exists()


def test_a_correction_needs_a_reason(world, event):
    with pytest.raises(ValidationError):
        services.score_correct(actor=world.haishu_secretary, event=event, points=1, reason="  ")


def test_the_correction_page_recomputes_the_month(client, world, event, django_capture_on_commit_callbacks):
    client.force_login(world.haishu_secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("fengling:correct", args=[event.pk]), {"points": 2, "reason": "核减"})
    assert response.status_code == 302
    assert MonthlyScore.objects.get(member=event.member).total == 2
    page = client.get(reverse("fengling:correct", args=[event.pk])).content.decode()
    assert "核减" in page and "+5 → +2" in page


def test_there_is_no_way_to_delete_an_event(world, event):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("fengling:delete", args=[event.pk])
