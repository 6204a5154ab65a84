"""Excel exports of the index (members' scores) and the board (红黑榜): the rows of the exporter's
scope only, with the page's filters, through the project's formula-safe writer (``portal.excel``)."""

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fengling import exports, totals
from fengling.models import BoardEntry, BoardKind, BoardStatus, FenglingExportJob
from fengling.tasks import purge_expired_exports
from portal import jobs
from portal.models import JobStatus
from tests.factories import MemberFactory
from tests.fengling.conftest import add_event


def book(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows(response, sheet: str | None = None) -> list[tuple]:
    workbook = book(response)
    return [_plain(row) for row in (workbook[sheet] if sheet else workbook.active).values]


def _plain(row: tuple) -> tuple:
    # openpyxl reads a date cell back as a datetime at midnight.
    return tuple(v.date() if hasattr(v, "date") and callable(v.date) else v for v in row)


def get(client, who, name: str, query: str = ""):
    client.force_login(who)
    return client.get(reverse(name) + query)


def names(table: list[tuple]) -> set[str]:
    return {row[0] for row in table[1:]}


@pytest.fixture
def scored(world, community_behaviour):
    add_event(world.haishu_members[0], community_behaviour("S3"))  # 志愿服务 +2
    add_event(world.haishu_members[0], community_behaviour("P2"))
    totals.compute_months([timezone.localdate().replace(day=1)])
    return world


def test_the_scores_sheet_has_the_pages_columns_and_figures(client, scored, settings):
    table = rows(get(client, scored.haishu_staff, "fengling:index_export"))
    month = f"{timezone.localdate():%Y-%m}"
    assert table[0] == (
        "党员",
        "所在党组织",
        f"本月积分（{month}）",
        f"{timezone.localdate().year} 年度得分",
        "年度考评",
    )
    by_name = {row[0]: row for row in table[1:]}
    member = scored.haishu_members[0]
    page = get(client, scored.haishu_staff, "fengling:index").context["rows"]
    shown = next(r for r in page if r["member"] == member)
    assert by_name[member.name] == (
        member.name,
        member.organization.name,
        shown["month"],
        shown["score"],
        shown["rating"],
    )
    assert shown["month"] > 0
    unscored = scored.haishu_members[1]
    assert by_name[unscored.name][2:] == (0, settings.FENGLING_BASE_POINTS, "合格")


@pytest.mark.parametrize(
    ("who", "districts"),
    [
        ("haishu_staff", {"haishu"}),
        ("jiangbei_staff", {"jiangbei"}),
        ("haishu_secretary", {"haishu"}),
        ("city_staff", {"haishu", "jiangbei"}),
    ],
)
def test_each_exporter_gets_their_own_members_only(client, scored, who, districts):
    expected = {m.name for key in districts for m in getattr(scored, f"{key}_members")}
    assert names(rows(get(client, getattr(scored, who), "fengling:index_export"))) == expected


def test_the_scores_export_takes_the_pages_name_filter(client, world):
    wanted = world.haishu_members[0]
    table = rows(get(client, world.haishu_staff, "fengling:index_export", f"?q={wanted.name}"))
    assert names(table) == {m.name for m in world.haishu_members if wanted.name in m.name}


def test_text_typed_as_a_formula_stays_text(client, world):
    sly = MemberFactory(organization=world.haishu_branch, name='=HYPERLINK("http://x","点我")')
    sheet = book(get(client, world.haishu_staff, "fengling:index_export")).active
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if row[0].value == sly.name)
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_board_sheets_follow_the_filters_and_the_scope(client, world):
    today = timezone.localdate()
    for key in ("haishu", "jiangbei"):
        BoardEntry.objects.create(
            kind=BoardKind.BLACK, member=getattr(world, f"{key}_members")[0],
            organization=getattr(world, f"{key}_branch"), reason=f"{key} 缺席", deadline=today,
            status=BoardStatus.OPEN,
        )  # fmt: skip
        BoardEntry.objects.create(
            kind=BoardKind.RED, member=getattr(world, f"{key}_members")[1],
            organization=getattr(world, f"{key}_branch"), reason=f"{key} 值守", red_points=6,
            status=BoardStatus.PRAISED,
        )  # fmt: skip
    workbook = book(get(client, world.haishu_staff, "fengling:board_export"))
    red, black = ([_plain(r) for r in workbook[name].values] for name in ("红榜", "黑榜"))
    assert red[1:] == [(world.haishu_members[1].name, world.haishu_branch.name, "haishu 值守", 6, today)]
    assert [row[:6] for row in black[1:]] == [
        (world.haishu_members[0].name, world.haishu_branch.name, "haishu 缺席", "整改中", today, today)
    ]
    city = get(
        client, world.city_staff, "fengling:board_export", f"?community={world.jiangbei_community.code}"
    )
    assert [row[2] for row in rows(city, "黑榜")[1:]] == ["jiangbei 缺席"]
    only_red = book(get(client, world.city_staff, "fengling:board_export", "?kind=red"))
    assert only_red["红榜"].max_row == 3 and only_red["黑榜"].max_row == 1
    # Another district's organization id exports nothing of it.
    other = book(
        get(client, world.haishu_staff, "fengling:board_export", f"?organization={world.jiangbei_branch.pk}")
    )
    assert (other["红榜"].max_row, other["黑榜"].max_row) == (1, 1)


@pytest.mark.parametrize("query", ["?organization=" + "9" * 30, "?community=abc", "?kind=green"])
def test_a_bad_board_filter_exports_nothing(client, world, query):
    response = get(client, world.haishu_staff, "fengling:board_export", query)
    assert response.status_code == 302 and response["Location"].startswith(reverse("fengling:board"))
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["筛选条件有误，未导出。请修改后再试。"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def red_entries(world) -> None:
    for member in [*world.haishu_members, *world.jiangbei_members]:
        BoardEntry.objects.create(
            kind=BoardKind.RED, member=member, organization=member.organization, reason="值守",
            red_points=1, status=BoardStatus.PRAISED,
        )  # fmt: skip


@pytest.mark.parametrize(
    ("name", "what"), [("fengling:index_export", "scores"), ("fengling:board_export", "board")]
)
def test_past_the_limit_the_export_is_a_background_job_for_its_owner_alone(
    client, world, settings, media, name, what, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    red_entries(world)
    client.force_login(world.haishu_staff)
    offer = client.get(reverse(name))
    assert offer["Content-Type"].startswith("text/html") and "共 3 条" in offer.content.decode()
    assert not FenglingExportJob.objects.exists()  # nothing starts until the user asks
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("fengling:export_start"), {"what": what, "query": ""})
    job = FenglingExportJob.objects.get(owner=world.haishu_staff)
    assert started.url == reverse("fengling:export_job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.what, job.progress_total) == (JobStatus.DONE, what, 3)
    download = reverse("fengling:export_download", args=[job.pk])
    page = client.get(started.url).content.decode()
    assert download in page
    # The shared card's note to developers stays in the template: a multi-line {# #} is shown as text.
    assert "{#" not in page and "progress card" not in page
    workbook = book(client.get(download))
    table = [row for sheet in workbook.worksheets for row in list(sheet.values)[1:]]
    assert {row[0] for row in table} == {m.name for m in world.haishu_members}  # not Jiangbei's
    # Another user, even the city's staff, gets a 404 for someone else's job.
    client.force_login(world.city_staff)
    for page in ("export_job", "export_progress", "export_download"):
        assert client.get(reverse(f"fengling:{page}", args=[job.pk])).status_code == 404


def test_a_background_board_export_with_a_bad_filter_fails_and_writes_nothing(world, media):
    job = exports.export_job_create(actor=world.haishu_staff, what="board", query="community=abc")
    jobs.run(exports.FENGLING_EXPORT, job.pk, heartbeat=False)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file


def test_a_tampered_export_kind_starts_nothing(client, world):
    client.force_login(world.haishu_staff)
    response = client.post(reverse("fengling:export_start"), {"what": "everything", "query": ""})
    assert response.status_code == 302 and not FenglingExportJob.objects.exists()


def test_expired_files_are_purged(client, world, settings, media, django_capture_on_commit_callbacks):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    client.force_login(world.haishu_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("fengling:export_start"), {"what": "scores", "query": ""})
    job = FenglingExportJob.objects.get()
    assert job.downloadable
    FenglingExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert purge_expired_exports() == 1
    job.refresh_from_db()
    assert not job.file


@pytest.mark.parametrize("name", ["fengling:index_export", "fengling:board_export"])
def test_people_without_an_export_right_get_403(client, world, name):
    assert get(client, world.volunteer, name).status_code == 403


def test_the_pages_offer_the_export_to_exporters_only(client, world):
    for name, export in (
        ("fengling:index", "fengling:index_export"),
        ("fengling:board", "fengling:board_export"),
    ):
        assert reverse(export) in get(client, world.haishu_secretary, name).content.decode()


def test_the_scores_export_costs_the_same_queries_for_3_or_30_members(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.haishu_staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            b"".join(client.get(reverse("fengling:index_export")).streaming_content)
        return len(captured)

    small = count()
    MemberFactory.create_batch(27, organization=world.haishu_branch)
    assert count() == small


def test_the_sweep_knows_the_export_kind_in_every_process():
    # Registered by the app's ready(), not by whichever module happened to import the exports.
    assert "fengling.export" in {kind.name for kind in jobs.kinds()}
