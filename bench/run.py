#!/usr/bin/env python
"""Benchmark the portal on PostgreSQL with the city-scale dataset (see bench/README.md).

Standard library only; Django, gunicorn and psycopg2 come from the project's virtualenv, and
every Django step runs as a ``manage.py`` subprocess with the same production-like environment
as the server. Steps: create the database if missing, migrate, collect static files, seed
``--scale city`` unless already seeded (timed), start gunicorn on loopback, log in and create
API keys, then send a bounded number of requests per endpoint and print a table.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project's virtualenv, or the interpreter running this script (a worktree shares one).
VENV_BIN = (
    ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin" / "python").exists() else Path(sys.executable).parent
)
PYTHON = VENV_BIN / "python"
GUNICORN = VENV_BIN / "gunicorn"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/siming_bench"
HOST = "127.0.0.1"
# Members a seeded city has at least (the seeder adds 300,000); fewer means "seed it".
SEEDED_AT_LEAST = {"small": 1_000, "city": 290_000}
# Demo accounts (portal seed_demo), one per staff scope: the city, 海曙区, 西门街道.
SESSIONS = {
    "city": ("city_admin", "siming-city-demo"),
    "district": ("haishu_staff", "siming-district-demo"),
    "street": ("ximen_staff", "siming-street-demo"),
}
KEYS = {"city-key": "330200", "district-key": "330203"}
HOME = "home page"
LIST_BUDGET = 3  # a list's p50 may be at most this many times the home page's (issue 6)


@dataclass
class Endpoint:
    label: str
    path: str
    auth: str  # "none", a SESSIONS scope, or a KEYS label
    is_list: bool = True  # held to the list budget: p50 at most 3 × the home page's


def _endpoints() -> list[Endpoint]:
    found = [
        Endpoint("/healthz (ceiling)", "/healthz", "none", is_list=False),
        Endpoint(HOME, "/", "none", is_list=False),
        Endpoint("brand wall", "/brands/", "none"),
        Endpoint("brand wall, one district", "/brands/?district=330281", "none"),
    ]
    member_query = "/grids/members/?" + urllib.parse.urlencode({"q": "王", "region": "330203003"})
    pages = (
        ("member list", "/grids/members/"),
        ("member list, filtered", member_query),
        ("activity list", "/brands/activities/"),
        ("activity list, theme days", "/brands/activities/?kind=theme_day"),
        ("brand list", "/brands/manage/"),
        ("review queue", "/brands/manage/review/"),
        ("base list", "/brands/bases/"),
        ("role list", "/roles/"),
    )
    for scope in SESSIONS:
        found += [Endpoint(f"{label} [{scope}]", path, scope) for label, path in pages]
        found.append(Endpoint(f"tree page [{scope}]", "/grids/tree/", scope, is_list=False))
    api = ("regions", "organizations", "members", "brands", "activities", "bases")
    for key in KEYS:
        found += [Endpoint(f"API {name} [{key}]", f"/api/v1/{name}/", key) for name in api]
    return found


ENDPOINTS = _endpoints()


@dataclass
class Result:
    endpoint: Endpoint
    latencies: list[float]
    wall: float
    errors: dict[int, int]

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.wall

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000


# --- Environment and Django steps -------------------------------------------------------------


def bench_env(args: argparse.Namespace, static_root: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings",
        DATABASE_URL=args.database_url,
        DEBUG="false",
        # Fixed so that the seeder and the server hash ID numbers with the same key.
        SECRET_KEY=env.get("BENCH_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        ID_NUMBER_HMAC_KEY=env.get(
            "BENCH_ID_NUMBER_HMAC_KEY", "bench-only-id-number-key-not-for-production-0123"
        ),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",  # loopback HTTP; TLS would end at the proxy in production
        STATIC_ROOT=static_root,
        # The benchmark measures the pages, not the throttle (600/min per key by default).
        API_THROTTLE_RATE="1000000/min",
        CELERY_BROKER_URL="",  # reads only: nothing is enqueued
        LOG_LEVEL="WARNING",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *argv: str, capture: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *argv],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def shell(env: dict[str, str], code: str) -> str:
    return manage(env, "shell", "--no-imports", "-v", "0", "-c", code, capture=True).strip()


def ensure_database(url: str) -> None:
    """Create the database if it does not exist (psycopg2, from the project's virtualenv)."""
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    code = (
        "import sys, psycopg2\n"
        "c = psycopg2.connect(host=sys.argv[1], port=sys.argv[2], user=sys.argv[3], "
        "password=sys.argv[4] or None, dbname='postgres')\n"
        "c.autocommit = True\n"
        "cur = c.cursor()\n"
        "cur.execute('SELECT 1 FROM pg_database WHERE datname = %s', [sys.argv[5]])\n"
        "if not cur.fetchone():\n"
        "    cur.execute('CREATE DATABASE \"%s\"' % sys.argv[5].replace('\"', ''))\n"
        "    print('created database', sys.argv[5])\n"
    )
    argv = [parts.hostname or HOST, str(parts.port or 5432), parts.username or "postgres"]
    argv += [urllib.parse.unquote(parts.password or ""), name]
    subprocess.run([str(PYTHON), "-c", code, *argv], check=True)


def member_count(env: dict[str, str]) -> int:
    return int(shell(env, "from grids.models import PartyMember; print(PartyMember.objects.count())"))


def create_keys(env: dict[str, str]) -> dict[str, str]:
    """Fresh keys for the city and for 海曙区; earlier bench keys are revoked."""
    code = (
        "import json\n"
        "from grids.models import Region\n"
        "from portal.models import PartnerAPIKey\n"
        "PartnerAPIKey.objects.filter(name__startswith='bench-').update(revoked=True)\n"
        "keys = {}\n"
        f"for label, region in {tuple(KEYS.items())!r}:\n"
        "    _, keys[label] = PartnerAPIKey.objects.create_key(name='bench-' + label, partner='bench',\n"
        "        region=Region.objects.get(code=region), scopes=['read'])\n"
        "print(json.dumps(keys))\n"
    )
    return json.loads(shell(env, code).splitlines()[-1])


# --- Server ---------------------------------------------------------------------------------


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    command = [
        str(GUNICORN),
        "portal.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=120",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    status = None
    while time.monotonic() < deadline and server.poll() is None:
        try:
            status = request(port, "GET", "/healthz")[0]
            if status == 200:
                return server
        except OSError:
            pass  # not listening yet
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /healthz with 200 within 30 s (last status: {status})")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)  # our own process group (start_new_session)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


# --- Client ---------------------------------------------------------------------------------


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: str | None = None
) -> tuple[int, dict[str, list[str]], bytes]:
    # A new connection per request: gunicorn's sync workers close it after each response anyway.
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        found: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            found.setdefault(name.lower(), []).append(value)
        return response.status, found, data
    finally:
        conn.close()


def cookies_from(headers: dict[str, list[str]]) -> dict[str, str]:
    # Parsed by hand: the cookies are Secure (DEBUG off), which http.cookiejar keeps off plain HTTP.
    found = {}
    for header in headers.get("set-cookie", []):
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def log_in(port: int, username: str, password: str) -> str:
    """Log in through the login form like a browser; returns the Cookie header."""
    status, headers, body = request(port, "GET", "/accounts/login/")
    cookies = cookies_from(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not token or "csrftoken" not in cookies:
        raise SystemExit(f"login page: HTTP {status}, no CSRF token")
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/login/",
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
        form,
    )
    cookies.update(cookies_from(headers))
    if status != 302 or "sessionid" not in cookies:
        raise SystemExit(
            f"login as {username} failed: HTTP {status} (is the city seeded with demo accounts?)"
        )
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def measure(port: int, endpoint: Endpoint, headers: dict[str, str], count: int, concurrency: int) -> Result:
    def one(_: int) -> tuple[int, float]:
        began = time.perf_counter()
        status = request(port, "GET", endpoint.path, headers)[0]
        return status, time.perf_counter() - began

    for _ in range(3):  # warm-up: connections, caches, the first query plans of each worker
        request(port, "GET", endpoint.path, headers)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        outcomes = list(pool.map(one, range(count)))
    wall = time.perf_counter() - began
    errors: dict[int, int] = {}
    for status, _ in outcomes:
        if status != 200:
            errors[status] = errors.get(status, 0) + 1
    return Result(endpoint, [seconds for _, seconds in outcomes], wall, errors)


def print_table(results: list[Result]) -> None:
    ceiling, home = results[0].rps, _home_p50(results)
    print()
    print(f"{'endpoint':<40} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'× home':>7}  errors")
    for r in results:
        errors = ", ".join(f"{n}×{code}" for code, n in sorted(r.errors.items())) or "-"
        ratio = f"{r.percentile(0.50) / home:7.2f}" if home else f"{'-':>7}"
        flag = " *" if r.endpoint.is_list and home and r.percentile(0.50) > LIST_BUDGET * home else ""
        print(
            f"{r.endpoint.label:<40} {r.percentile(0.50):8.1f} {r.percentile(0.95):8.1f} "
            f"{r.rps:8.1f} {ratio}  {errors}{flag}"
        )
    print(
        f"(× home: p50 over the home page's p50; * marks a list above {LIST_BUDGET}×; vs /healthz "
        f"{ceiling:.0f} req/s)"
    )


def _home_p50(results: list[Result]) -> float | None:
    return next((r.percentile(0.50) for r in results if r.endpoint.label == HOME), None)


def summary(results: list[Result], args: argparse.Namespace, seeded: dict[str, int]) -> dict[str, object]:
    """The one-line verdict: the slowest list against the home page, in the same run."""
    home = _home_p50(results)
    lists = [r for r in results if r.endpoint.is_list]
    worst = max(lists, key=lambda r: r.percentile(0.50), default=None)
    return {
        "home_p50_ms": round(home, 1) if home else None,
        "worst_list_label": worst.endpoint.label if worst else None,
        "worst_list_p50_ms": round(worst.percentile(0.50), 1) if worst else None,
        "worst_list_ratio": round(worst.percentile(0.50) / home, 2) if worst and home else None,
        "lists_over_budget": sum(1 for r in lists if home and r.percentile(0.50) > LIST_BUDGET * home),
        "lists": len(lists),
        "errors": sum(sum(r.errors.values()) for r in results),
        "requests_per_endpoint": args.requests,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "scale": args.scale,
        **seeded,
    }


# --- Main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "city"], default="city")
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.getenv("BENCH_REDIS_URL", ""), help="cache (optional)")
    parser.add_argument("--requests", type=int, default=100, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--only", help="measure only endpoints whose label contains this")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def prepare(env: dict[str, str], args: argparse.Namespace) -> None:
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmark runs on PostgreSQL: give --database-url postgres://…")
    ensure_database(args.database_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    members = member_count(env)
    if members >= SEEDED_AT_LEAST[args.scale]:
        print(f"Already seeded ({members:,} members): seeding skipped.")
        return
    print(f"Seeding --scale {args.scale} (this takes a few minutes for the city)…", flush=True)
    began = time.monotonic()
    manage(env, "seed_demo", "--scale", args.scale, "--allow-demo-accounts")
    print(f"Seeded in {time.monotonic() - began:.1f} s (wall clock, including Django start-up).")


def dataset(env: dict[str, str]) -> dict[str, int]:
    code = (
        "import json\n"
        "from brands.models import ActivityRecord\n"
        "from grids.models import PartyMember\n"
        "print(json.dumps({'members': PartyMember.objects.count(), "
        "'activity_records': ActivityRecord.objects.count()}))\n"
    )
    return json.loads(shell(env, code).splitlines()[-1])


def run(port: int, args: argparse.Namespace, auth: dict[str, dict[str, str]]) -> list[Result]:
    endpoints = [e for e in ENDPOINTS if not args.only or args.only in e.label or e.label == HOME]
    # The home page is measured first and last, and its p50 taken over both: on a shared
    # machine the load changes during a run, and every ratio is to this one figure.
    first, *rest = [e for e in endpoints if e.label != HOME]
    order = [first, next(e for e in ENDPOINTS if e.label == HOME), *rest]
    results = []
    for endpoint in order:
        results.append(measure(port, endpoint, auth[endpoint.auth], args.requests, args.concurrency))
        print(f"  measured {endpoint.label}", flush=True)
    home = next(r for r in results if r.endpoint.label == HOME)
    again = measure(port, home.endpoint, auth["none"], args.requests, args.concurrency)
    home.latencies += again.latencies
    home.wall += again.wall
    for code, n in again.errors.items():
        home.errors[code] = home.errors.get(code, 0) + n
    return results


def main() -> None:
    args = parse_args()
    static_root = tempfile.mkdtemp(prefix="siming-bench-static-")
    env = bench_env(args, static_root)
    try:
        prepare(env, args)
        seeded = dataset(env)
        keys = create_keys(env)
        port = args.port or free_port()
        server = start_server(env, port, args.workers)
        try:
            auth: dict[str, dict[str, str]] = {"none": {}}
            for scope, (username, password) in SESSIONS.items():
                auth[scope] = {"Cookie": log_in(port, username, password)}
            for label in KEYS:
                auth[label] = {"Authorization": f"Api-Key {keys[label]}"}
            print(
                f"{args.requests} requests per endpoint, concurrency {args.concurrency}, "
                f"gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs (client on the same machine); "
                f"{seeded['members']:,} members, {seeded['activity_records']:,} activity records"
            )
            results = run(port, args, auth)
            print_table(results)
        finally:
            stop_server(server)
        print(json.dumps(summary(results, args, seeded), ensure_ascii=False))
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    if not PYTHON.exists():
        sys.exit(f"No virtualenv at {PYTHON.parent.parent}: create it first (see README).")
    main()
