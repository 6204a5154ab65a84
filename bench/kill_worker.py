"""Fault drill for the job machinery: a worker killed mid-import, and a broker that goes away.

    .venv/bin/python bench/kill_worker.py [--rows 20000] [--outage 60]

On PostgreSQL (``DATABASE_URL``, default ``postgres://postgres@127.0.0.1:5432/siming_jobs``, created and
migrated if needed) and a private ``redis-server`` on a free port (the shared Redis is never touched),
with one Celery worker and one beat as in production:

1. uploads a workbook of ``--rows`` members, lets the worker start it, and ``kill -9``s the worker's whole
   process group once about 30% of the rows are checked; starts a worker again at once and times how long
   until the import is DONE, then checks it was saved exactly once (every row, attempts = 2);
2. stops Redis, uploads a small file (its message is lost: the request still succeeds), starts Redis
   again after ``--outage`` seconds, and times how long until the job starts and finishes.

Goals (issue 6): done within 3 minutes of the worker's return; started within 2 minutes of the broker's.
The last line is one JSON object with the figures.
"""

import argparse
import contextlib
import io
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--kill-at", type=float, default=0.3, help="fraction of rows checked when the worker dies"
    )
    parser.add_argument("--outage", type=int, default=60, help="seconds the broker stays down")
    parser.add_argument("--skip-outage", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="siming-kill-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/siming_jobs"),
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "ID_NUMBER_HMAC_KEY": "bench-only-id-number-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "localhost",
        "MEDIA_ROOT": str(work / "media"),
        "LOG_LEVEL": "INFO",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    os.environ.update(env)
    drill = Drill(work, port, env)
    try:
        drill.prepare()
        figures = drill.kill_mid_import(args.rows, args.kill_at)
        if not args.skip_outage:
            figures |= drill.broker_outage(args.outage)
    finally:
        drill.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(figures))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Drill:
    def __init__(self, work: Path, port: int, env: dict[str, str]) -> None:
        self.work, self.port, self.env = work, port, env
        self.processes: dict[str, subprocess.Popen] = {}

    # Processes -----------------------------------------------------------------------------------

    def start(self, name: str, command: list[str]) -> None:
        log = (self.work / f"{name}.log").open("ab")
        # A session of its own: kill -9 reaches the worker's pool children too, as when a container dies.
        self.processes[name] = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes.pop(name)
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                self.kill(name, signal.SIGTERM if name != "worker" else signal.SIGKILL)

    def start_redis(self) -> None:
        self.start("redis", ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"])
        for _ in range(50):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def start_worker(self) -> None:
        celery = str(Path(sys.executable).with_name("celery"))
        self.start("worker", [celery, "-A", "portal", "worker", "--concurrency=1", "--loglevel=INFO"])

    # The drill -----------------------------------------------------------------------------------

    def prepare(self) -> None:
        _create_database(self.env["DATABASE_URL"])
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True
        )
        import django

        django.setup()
        self.owner, self.organization = _bench_world()
        self.start_redis()
        celery = str(Path(sys.executable).with_name("celery"))
        self.start(
            "beat",
            [celery, "-A", "portal", "beat", "--loglevel=INFO", "-s", str(self.work / "beat-schedule")],
        )
        self.start_worker()

    def upload(self, rows: int) -> int:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from grids import imports, tasks
        from grids.models import PartyMember
        from portal.tasks import enqueue

        PartyMember.objects.filter(organization=self.organization)._raw_delete("default")  # earlier runs
        content = SimpleUploadedFile("压测.xlsx", _workbook(rows))
        job = imports.import_create(actor=self.owner, organization=self.organization, upload=content)
        enqueue(tasks.run_member_import, job.pk)  # as the upload page does (no transaction: sent at once)
        return job.pk

    def kill_mid_import(self, rows: int, kill_at: float) -> dict:
        from grids.models import MemberImportJob, PartyMember

        say(f"uploading {rows:,} rows")
        pk = self.upload(rows)
        job = _wait(
            pk, lambda j: j.progress_done >= kill_at * rows or not j.pending, "the import to get going"
        )
        say(f"kill -9 the worker at {job.progress_done:,}/{job.progress_total:,} rows (status {job.status})")
        self.kill("worker")
        frozen = MemberImportJob.objects.get(pk=pk)
        back, back_wall = time.monotonic(), time.time()
        self.start_worker()
        say("a worker is back; waiting for the lease to lapse and the sweep to hand the job on")
        job = _wait(pk, lambda j: not j.pending, "the import to finish", timeout=600)
        seconds = round(time.monotonic() - back, 1)
        saved = PartyMember.objects.filter(organization=self.organization).count()
        taken_over = round(job.started_at.timestamp() - back_wall, 1)
        rerun = round(seconds - taken_over, 1)  # finished_at is stamped before the rows' INSERTs, not after
        say(
            f"taken over {taken_over} s after the worker came back (lease lapse + sweep), run again in {rerun} s"
        )
        say(f"{job.status} {seconds} s after the worker came back; {saved:,} saved, attempts {job.attempts}")
        return {
            "rows": rows,
            "killed_at_rows": frozen.progress_done,
            "taken_over_after_worker_back_s": taken_over,
            "rerun_s": rerun,
            "done_after_worker_back_s": seconds,
            "status": job.status,
            "attempts": job.attempts,
            "saved_once": job.status == "done" and saved == rows == job.imported_rows,
        }

    def broker_outage(self, outage: int) -> dict:
        say("stopping Redis (the broker)")
        self.kill("redis", signal.SIGTERM)
        pk = self.upload(200)
        say(f"uploaded while the broker was down (job {pk}); Redis returns in {outage} s")
        time.sleep(outage)
        self.start_redis()
        back = time.monotonic()
        job = _wait(pk, lambda j: j.started_at is not None, "the job to start", timeout=600)
        started = round(time.monotonic() - back, 1)
        job = _wait(pk, lambda j: not j.pending, "the job to finish", timeout=600)
        finished = round(time.monotonic() - back, 1)
        say(f"started {started} s and {job.status} {finished} s after the broker's return")
        return {
            "outage_s": outage,
            "started_after_broker_back_s": started,
            "done_after_broker_back_s": finished,
        }


def _wait(pk: int, ready, what: str, timeout: float = 900):
    from django.db import connection

    from grids.models import MemberImportJob

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = MemberImportJob.objects.get(pk=pk)
        if ready(job):
            return job
        connection.close()  # a fresh snapshot each time
        time.sleep(0.5)
    raise TimeoutError(f"gave up waiting for {what}")


def _create_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    conn = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def _bench_world():
    from grids.models import OrgKind, PartyOrganization, Region, RegionLevel
    from portal.models import Role, RoleAssignment, User

    def region(code: str, name: str, level: str, parent: Region | None) -> Region:
        return Region.objects.get_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )[0]

    city = region("330200", "宁波市", RegionLevel.CITY, None)
    district = region("330203", "海曙区", RegionLevel.DISTRICT, city)
    street = region("330203001", "压测街道", RegionLevel.STREET, district)
    community = region("330203001001", "压测社区", RegionLevel.COMMUNITY, street)
    grid = region("330203001001001", "压测网格", RegionLevel.GRID, community)
    org = PartyOrganization.objects.filter(name="压测党支部", region=grid).first()
    if org is None:
        org = PartyOrganization.objects.create(name="压测党支部", kind=OrgKind.GRID_BRANCH, region=grid)
        PartyOrganization.objects.filter(pk=org.pk).update(path=f"{org.pk}/")
        org.refresh_from_db()
    owner, _ = User.objects.get_or_create(username="bench_kill_worker", defaults={"real_name": "压测员"})
    RoleAssignment.objects.get_or_create(user=owner, role=Role.CITY_STAFF, region=city)
    return owner, org


def _workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    from grids.member_sheet import COLUMNS
    from portal import excel
    from portal.validators import id_check_digit, id_gender

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名单")
    excel.write_row(ws, [c.header for c in COLUMNS])
    serials = random.sample(range(10_000 * 1000), rows)  # distinct (birth day, serial) pairs
    for serial in serials:
        birth = date(1960, 1, 1) + timedelta(days=serial // 1000)
        first17 = f"330203{birth:%Y%m%d}{serial % 1000:03d}"
        number = first17 + id_check_digit(first17)
        gender = "男" if id_gender(number) == "M" else "女"
        excel.write_row(
            ws, ["王建国", gender, birth, date(2005, 7, 1), "正式党员", "", number, "否", "否", "", "否", ""]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
