import pytest
from django.urls import reverse

from portal.stats import runs

pytestmark = pytest.mark.django_db


def test_no_snapshot_yet_says_so(client, world):
    client.force_login(world.city_staff)
    response = client.get(reverse("stats:overview"))
    assert response.status_code == 200
    assert "尚未生成统计快照" in response.content.decode()


def test_city_overview_and_drill_down(client, small_world):
    w = small_world
    runs.run_full()
    client.force_login(w.city_staff)
    page = client.get(reverse("stats:overview")).content.decode()
    assert "宁波市数据看板" in page and reverse("stats:node", args=[w.haishu.code]) in page
    for region in (w.haishu, w.haishu_street, w.haishu_community, w.haishu_grid):
        assert client.get(reverse("stats:node", args=[region.code])).status_code == 200
    grid = client.get(reverse("stats:node", args=[w.haishu_grid.code])).content.decode()
    assert reverse("brands:branch_detail", args=[w.haishu_branch.pk]) in grid
    assert client.get(reverse("stats:node", args=[w.haishu.code]) + "?screen=big").status_code == 200
    export = client.get(reverse("stats:export", args=[w.haishu.code]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("name", ["stats:node", "stats:export"])
def test_another_districts_dashboard_is_404(client, small_world, name):
    runs.run_full()
    client.force_login(small_world.haishu_staff)
    assert client.get(reverse(name, args=[small_world.jiangbei.code])).status_code == 404
    assert client.get(reverse(name, args=[small_world.city.code])).status_code == 404
    assert client.get(reverse(name, args=[small_world.haishu_grid.code])).status_code == 200


def test_district_staff_land_on_their_district(client, small_world):
    runs.run_full()
    client.force_login(small_world.haishu_staff)
    page = client.get(reverse("stats:overview")).content.decode()
    assert "海曙区数据看板" in page and "立即重算" not in page


@pytest.mark.parametrize("user", ["volunteer", "haishu_secretary"])
def test_no_dashboard_without_a_region(client, small_world, user):
    client.force_login(getattr(small_world, user))
    assert client.get(reverse("stats:overview")).status_code == 403


def test_bad_codes_are_404(client, world):
    client.force_login(world.city_staff)
    for code in ("x", "9" * 40, "330299"):
        assert client.get(f"/dashboard/{code}/").status_code == 404


def test_query_count_does_not_grow_with_the_city(client, small_world):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.brands.activity_factories import RecordFactory
    from tests.factories import build_district

    w = small_world
    runs.run_full()
    client.force_login(w.city_staff)
    client.get(reverse("stats:overview"))  # the session, warm
    cache.clear()  # the body rendered afresh: what the first reader after a run pays
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("stats:overview"))
    for n in range(4):
        d = build_district(w.city, f"33021{n}", f"测试{n}区")
        RecordFactory.create_batch(3, organization=d.branch)
    runs.run_full()
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("stats:overview"))
    assert len(large) == len(small) <= 14
    with CaptureQueriesContext(connection) as again:
        client.get(reverse("stats:overview"))
    # The session, the user, the grants, the node, the last run (the city has no breadcrumbs):
    # no figures read.
    assert len(again) == 5
    assert not [q for q in again if "portal_statsnapshot" in q["sql"] or "portal_branchhealth" in q["sql"]]


def test_a_run_renews_the_figures_and_readers_with_other_grants_get_their_own(client, small_world):
    from brands.models import ActivityRecord
    from tests.brands.activity_factories import RecordFactory

    w = small_world
    runs.run_full()
    district = reverse("stats:node", args=[w.haishu.code])
    client.force_login(w.city_staff)
    before = client.get(district).context["body"]
    assert client.get(district).context["body"] == before  # the cached body
    RecordFactory.create_batch(7, organization=w.haishu_branch)
    assert client.get(district).context["body"] == before  # no run yet: the same figures
    runs.run_full()
    after = client.get(district).context["body"]
    count = ActivityRecord.objects.filter(organization__region__path__startswith=w.haishu.path).count()
    assert after != before and f"<td>{count}</td>" in after
    # District staff see the same node with narrower grants: their body is rendered for them.
    client.force_login(w.haishu_staff)
    assert client.get(district).status_code == 200
    client.force_login(w.jiangbei_staff)
    assert client.get(district).status_code == 404


def test_rebuild_now_runs_the_job(client, small_world, django_capture_on_commit_callbacks):
    from portal.stats.models import StatSnapshot, StatsRebuildJob

    client.force_login(small_world.city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("stats:rebuild"))
    job = StatsRebuildJob.objects.get()
    assert response.url == reverse("stats:rebuild_job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "done" and StatSnapshot.objects.exists()
    assert client.get(reverse("stats:rebuild_progress", args=[job.pk])).json()["percent"] == 100
    client.force_login(small_world.haishu_staff)
    assert client.post(reverse("stats:rebuild")).status_code == 403
    assert client.get(reverse("stats:rebuild_job", args=[job.pk])).status_code == 403
