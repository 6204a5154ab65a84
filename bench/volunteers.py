#!/usr/bin/env python
"""Benchmark the volunteer pages at city scale (issue 7), with bench/run.py's machinery.

Against gunicorn (2 sync workers) and PostgreSQL seeded with ``seed_demo --scale city`` (100,000
volunteers, 1,000,000 service records; see volunteers/demo_city.py):

- "my page" (/volunteers/me/) of the volunteer with 500 records (``cityvol-000000``);
- the volunteer list for district staff (``haishu_staff``, 海曙区);
- the event list and the hours export, when those pages exist (skipped with a note otherwise);

each with p50/p95 and its query count (in-process, as bench/queries.py counts them). The ceiling
is the home page for the same user in the same run. Prints a table and ends with ONE JSON line.

    .venv/bin/python bench/volunteers.py [--scale small] [--requests 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    DEFAULT_DB,
    PYTHON,
    SESSIONS,
    Endpoint,
    Result,
    bench_env,
    free_port,
    log_in,
    measure,
    prepare,
    shell,
    start_server,
    stop_server,
)

# The city's heavy volunteer (volunteers.demo_city) and, at the small scale, the demo volunteer.
VOLUNTEER = {
    "city": ("cityvol-000000", "siming-volunteer-demo"),
    "small": ("volunteer", "siming-volunteer-demo"),
}
DISTRICT = SESSIONS["district"]
# Pages other helpers build: measured when their URL name resolves.
OPTIONAL = {
    "event list": ("volunteers:event_list", "volunteer"),
    "hours export": ("volunteers:hours_export", "district"),
}
# The export itself, not its form: a district's approved hours of the last 30 days as .xlsx.
QUERY = {"hours export": "?date_from={month_ago}&date_to={today}"}


def optional_paths(env: dict[str, str]) -> dict[str, str | None]:
    code = (
        "import json\nfrom django.urls import NoReverseMatch, reverse\nfound = {}\n"
        f"for label, (name, _) in {OPTIONAL!r}.items():\n"
        "    try:\n        found[label] = reverse(name)\n"
        "    except NoReverseMatch:\n        found[label] = None\n"
        "print(json.dumps(found))\n"
    )
    found = json.loads(shell(env, code).splitlines()[-1])
    today = dt.date.today()
    period = {"today": today.isoformat(), "month_ago": (today - dt.timedelta(days=30)).isoformat()}
    return {
        label: path + QUERY.get(label, "").format(**period) if path else None for label, path in found.items()
    }


def ensure_city_volunteers(env: dict[str, str], scale: str) -> float | None:
    """Seed the city's volunteers when the database was seeded before they existed; seconds taken."""
    if scale != "city":
        return None
    present = shell(
        env, "from portal.models import User; print(User.objects.filter(username='cityvol-000000').exists())"
    )
    if present.endswith("True"):
        return None
    began = time.monotonic()
    code = (
        "import random\nfrom django.db import transaction\nfrom volunteers import demo_city\n"
        "with transaction.atomic():\n    demo_city.seed(scale='city', rng=random.Random(2024), log=print)\n"
    )
    print(shell(env, code))
    return time.monotonic() - began


def dataset(env: dict[str, str]) -> dict[str, int]:
    code = (
        "import json\nfrom volunteers.models import ServiceRecord, Volunteer\n"
        "print(json.dumps({'volunteers': Volunteer.objects.count(), "
        "'service_records': ServiceRecord.objects.count()}))\n"
    )
    return json.loads(shell(env, code).splitlines()[-1])


def count_queries(paths: dict[str, tuple[str, str]]) -> dict[str, int]:
    """In-process (called through ``manage.py shell``): each path's query count for its user."""
    import tempfile as _tempfile

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from portal.models import User

    # Templates use {% static %}; the manifest storage would need collectstatic in this process.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    counts = {}
    with override_settings(
        STORAGES=storages, STATIC_ROOT=_tempfile.mkdtemp(prefix="siming-bench-"), ALLOWED_HOSTS=["testserver"]
    ):
        for label, (path, username) in paths.items():
            client = Client()
            client.force_login(User.objects.get(username=username))
            client.get(path)  # warm caches, as the load test does
            with CaptureQueriesContext(connection) as captured:
                status = client.get(path).status_code
            counts[label] = len(captured) if status == 200 else -status
    return counts


def endpoints(paths: dict[str, str | None]) -> tuple[list[tuple[Endpoint, str]], list[str]]:
    found = [
        (Endpoint("home page [volunteer] (ceiling)", "/", "volunteer", is_list=False), "volunteer"),
        (Endpoint("my page (500 records)", "/volunteers/me/", "volunteer"), "volunteer"),
        (Endpoint("home page [district] (ceiling)", "/", "district", is_list=False), "district"),
        (Endpoint("volunteer list [district]", "/volunteers/", "district"), "district"),
        (Endpoint("volunteer API [district]", "/api/v1/volunteers/", "district"), "district"),
    ]
    notes = []
    for label, path in paths.items():
        who = OPTIONAL[label][1]
        if path is None:
            notes.append(f"{label}: skipped ({OPTIONAL[label][0]} does not exist in this build)")
        else:
            found.append((Endpoint(f"{label} [{who}]", path, who), who))
    return found, notes


def ceiling_for(results: dict[str, Result], who: str) -> float:
    return next(r.percentile(0.5) for label, r in results.items() if label.startswith(f"home page [{who}]"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "city"], default="city")
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.getenv("BENCH_REDIS_URL", ""))
    parser.add_argument("--requests", type=int, default=50, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    static_root = tempfile.mkdtemp(prefix="siming-bench-static-")
    env = bench_env(args, static_root)
    try:
        prepare(env, args)
        seeded_volunteers_s = ensure_city_volunteers(env, args.scale)
        data = dataset(env)
        found, notes = endpoints(optional_paths(env))
        users = {"volunteer": VOLUNTEER[args.scale], "district": DISTRICT}
        query_code = (
            "import json\nfrom bench.volunteers import count_queries\n"
            f"print(json.dumps(count_queries({ {e.label: (e.path, users[who][0]) for e, who in found}!r})))\n"
        )
        queries = json.loads(shell(env, query_code).splitlines()[-1])
        port = args.port or free_port()
        server = start_server(env, port, args.workers)
        try:
            auth = {who: {"Cookie": log_in(port, *credentials)} for who, credentials in users.items()}
            results = {}
            for endpoint, who in found:
                results[endpoint.label] = measure(port, endpoint, auth[who], args.requests, args.concurrency)
                print(f"  measured {endpoint.label}", flush=True)
        finally:
            stop_server(server)
        report(results, found, queries, notes, data, args, seeded_volunteers_s)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def report(results, found, queries, notes, data, args, seeded_volunteers_s) -> None:
    print(f"\n{'endpoint':<36} {'p50 ms':>8} {'p95 ms':>8} {'queries':>7} {'× home':>7}  errors")
    summary: dict[str, object] = {}
    for endpoint, who in found:
        r = results[endpoint.label]
        ratio = r.percentile(0.5) / ceiling_for(results, who)
        errors = ", ".join(f"{n}×{code}" for code, n in sorted(r.errors.items())) or "-"
        print(
            f"{endpoint.label:<36} {r.percentile(0.5):8.1f} {r.percentile(0.95):8.1f} "
            f"{queries[endpoint.label]:>7} {ratio:7.2f}  {errors}"
        )
        key = endpoint.label.split(" [")[0].split(" (")[0].replace(" ", "_")
        summary[f"{key}_{who}"] = {
            "p50_ms": round(r.percentile(0.5), 1),
            "p95_ms": round(r.percentile(0.95), 1),
            "queries": queries[endpoint.label],
            "ratio_to_home": round(ratio, 2),
        }
    for note in notes:
        print(f"note: {note}")
    print("(× home: p50 over the same user's home page p50 in this run)")
    worst = max(
        (v["ratio_to_home"] for k, v in summary.items() if not k.startswith("home_page")), default=None
    )
    line = {
        "scale": args.scale,
        **data,
        "requests_per_endpoint": args.requests,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "errors": sum(sum(r.errors.values()) for r in results.values()),
        "worst_ratio_to_home": worst,
        "skipped": [note.split(":")[0] for note in notes],
        "seeded_city_volunteers_s": round(seeded_volunteers_s, 1) if seeded_volunteers_s else None,
        "endpoints": summary,
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    if not PYTHON.exists():
        sys.exit(f"No virtualenv at {PYTHON.parent.parent}: create it first (see README).")
    main()
