#!/usr/bin/env python
"""A rush on the wish wall: N signed-in volunteers race for M published wishes (bench/README.md).

Against gunicorn (2+ sync workers) and PostgreSQL. Every client holds its own session; all are
released at once by a barrier, and each tries the wishes in its own random order through the
endpoint the browser uses (``POST /wishes/<id>/claim/``, or with ``--api`` the API's
``POST /api/v1/wishes/<id>/claim/``) until it wins one or has tried them all. The ceiling is a
trivial POST with the same authentication (``POST /messages/read-all/``, or with ``--api``
``POST /api/v1/messages/read-all/``), sent by the same clients in the same run, half just before
the race and half just after it (the machine is shared: its load drifts). Then the database is asked what happened: every wish must
have exactly one live claim and no client may have seen anything but a win or "已被认领".

``--wall`` measures the public wall instead, with about 100,000 wishes (seeded if fewer): the
first page, a district's page, a cursor page and the live refresh answering 200 and 304, with the
queries each page costs, against a page of only the base template for the same visitor (the
ceiling) and /healthz (the floor: no template at all).

The last line is one JSON object. Reuses bench/run.py's functions (environment, server, login).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402
    PYTHON,
    bench_env,
    ensure_database,
    free_port,
    manage,
    request,
    shell,
    start_server,
    stop_server,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/siming_wclaim_bench"
CSRF = "benchcsrftoken0123456789abcdefgh"  # a 32-character secret, sent as cookie and header
PREFIX = "race-"


# --- Data --------------------------------------------------------------------------------------

SETUP = """
import datetime as dt, json, sys
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone
from grids.models import Region, RegionLevel, district_code_of
from portal.models import Role, RoleAssignment, User
from portal.privacy import hash_id_number
from volunteers.models import Volunteer
from wishes.models import Wish, WishClaim, WishStatus

clients, wishes = {clients}, {wishes}
now = timezone.now()
community = Region.objects.filter(level=RegionLevel.COMMUNITY).order_by("code").first()
if community is None:
    city = Region.objects.create(code="330200", name="宁波市", level=RegionLevel.CITY)
    district = Region.objects.create(code="330203", name="海曙区", level=RegionLevel.DISTRICT, parent=city)
    street = Region.objects.create(code="330203003", name="西门街道", level=RegionLevel.STREET, parent=district)
    community = Region.objects.create(
        code="330203003001", name="朝阳社区", level=RegionLevel.COMMUNITY, parent=street
    )
with transaction.atomic():
    # Earlier runs' claims are closed, so that nobody starts at their limit of open claims.
    WishClaim.objects.filter(claimed_by__username__startswith="{prefix}", status="active").update(
        status="released", released_at=now, release_reason="bench"
    )
    have = set(User.objects.filter(username__startswith="{prefix}").values_list("username", flat=True))
    password = make_password(None)
    new = [User(username=f"{prefix}{{i:04d}}", real_name=f"抢单志愿者{{i}}", password=password)
           for i in range(clients) if f"{prefix}{{i:04d}}" not in have]
    for user in User.objects.bulk_create(new):
        Volunteer.objects.create(
            user=user, name="抢单志愿者", mobile="13900000000", id_number_hash=hash_id_number(user.username),
            id_number_masked="330***********0000", birth_date=dt.date(1990, 1, 1), community=community,
            district_code=district_code_of(community.path), consented_at=now, status="active",
        )
    users = list(User.objects.filter(username__startswith="{prefix}").order_by("username")[:clients])
    # Registration gives every volunteer this role; the volunteer pages look for a profile only then.
    have_role = set(RoleAssignment.objects.filter(user__in=users, role=Role.VOLUNTEER).values_list("user_id", flat=True))
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=u, role=Role.VOLUNTEER, region=community) for u in users if u.pk not in have_role
    )
    created = Wish.objects.bulk_create(
        Wish(resident_name="王小梅", resident_mobile="13800000000", consented_at=now, community=community,
             district_code=district_code_of(community.path), category="supplies", title=f"抢单心愿{{i}}",
             description="bench", status=WishStatus.PUBLISHED, published_at=now)
        for i in range(wishes)
    )
sessions = []
for user in users:
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "portal.auth.UsernameOrMobileBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    sessions.append(store.session_key)
print(json.dumps({{"sessions": sessions, "wishes": [w.pk for w in created]}}))
"""

VERIFY = """
import json
from django.db.models import Count, Q
from wishes.models import Wish, WishClaim
ids = {ids}
live = Q(claims__status__in=["active", "fulfilled"])
rows = Wish.objects.filter(pk__in=ids).annotate(live=Count("claims", filter=live))
claimed = sum(1 for w in rows if w.status == "claimed" and w.live == 1)
double = sum(1 for w in rows if w.live > 1)
print(json.dumps({{"claimed": claimed, "double_claims": double,
                  "claim_rows": WishClaim.objects.filter(wish_id__in=ids).count()}}))
"""


def setup(env: dict[str, str], clients: int, wishes: int) -> dict:
    code = SETUP.format(clients=clients, wishes=wishes, prefix=PREFIX)
    return json.loads(shell(env, code).splitlines()[-1])


def verify(env: dict[str, str], ids: list[int]) -> dict:
    return json.loads(shell(env, VERIFY.format(ids=ids)).splitlines()[-1])


# --- The race ---------------------------------------------------------------------------------


def headers_for(session: str, api: bool) -> dict[str, str]:
    headers = {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Referer": "http://127.0.0.1/wishes/",
    }
    if api:
        headers["Content-Type"] = "application/json"
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return headers


def outcome(status: int, location: str, api: bool) -> str:
    if api:
        return {201: "won", 409: "lost"}.get(status, f"HTTP {status}")
    if status == 302 and location.endswith("/wishes/mine/"):
        return "won"
    if status == 302 and location.endswith("/wishes/"):
        return "lost"  # redirected back to the wall with the message 已被认领
    return f"HTTP {status} {location.split('?')[0]}"


def race(port: int, sessions: list[str], wish_ids: list[int], api: bool) -> dict:
    barrier = threading.Barrier(len(sessions) + 1)
    latencies: list[float] = []
    wins: list[int] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client(session: str, seed: int) -> None:
        order = list(wish_ids)
        random.Random(seed).shuffle(order)
        headers = headers_for(session, api)
        barrier.wait()
        for wish in order:
            path = f"/api/v1/wishes/{wish}/claim/" if api else f"/wishes/{wish}/claim/"
            began = time.perf_counter()
            status, found, _ = request(port, "POST", path, headers, "{}" if api else "")
            seconds = time.perf_counter() - began
            result = outcome(status, (found.get("location") or [""])[0], api)
            with lock:
                latencies.append(seconds)
                if result == "won":
                    wins.append(wish)
                elif result != "lost":
                    errors[result] = errors.get(result, 0) + 1
            if result == "won":
                return

    return _run(client, sessions, barrier, latencies) | {"wins": wins, "errors": errors}


# The ceiling is a trivial POST through the same stack as the claims: the page's form view, or
# (--api) the API's, whose authentication, CSRF check, throttle and idempotency check a claim
# through the API pays too.
CEILING_PATH = {False: "/messages/read-all/", True: "/api/v1/messages/read-all/"}


def ceiling(port: int, sessions: list[str], per_client: int, api: bool = False) -> dict:
    barrier = threading.Barrier(len(sessions) + 1)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def client(session: str, seed: int) -> None:
        headers = headers_for(session, api=api)
        barrier.wait()
        for _ in range(per_client):
            began = time.perf_counter()
            status, _found, _ = request(port, "POST", CEILING_PATH[api], headers, "")
            with lock:
                latencies.append(time.perf_counter() - began)
                location = (_found.get("location") or [""])[0]
                if (api and status != 200) or (
                    not api and (status != 302 or not location.endswith("/messages/"))
                ):
                    key = f"HTTP {status} {location.split('?')[0]}"
                    errors[key] = errors.get(key, 0) + 1

    return _run(client, sessions, barrier, latencies) | {"errors": errors}


def _run(client, sessions: list[str], barrier: threading.Barrier, latencies: list[float]) -> dict:
    threads = [threading.Thread(target=client, args=(s, i)) for i, s in enumerate(sessions)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {"requests": len(latencies), "seconds": wall, "latencies": latencies}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000 if ordered else 0.0


# --- The wall -----------------------------------------------------------------------------------

CEILING_PAGE = "/bench-ceiling-page/"  # no such page: the 404 page is the base template and menu

QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
found = {{}}
for label, path, headers in {paths!r}:
    client.get(path, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, headers=headers)
    found[label] = [response.status_code, len(queries)]
print(json.dumps(found))
"""


def ensure_city_wishes(env: dict[str, str]) -> int:
    count = int(shell(env, "from wishes.models import Wish; print(Wish.objects.count())"))
    if count >= 90_000:
        return count
    print("Seeding the city's wishes (regions first if missing)…", flush=True)
    began = time.monotonic()
    code = (
        "import random\n"
        "from django.db import transaction\n"
        "from grids.models import Region\n"
        "import grids.demo, wishes.demo_city\n"
        "rng = random.Random(2024)\n"
        "if not Region.objects.exists():\n"
        "    grids.demo.seed(scale='small', rng=rng, log=print)\n"
        "with transaction.atomic():\n"
        "    wishes.demo_city.seed(scale='city', rng=rng, log=print)\n"
    )
    print(shell(env, code))
    print(f"Seeded in {time.monotonic() - began:.1f} s (wall clock, including Django start-up).")
    return int(shell(env, "from wishes.models import Wish; print(Wish.objects.count())"))


def measure_get(port: int, path: str, headers: dict[str, str], count: int, concurrency: int) -> dict:
    from concurrent.futures import ThreadPoolExecutor

    def one(_: int) -> tuple[int, float]:
        began = time.perf_counter()
        status = request(port, "GET", path, headers)[0]
        return status, time.perf_counter() - began

    for _ in range(3):
        request(port, "GET", path, headers)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(one, range(count)))
    wall = time.perf_counter() - began
    latencies = [s for _, s in outcomes]
    statuses: dict[int, int] = {}
    for status, _ in outcomes:
        statuses[status] = statuses.get(status, 0) + 1
    return {
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
        "rps": count / wall,
        "statuses": statuses,
    }


def wall_bench(env: dict[str, str], args: argparse.Namespace) -> dict:
    total = ensure_city_wishes(env)
    district = shell(
        env,
        "from wishes.models import Wish; print(Wish.objects.exclude(district_code='').values_list('district_code', flat=True).first())",
    )
    port = args.port or free_port()
    server = start_server(env, port, args.workers)
    try:
        first = request(port, "GET", "/wishes/live/")[1]
        etag = first["etag"][0]
        body = request(port, "GET", "/wishes/")[2].decode()
        after = body.split("after=")[1].split('"')[0] if "after=" in body else ""
        pages = [
            ("/healthz (floor)", "/healthz", {}),
            # The ceiling: a page of only the base template with the visitor's menu (the 404 page).
            ("base template (ceiling)", CEILING_PAGE, {}),
            ("wall, first page", "/wishes/", {}),
            ("wall, one district", f"/wishes/?district={district}", {}),
            ("wall, page 2 (cursor)", f"/wishes/?after={after}", {}),
            ("live refresh, 200", "/wishes/live/?v=0", {}),
            ("live refresh, 304", "/wishes/live/", {"If-None-Match": etag}),
        ]
        results = {}
        for label, path, headers in pages:
            results[label] = measure_get(port, path, headers, args.requests, args.concurrency)
            print(f"  measured {label}", flush=True)
    finally:
        stop_server(server)
    queries = json.loads(
        shell(
            env, QUERIES.format(paths=[(label, path, headers) for label, path, headers in pages])
        ).splitlines()[-1]
    )
    ceiling = results["base template (ceiling)"]
    print()
    print(f"{'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'queries':>8}  statuses")
    for label, r in results.items():
        print(
            f"{label:<28} {r['p50']:8.1f} {r['p95']:8.1f} {r['rps']:8.1f} {queries[label][1]:>8}  {r['statuses']}"
        )
    wall = results["wall, first page"]
    return {
        "wishes_total": total,
        "wall_p50_ms": round(wall["p50"], 1),
        "wall_p95_ms": round(wall["p95"], 1),
        "wall_queries": queries["wall, first page"][1],
        "district_p50_ms": round(results["wall, one district"]["p50"], 1),
        "page2_p50_ms": round(results["wall, page 2 (cursor)"]["p50"], 1),
        "live_200_p50_ms": round(results["live refresh, 200"]["p50"], 1),
        "live_304_p50_ms": round(results["live refresh, 304"]["p50"], 1),
        "live_304_queries": queries["live refresh, 304"][1],
        "live_304_status": queries["live refresh, 304"][0],
        "healthz_p50_ms": round(results["/healthz (floor)"]["p50"], 1),
        "ceiling_p50_ms": round(ceiling["p50"], 1),
        "ceiling_p95_ms": round(ceiling["p95"], 1),
        "ceiling_per_s": round(ceiling["rps"], 1),
        "wall_per_s": round(wall["rps"], 1),
        "ratio": round(wall["rps"] / ceiling["rps"], 2),
        "wall_p95_ratio": round(wall["p95"] / ceiling["p95"], 2),
    }


# --- Main ---------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--wishes", type=int, default=50)
    parser.add_argument("--api", action="store_true", help="claim through the API instead of the page")
    parser.add_argument("--wall", action="store_true", help="measure the wall with ~100,000 wishes instead")
    parser.add_argument("--requests", type=int, default=200, help="--wall: requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4, help="--wall: concurrent requests")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.getenv("BENCH_REDIS_URL", ""), help="cache (optional)")
    parser.add_argument(
        "--broker-url",
        default=os.getenv("BENCH_BROKER_URL", ""),
        help="Celery broker: messages are queued there, as in production; empty runs them in the request",
    )
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args()


def race_bench(env: dict[str, str], args: argparse.Namespace) -> dict:
    data = setup(env, args.clients, args.wishes)
    sessions, wish_ids = data["sessions"], data["wishes"]
    if len(sessions) < args.clients:
        raise SystemExit(f"only {len(sessions)} volunteer sessions")
    port = args.port or free_port()
    server = start_server(env, port, args.workers)
    try:
        for session in sessions[:4]:  # warm-up: each worker's first queries and templates
            request(port, "POST", "/messages/read-all/", headers_for(session, False), "")
        # The ceiling is measured in two halves, just before and just after the race, so that a
        # machine whose load drifts (it is shared) weighs on both figures alike. The same clients,
        # each sending about as many trivial POSTs as the race sends claims per client (at most
        # ~3,000 in all: a throughput needs no more).
        per_client = max(1, min(round(args.wishes * 0.75), 3000 // len(sessions)))
        before = ceiling(port, sessions, max(1, per_client // 2), args.api)
        raced = race(port, sessions, wish_ids, args.api)
        after = ceiling(port, sessions, max(1, per_client - per_client // 2), args.api)
        trivial = {
            "requests": before["requests"] + after["requests"],
            "seconds": before["seconds"] + after["seconds"],
            "latencies": before["latencies"] + after["latencies"],
            "errors": {
                k: before["errors"].get(k, 0) + after["errors"].get(k, 0)
                for k in {*before["errors"], *after["errors"]}
            },
            "halves": [round(h["requests"] / h["seconds"], 1) for h in (before, after)],
        }
    finally:
        stop_server(server)
    found = verify(env, wish_ids)
    claims_per_s = raced["requests"] / raced["seconds"]
    ceiling_per_s = trivial["requests"] / trivial["seconds"]
    how = "API" if args.api else "page"
    print()
    print(f"{'':<34} {'requests':>9} {'seconds':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for label, r in ((f"claims ({how})", raced), (f"ceiling POST {CEILING_PATH[args.api]}", trivial)):
        print(
            f"{label:<34} {r['requests']:>9} {r['seconds']:8.2f} {r['requests'] / r['seconds']:8.1f} "
            f"{percentile(r['latencies'], 0.5):8.1f} {percentile(r['latencies'], 0.99):8.1f}"
        )
    print(
        f"wins reported by clients: {len(raced['wins'])} (distinct wishes {len(set(raced['wins']))}); "
        f"claim rows {found['claim_rows']}; errors {raced['errors'] or '-'}; ceiling errors {trivial['errors'] or '-'}"
    )
    double = found["double_claims"] + (len(raced["wins"]) - len(set(raced["wins"])))
    return {
        "clients": args.clients,
        "wishes": args.wishes,
        "claimed": found["claimed"],
        "double_claims": double,
        "non_409_errors": sum(raced["errors"].values()),
        "claims_per_s": round(claims_per_s, 1),
        "p50_ms": round(percentile(raced["latencies"], 0.5), 1),
        "p99_ms": round(percentile(raced["latencies"], 0.99), 1),
        "ceiling_per_s": round(ceiling_per_s, 1),
        "ratio": round(claims_per_s / ceiling_per_s, 2),
        "ceiling_halves_per_s": trivial["halves"],  # before and after the race: how much the load drifted
        "mode": how,
        "requests": raced["requests"],
        "workers": args.workers,
    }


def main() -> None:
    args = parse_args()
    static_root = tempfile.mkdtemp(prefix="siming-bench-static-")
    env = bench_env(args, static_root)
    env["CELERY_BROKER_URL"] = args.broker_url
    try:
        if not args.database_url.startswith(("postgres://", "postgresql://")):
            raise SystemExit("The benchmark runs on PostgreSQL: give --database-url postgres://…")
        ensure_database(args.database_url)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        summary = wall_bench(env, args) if args.wall else race_bench(env, args)
        print(json.dumps(summary, ensure_ascii=False))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    if not PYTHON.exists():
        sys.exit(f"No virtualenv at {PYTHON.parent.parent}: create it first (see README).")
    main()
