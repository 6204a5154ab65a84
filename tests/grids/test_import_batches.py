"""The member import checks rows in batches: its queries do not grow with the file's rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids import imports
from grids.models import ImportStatus, MemberImportJob, PartyMember
from grids.services import member_create
from tests.grids.test_import import id_number, row, upload, xlsx


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def rows(count: int) -> list[list]:
    return [row(身份证号=id_number("F")) for _ in range(count)]


def queries_to_import(world, content: bytes) -> int:
    """Queries of a whole import but its INSERTs, whose batches the database's parameter limit sizes
    (SQLite takes ~50 members a statement)."""
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(content)
    )
    with CaptureQueriesContext(connection) as queries:
        imports.import_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.errors) == (ImportStatus.DONE, [])
    return sum(1 for query in queries if not query["sql"].startswith("INSERT"))


def test_importing_200_rows_makes_as_many_queries_as_10_rows(world):
    # Before, each row asked for its organization and its ID number: 2 queries a row.
    few = queries_to_import(world, xlsx(rows(10)))
    many = queries_to_import(world, xlsx(rows(200)))

    assert many == few
    assert PartyMember.objects.filter(name="王小梅").count() == 210


def test_a_bad_file_of_200_rows_makes_as_many_queries_as_one_of_10(world):
    def queries_to_refuse(count: int) -> int:
        content = xlsx([*rows(count - 1), row(性别="男")])
        job = imports.import_create(
            actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(content)
        )
        with CaptureQueriesContext(connection) as queries:
            imports.import_run(job.pk)
        job.refresh_from_db()
        assert job.errors == [{"row": count + 1, "column": "性别", "message": "性别与身份证号不一致。"}]
        return len(queries)

    assert queries_to_refuse(200) == queries_to_refuse(10)


def test_registered_and_repeated_id_numbers_are_found_across_batches(world, monkeypatch):
    monkeypatch.setattr(imports, "CHECK_BATCH_SIZE", 2)
    registered, repeated = id_number("F"), id_number("F")
    member_create(
        actor=world.haishu_secretary,
        id_number=registered,
        name="王小梅",
        gender="F",
        birth_date=dt.date(1980, 5, 17),
        join_date=dt.date(2005, 7, 1),
        organization=world.haishu_branch,
    )
    content = xlsx(
        [
            row(姓名="陈芳", 身份证号=repeated),
            row(姓名="李娜", 身份证号=id_number("F")),
            row(姓名="周敏", 身份证号=id_number("F")),
            row(姓名="吴静", 身份证号=registered),
            row(姓名="郑丽", 身份证号=repeated),
        ]
    )
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(content)
    )

    imports.import_run(job.pk)

    job = MemberImportJob.objects.get(pk=job.pk)
    assert (job.status, job.progress_done) == (ImportStatus.FAILED, 5)
    assert job.errors == [
        {"row": 5, "column": "身份证号", "message": "该身份证号已登记过党员信息。"},
        {"row": 6, "column": "身份证号", "message": "身份证号与第2行重复。"},
    ]
    assert not PartyMember.objects.filter(name__in=["陈芳", "李娜", "周敏"]).exists()
