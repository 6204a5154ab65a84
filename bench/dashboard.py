"""Benchmark the dashboards (issue 9) on PostgreSQL behind gunicorn, reusing bench/run.py's steps.

1. prepares the database as bench/run.py does (migrate, collectstatic, seed ``--scale`` unless seeded);
2. times a full rebuild of the snapshots, then an incremental run after 1,000 new activity records;
3. counts the SQL queries of the city overview in-process, at this scale and on a small-scale
   database (``--small-database-url``, seeded small if empty): the count must be the same; and
   times in-process the overview as the first reader after a run gets it (its figures' body is
   cached per run of the jobs, see portal/stats/views.py, so the HTTP figures below are mostly
   the cached body);
4. starts gunicorn, logs in as the city's demo staff and measures p50/p95 of the city overview, a
   district page and a community page, and — in the same run, for the same user — of a page that
   renders only the base template (the ceiling: the 404 page, with the user's menu);
5. prints a table and ends with one JSON line:
   {"overview_p95_ms", "district_p95_ms", "community_p95_ms", "ceiling_p95_ms", "worst_ratio",
    "overview_queries", "small_overview_queries", "full_rebuild_s", "incremental_s", "overview_cold_ms"}

    .venv/bin/python bench/dashboard.py --scale city --database-url postgres://…/siming_dash_city
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as base  # noqa: E402

CITY_USER = base.SESSIONS["city"]
DISTRICT = "330203"  # 海曙区
CEILING = "/bench-ceiling-page/"  # no such page: the 404 page is the base template with the menu

REBUILD = """
import json
from portal.stats import runs
record = runs.run_full(wait=True)
print(json.dumps({"status": record.status, "s": record.duration_s, "rows": record.rows, "nodes": record.nodes}))
"""

INCREMENTAL = """
import datetime as dt, json, random
from django.utils import timezone
from brands.models import ActivityKind, ActivityRecord
from grids.models import PartyOrganization, street_code_of
from portal.stats import runs
rng = random.Random(9)
branches = list(PartyOrganization.objects.branches().values_list("pk", "region_id", "region__path")[:5000])
now = timezone.now()
records = []
for n in range(1000):
    pk, region, path = rng.choice(branches)
    start = now - dt.timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 12))
    records.append(ActivityRecord(
        organization_id=pk, region_id=region, street_code=street_code_of(path), kind=ActivityKind.THEME_DAY,
        started_at=start, ended_at=start + dt.timedelta(minutes=90), topic="bench incremental",
        attendee_count=4, member_count=5,
    ))
ActivityRecord.objects.bulk_create(records)
record = runs.run_incremental()
print(json.dumps({"status": record.status, "s": record.duration_s, "rows": record.rows, "days": len(record.days)}))
"""

QUERIES = """
import json, statistics, time
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from portal.models import User
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username=%(user)r))
client.get("/dashboard/")
cache.clear()  # the page as the first reader after a run gets it: its body rendered afresh
with CaptureQueriesContext(connection) as captured:
    status = client.get("/dashboard/").status_code
with CaptureQueriesContext(connection) as warm:
    client.get("/dashboard/")
def timed(path, cold):
    times = []
    for _ in range(15):
        if cold:
            cache.clear()
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)
community = __import__("grids.models", fromlist=["Region"]).Region.objects.filter(
    level="community", code__startswith=%(district)r).order_by("code").values_list("code", flat=True).first()
print(json.dumps({"status": status, "queries": len(captured), "warm_queries": len(warm), "community": community,
                  "cold_ms": timed("/dashboard/", True), "ceiling_ms": timed("/bench-ceiling-page/", False)}))
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "city"], default="city")
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", base.DEFAULT_DB))
    parser.add_argument("--small-database-url", default="", help="default: the database URL + '_small'")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--requests", type=int, default=60, help="requests per page")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args()


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def overview_queries(env: dict[str, str]) -> dict:
    return last_json(base.shell(env, QUERIES % {"user": CITY_USER[0], "district": DISTRICT}))


def small_scale_queries(args: argparse.Namespace, static_root: str) -> int:
    small = argparse.Namespace(**{**vars(args), "scale": "small"})
    small.database_url = args.small_database_url or args.database_url + "_small"
    env = base.bench_env(small, static_root)
    base.prepare(env, small)
    base.shell(env, REBUILD)
    return overview_queries(env)["queries"]


def main() -> None:
    args = parse_args()
    static_root = tempfile.mkdtemp(prefix="siming-bench-static-")
    env = base.bench_env(args, static_root)
    try:
        base.prepare(env, args)
        print("Full rebuild…", flush=True)
        full = last_json(base.shell(env, REBUILD))
        print(f"  {full}", flush=True)
        print("Incremental run after 1,000 new activity records…", flush=True)
        incremental = last_json(base.shell(env, INCREMENTAL))
        print(f"  {incremental}", flush=True)
        counted = overview_queries(env)
        small_queries = small_scale_queries(args, static_root) if args.scale == "city" else counted["queries"]
        pages = [
            base.Endpoint("ceiling (base template, same user)", CEILING, "city", is_list=False),
            base.Endpoint("city overview", "/dashboard/", "city"),
            base.Endpoint("district dashboard", f"/dashboard/{DISTRICT}/", "city"),
            base.Endpoint("community dashboard", f"/dashboard/{counted['community']}/", "city"),
        ]
        port = args.port or base.free_port()
        server = base.start_server(env, port, args.workers)
        try:
            auth = {"city": {"Cookie": base.log_in(port, *CITY_USER)}}
            results = [base.measure(port, e, auth[e.auth], args.requests, args.concurrency) for e in pages]
            # The ceiling first and last, as bench/run.py does for its home page: the load drifts.
            again = base.measure(port, pages[0], auth["city"], args.requests, args.concurrency)
            results[0].latencies += again.latencies
        finally:
            base.stop_server(server)
        ceiling = results[0].percentile(0.95)
        print(f"\n{'page':<38} {'p50 ms':>8} {'p95 ms':>8} {'× ceiling p95':>14}  errors")
        for r in results:
            errors = {k: v for k, v in r.errors.items() if not (r.endpoint.path == CEILING and k == 404)}
            print(
                f"{r.endpoint.label:<38} {r.percentile(0.5):8.1f} {r.percentile(0.95):8.1f} "
                f"{r.percentile(0.95) / ceiling:14.2f}  {errors or '-'}"
            )
        print(
            f"overview queries: {counted['queries']} at --scale {args.scale}, {small_queries} at small scale"
            f" (rendered afresh); {counted['warm_queries']} with its body in the cache"
        )
        print(
            f"first view after a run (in-process, body rendered afresh): {counted['cold_ms']} ms"
            f" against {counted['ceiling_ms']} ms for the ceiling page"
        )
        print(f"full rebuild: {full['s']} s ({full['rows']:,} rows); incremental: {incremental['s']} s")
        p95 = {r.endpoint.label: r.percentile(0.95) for r in results}
        summary = {
            "overview_p95_ms": round(p95["city overview"], 1),
            "district_p95_ms": round(p95["district dashboard"], 1),
            "community_p95_ms": round(p95["community dashboard"], 1),
            "ceiling_p95_ms": round(ceiling, 1),
            "worst_ratio": round(max(v for k, v in p95.items() if not k.startswith("ceiling")) / ceiling, 2),
            "overview_queries": counted["queries"],
            "small_overview_queries": small_queries,
            "full_rebuild_s": full["s"],
            "incremental_s": incremental["s"],
            "overview_cold_ms": counted["cold_ms"],
        }
        print(json.dumps(summary))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    if not base.PYTHON.exists():
        sys.exit(f"No virtualenv at {base.PYTHON.parent.parent}: create it first (see README).")
    main()
