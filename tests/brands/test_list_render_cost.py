"""List pages render each row from strings the view computed: template work does not grow per row.

At city scale a page of 30 activity records or ~100 base slots spent most of its CPU in per-row
``{% url %}`` tags and ``date`` filters (issue 6); the views now compute them once per row.
"""

import datetime as dt

import pytest
from django.template import defaulttags
from django.urls import reverse
from django.utils import formats, timezone

from tests.brands.activity_factories import RecordFactory, SlotFactory


@pytest.fixture
def tag_calls(monkeypatch) -> dict[str, int]:
    calls = {"url": 0, "date": 0}
    url_render, date_format = defaulttags.URLNode.render, formats.date_format

    def counted_url(node, context):
        calls["url"] += 1
        return url_render(node, context)

    def counted_date(*args, **kwargs):
        calls["date"] += 1
        return date_format(*args, **kwargs)

    monkeypatch.setattr(defaulttags.URLNode, "render", counted_url)
    monkeypatch.setattr(formats, "date_format", counted_date)  # what the date filter calls
    return calls


def _cost(client, url: str, calls: dict[str, int]) -> tuple[int, int]:
    calls.update(url=0, date=0)
    assert client.get(url).status_code == 200
    return calls["url"], calls["date"]


def test_the_activity_list_uses_no_url_tag_or_date_filter_per_row(world, client, tag_calls):
    client.force_login(world.haishu_staff)
    url = reverse("brands:activity_list")
    RecordFactory.create_batch(2, organization=world.haishu_branch)
    few = _cost(client, url, tag_calls)
    RecordFactory.create_batch(20, organization=world.haishu_branch)
    assert _cost(client, url, tag_calls) == few
    record = RecordFactory(
        organization=world.haishu_branch, started_at=timezone.now() - dt.timedelta(hours=3)
    )
    page = client.get(url).content.decode()
    assert f'href="{reverse("brands:activity_detail", args=[record.pk])}"' in page
    assert f'href="{reverse("brands:branch_detail", args=[world.haishu_branch.pk])}"' in page
    assert f'datetime="{timezone.localtime(record.started_at).isoformat()}"' in page


def test_the_base_list_uses_no_url_tag_or_date_filter_per_slot(world, client, tag_calls):
    client.force_login(world.haishu_secretary)  # a branch to book for: every slot has its form
    url = reverse("brands:base_list")
    SlotFactory(base__region=world.haishu_community)
    few = _cost(client, url, tag_calls)
    slots = SlotFactory.create_batch(6, base__region=world.haishu_community)
    assert _cost(client, url, tag_calls) == few
    page = client.get(url).content.decode()
    assert all(f'action="{reverse("brands:slot_book", args=[slot.pk])}"' in page for slot in slots)
