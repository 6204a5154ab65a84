#!/usr/bin/env python
"""Time the member import of an N-row Excel file, in-process, on the database it is given.

    .venv/bin/python bench/import_members.py --rows 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/siming_imports_bench .venv/bin/python bench/import_members.py

Without ``DATABASE_URL`` (or ``--database-url``) it runs on a temporary SQLite file, never on the
developer's ``db.sqlite3``. A PostgreSQL database is created if missing and migrated. What the import
needs is seeded under region code 339900 (not a Ningbo code) and the user ``bench-importer``, so a
seeded demo city in the same database is left alone; members imported by an earlier run are removed
first. The file is generated (distinct valid GB 11643 ID numbers, every column filled, one row in
three naming a branch by number) and imported synchronously through ``grids.imports`` — the same
code a worker runs. CPU is ``time.process_time()`` of this process around the import (the database
server's CPU is not in it); wall time includes the database.

The last line of output is one JSON object: {"rows", "cpu_s", "wall_s", "rows_per_s"}, where
rows_per_s is rows per second of wall time.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Django is set up only once DATABASE_URL is known
    from grids.models import MemberImportJob, PartyOrganization, Region
    from portal.models import User

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REGION_CODES = ("339900", "339901", "339901001", "339901001001", "339901001001001")
UPLOADER = "bench-importer"
BRANCHES = 10
ID_AREA = "339901"  # the ID numbers' area code: distinct from the demo city's 3302xx numbers
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玉兰红梅海燕波宁"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--database-url", default=os.getenv("DATABASE_URL", ""), help="default: temporary SQLite"
    )
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    return parser.parse_args()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database if it does not exist (as bench/run.py does, but in-process)."""
    import psycopg2
    from psycopg2 import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=urllib.parse.unquote(parts.password or "") or None,
        dbname="postgres",
    )
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print("created database", name)
    finally:
        connection.close()


def setup(database_url: str, media_root: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        DEBUG="false",  # no query log, as in production
        SECRET_KEY=os.getenv("BENCH_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        # Production settings want a key of their own for ID numbers (the same one as bench/run.py).
        ID_NUMBER_HMAC_KEY=os.getenv(
            "BENCH_ID_NUMBER_HMAC_KEY", "bench-only-id-number-key-not-for-production-0123"
        ),
        MEDIA_ROOT=media_root,
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def seed() -> tuple[User, PartyOrganization, list[PartyOrganization]]:
    """The bench's region chain, a committee with branches, and an uploader for the district."""
    from grids.models import LEVEL_ORDER, MemberImportJob, OrgKind, PartyMember, Region
    from portal.models import Role, RoleAssignment, User

    parent = None
    for code, level in zip(REGION_CODES, LEVEL_ORDER, strict=True):
        parent, _ = Region.objects.get_or_create(
            code=code, defaults={"name": f"基准测试{level}", "level": level, "parent": parent}
        )
    grid, district = parent, Region.objects.get(code=REGION_CODES[1])
    committee = _organization(
        "基准测试社区党委", OrgKind.COMMITTEE, Region.objects.get(code=REGION_CODES[3]), None
    )
    branches = [
        _organization(f"基准测试第{i}网格党支部", OrgKind.GRID_BRANCH, grid, committee)
        for i in range(BRANCHES)
    ]
    uploader, created = User.objects.get_or_create(username=UPLOADER, defaults={"real_name": "基准测试"})
    if created:
        RoleAssignment.objects.create(user=uploader, role=Role.DISTRICT_STAFF, region=district)
    # An earlier run's members would be duplicates of this run's ID numbers.
    ours = [b.pk for b in branches]
    PartyMember.history.model.objects.filter(organization_id__in=ours).delete()
    PartyMember.objects.filter(organization_id__in=ours).delete()
    MemberImportJob.objects.filter(organization_id__in=ours).delete()
    return uploader, branches[0], branches


def _organization(
    name: str, kind: str, region: Region, parent: PartyOrganization | None
) -> PartyOrganization:
    from grids.models import PartyOrganization

    org, created = PartyOrganization.objects.get_or_create(
        name=name, region=region, defaults={"kind": kind, "parent": parent}
    )
    if created:
        org.path = f"{parent.path if parent else ''}{org.pk}/"
        org.save(update_fields=["path"])
    return org


def workbook(rows: int, branches: list[PartyOrganization]) -> bytes:
    """N valid rows in template column order, each with its own ID number."""
    from openpyxl import Workbook

    from grids.member_sheet import COLUMNS
    from portal import excel
    from portal.validators import id_check_digit

    # Not write-only: like Excel and WPS, a normal workbook records the sheet's dimensions, without
    # which openpyxl reads the whole sheet once more just to size it.
    wb = Workbook()
    ws = wb.active
    ws.title = "党员名单"
    excel.write_row(ws, [c.header for c in COLUMNS])
    start = dt.date(1950, 1, 1)
    for i in range(rows):
        # 500 people per birth day: serial digits 000-999, the last one's parity giving the sex.
        birth = start + dt.timedelta(days=i // 500)
        male = i % 2 == 0
        serial = (i % 500) * 2 + (1 if male else 0)
        first17 = f"{ID_AREA}{birth:%Y%m%d}{serial:03d}"
        values = {
            "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 3) % len(GIVEN)],
            "gender": "男" if male else "女",
            "birth_date": birth,
            "join_date": birth.replace(year=birth.year + 25).isoformat(),
            "status": "正式党员" if i % 10 else "预备党员",
            "mobile": f"139{i:08d}",
            "id_number": first17 + id_check_digit(first17),
            "is_central_household": "是" if i % 20 == 0 else "否",
            "is_in_service": "是" if i % 3 == 0 else "",
            "work_unit": "宁波市某单位" if i % 2 else "",
            "is_mobile_member": "否",
            "organization": str(branches[i % len(branches)].pk) if i % 3 == 0 else "",
        }
        excel.write_row(ws, [values[c.key] for c in COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run_import(uploader: User, organization: PartyOrganization, content: bytes) -> MemberImportJob:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from grids import imports
    from grids.member_sheet import XLSX_CONTENT_TYPE

    upload = SimpleUploadedFile("bench.xlsx", content, content_type=XLSX_CONTENT_TYPE)
    job = imports.import_create(actor=uploader, organization=organization, upload=upload)
    imports.import_run(job.pk)
    job.refresh_from_db()
    return job


def main() -> None:
    args = parse_args()
    media_root = tempfile.mkdtemp(prefix="siming-bench-media-")
    database_url = args.database_url or f"sqlite:///{Path(media_root) / 'bench.sqlite3'}"
    try:
        if database_url.startswith(("postgres://", "postgresql://")):
            ensure_database(database_url)
        setup(database_url, media_root)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", "--no-input", verbosity=0)
        uploader, organization, branches = seed()
        began = time.perf_counter()
        content = workbook(args.rows, branches)
        generated = time.perf_counter() - began

        profiler = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        job = run_import(uploader, organization, content)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall

        if job.status != "done" or job.imported_rows != args.rows:
            print(f"import did not succeed: {job.status}, {job.imported_rows} rows", file=sys.stderr)
            for error in job.errors[:10]:
                print(f"  {error}", file=sys.stderr)
            sys.exit(1)
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(args.profile)
            stats.sort_stats("tottime").print_stats(args.profile)
        print(f"database      {connection.vendor} ({connection.settings_dict['NAME']})")
        print(f"rows          {args.rows:,}")
        print(f"file          {len(content) / 1024:,.0f} KiB, generated in {generated:.1f} s (not counted)")
        print(f"CPU           {cpu:.2f} s  (this process)")
        print(f"wall          {wall:.2f} s")
        print(f"rows/s        {args.rows / wall:,.0f}  (wall)")
        print(json.dumps({"rows": args.rows, "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
                          "rows_per_s": round(args.rows / wall)}))  # fmt: skip
    finally:
        shutil.rmtree(media_root, ignore_errors=True)


if __name__ == "__main__":
    main()
