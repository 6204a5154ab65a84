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
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/siming_bench"
HOST = "127.0.0.1"
# Members a seeded city has at least (the seeder adds 300,000); fewer means "seed it".
SEEDED_AT_LEAST = {"small": 1_000, "city": 290_000}
LOGIN = ("city_admin", "siming-city-demo")  # the demo account (portal seed_demo)


@dataclass
class Endpoint:
    label: str
    path: str
    auth: str  # "none", "session", "city-key", "district-key"


ENDPOINTS = [
    Endpoint("/healthz (ceiling)", "/healthz", "none"),
    Endpoint("home page", "/", "none"),
    Endpoint("API members, city key", "/api/v1/members/", "city-key"),
    Endpoint("API members, district key", "/api/v1/members/", "district-key"),
    Endpoint("API organizations", "/api/v1/organizations/", "city-key"),
    Endpoint("tree page", "/grids/tree/", "session"),
    Endpoint("member list", "/grids/members/", "session"),
    Endpoint(
        "member list, filtered",
        "/grids/members/?" + urllib.parse.urlencode({"q": "王", "region": "330203003"}),
        "session",
    ),
    Endpoint("brand wall", "/brands/", "none"),
    Endpoint("brand wall, one district", "/brands/?district=330281", "none"),
    Endpoint("API brands", "/api/v1/brands/", "city-key"),
    Endpoint("API activities, city key", "/api/v1/activities/", "city-key"),
    Endpoint("API activities, district key", "/api/v1/activities/", "district-key"),
    Endpoint("activity list", "/brands/activities/", "session"),
    Endpoint("base list", "/brands/bases/", "session"),
]


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
        "for label, region in (('city-key', '330200'), ('district-key', '330203')):\n"
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
    ceiling = results[0].rps
    print()
    print(f"{'endpoint':<28} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'vs ceiling':>10}  errors")
    for r in results:
        errors = ", ".join(f"{n}×{code}" for code, n in sorted(r.errors.items())) or "-"
        print(
            f"{r.endpoint.label:<28} {r.percentile(0.50):8.1f} {r.percentile(0.95):8.1f} "
            f"{r.rps:8.1f} {r.rps / ceiling:10.2f}  {errors}"
        )


# --- Main -----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["small", "city"], default="city")
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.getenv("BENCH_REDIS_URL", ""), help="cache (optional)")
    parser.add_argument("--requests", type=int, default=200, help="requests per endpoint")
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


def main() -> None:
    args = parse_args()
    static_root = tempfile.mkdtemp(prefix="siming-bench-static-")
    env = bench_env(args, static_root)
    try:
        prepare(env, args)
        keys = create_keys(env)
        port = args.port or free_port()
        server = start_server(env, port, args.workers)
        try:
            session = log_in(port, *LOGIN)
            auth = {
                "none": {},
                "session": {"Cookie": session},
                "city-key": {"Authorization": f"Api-Key {keys['city-key']}"},
                "district-key": {"Authorization": f"Api-Key {keys['district-key']}"},
            }
            endpoints = [e for e in ENDPOINTS if not args.only or args.only in e.label or e is ENDPOINTS[0]]
            print(
                f"{args.requests} requests per endpoint, concurrency {args.concurrency}, "
                f"gunicorn {args.workers} sync workers, {os.cpu_count()} CPUs (client on the same machine)"
            )
            results = []
            for endpoint in endpoints:
                results.append(measure(port, endpoint, auth[endpoint.auth], args.requests, args.concurrency))
                print(f"  measured {endpoint.label}", flush=True)
            print_table(results)
        finally:
            stop_server(server)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


if __name__ == "__main__":
    if not PYTHON.exists():
        sys.exit(f"No virtualenv at {PYTHON.parent.parent}: create it first (see README).")
    main()
