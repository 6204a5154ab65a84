#!/usr/bin/env python
"""Queries per endpoint on the benchmark database: how many, how long, and the slowest ones.

Run after ``bench/run.py`` has seeded the database. Unlike the load test, these figures hardly
depend on how busy the machine is, so they say *why* an endpoint is slow:

    .venv/bin/python bench/queries.py [--user city_admin] [--slowest 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# How much of each slow statement to print (SQL_CHARS=5000 for whole statements).
SQL_CHARS = int(os.getenv("SQL_CHARS", "400"))

from bench.run import DEFAULT_DB, ENDPOINTS, KEYS, SESSIONS  # noqa: E402


def setup(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY=os.getenv("BENCH_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        ID_NUMBER_HMAC_KEY=os.getenv(
            "BENCH_ID_NUMBER_HMAC_KEY", "bench-only-id-number-key-not-for-production-0123"
        ),
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        API_THROTTLE_RATE="1000000/min",
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--only", help="endpoints whose label contains this")
    parser.add_argument("--slowest", type=int, default=3, help="slowest queries shown per endpoint")
    args = parser.parse_args()
    setup(args.database_url)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from grids.models import Region
    from portal.models import PartnerAPIKey, User

    keys = {}
    for label, code in KEYS.items():
        api_key, keys[label] = PartnerAPIKey.objects.create_key(
            name=f"bench-queries-{label}",
            partner="bench",
            region=Region.objects.get(code=code),
            scopes=["read"],
        )
    # Templates use {% static %}; the manifest storage would need collectstatic first.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    try:
        with override_settings(STORAGES=storages, STATIC_ROOT=tempfile.mkdtemp(prefix="siming-bench-")):
            clients = {"none": (Client(), {})}
            for scope, (username, _) in SESSIONS.items():
                clients[scope] = (Client(), {})
                clients[scope][0].force_login(User.objects.get(username=username))
            for label, key in keys.items():
                clients[label] = (Client(), {"HTTP_AUTHORIZATION": f"Api-Key {key}"})
            print(f"{'endpoint':<40} {'status':>6} {'queries':>7} {'SQL ms':>8} {'total ms':>9}")
            for endpoint in ENDPOINTS:
                if args.only and args.only not in endpoint.label:
                    continue
                client, headers = clients[endpoint.auth]
                client.get(endpoint.path, **headers)  # warm caches, as the load test does
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = client.get(endpoint.path, **headers)
                    total = (time.perf_counter() - began) * 1000
                timed = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
                sql_ms = sum(t for t, _ in timed)
                print(
                    f"{endpoint.label:<40} {response.status_code:>6} {len(timed):>7} {sql_ms:8.1f} {total:9.1f}"
                )
                for ms, sql in sorted(timed, reverse=True)[: args.slowest]:
                    print(f"    {ms:7.1f} ms  {sql[:SQL_CHARS]}")
    finally:
        PartnerAPIKey.objects.filter(name__startswith="bench-queries-").delete()


if __name__ == "__main__":
    main()
