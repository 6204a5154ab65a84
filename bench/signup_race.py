#!/usr/bin/env python
"""200 volunteers sign up for one 20-place event at the same moment, through the page's form.

Open-source volunteer tools overfill a 5-place shift to 7–13 sign-ups when 100 people join at
once; this run proves ours does not, on PostgreSQL behind gunicorn (2+ sync workers):

1. creates the database if missing and migrates (``bench.run``'s steps), then in one Django shell
   removes the previous run's bench event, makes sure ``--clients`` active volunteers exist in
   海曙区 (accounts without passwords, so setting up costs no password hashing), creates a new
   event with ``--places`` places and logs every volunteer in (a session row each);
2. starts gunicorn; each client opens the event's page with its session, as a browser would, and
   takes the CSRF cookie and the form's token from it;
3. the race: every client POSTs the sign-up form (``/volunteers/events/<id>/signup/``, the
   browser's endpoint) in its own thread, all released by one barrier; a redirect (302) is an
   answer, anything else an error;
4. the ceiling, in the same run: the same clients, released the same way, POST the most trivial
   form with the same session and CSRF handling (``/messages/read-all/``);
5. reads the outcome from the database: places taken, waitlist, over capacity (sign-ups holding a
   place beyond ``--places``, or a ``signed`` counter that disagrees), double sign-ups (a
   volunteer with two live sign-ups for the event).

Prints a table and ends with one JSON line. Must hold: signed == places, over_capacity == 0,
double_signups == 0, errors == 0 (the exit status is 1 otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import (  # noqa: E402 (the project root is put on the path first)
    HOST,
    PYTHON,
    bench_env,
    cookies_from,
    ensure_database,
    free_port,
    manage,
    request,
    shell,
    start_server,
    stop_server,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/siming_vevents_bench"
EVENT_TITLE = "bench-signup-race"

# Run in ``manage.py shell``: the volunteers, a fresh event and one session per volunteer.
SETUP = """
import datetime as dt, json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from grids.models import Region, RegionLevel, district_code_of
from portal.models import Role, RoleAssignment, User
from volunteers.models import Event, Signup, Volunteer, VolunteerStatus

CLIENTS, PLACES, TITLE = {clients}, {places}, {title!r}
Signup.objects.filter(event__title=TITLE).delete()
Event.objects.filter(title=TITLE).delete()

def node(code, name, level, parent):
    found = Region.objects.filter(code=code).first()
    return found or Region.objects.create(code=code, name=name, level=level, parent=parent)

city = node("330200", "宁波市", RegionLevel.CITY, None)
district = node("330203", "海曙区", RegionLevel.DISTRICT, city)
street = node("330203001", "西门街道", RegionLevel.STREET, district)
community = node("330203001001", "朝阳社区", RegionLevel.COMMUNITY, street)
organizer, _ = User.objects.get_or_create(username="bench-organizer")
users = []
for i in range(CLIENTS):
    user, created = User.objects.get_or_create(username=f"bench-volunteer-{{i}}")
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not Volunteer.objects.filter(user=user).exists():
        Volunteer.objects.create(
            user=user, name=f"压测志愿者{{i}}", mobile=f"139{{i:08d}}", id_number_hash=f"bench{{i:059d}}",
            id_number_masked="330203********0000", birth_date=dt.date(1985, 3, 9), community=community,
            district_code=district_code_of(community.path), consented_at=timezone.now(),
            status=VolunteerStatus.ACTIVE,
        )
    # Registration gives every volunteer this role; the volunteer pages look for a profile only then.
    RoleAssignment.objects.get_or_create(user=user, role=Role.VOLUNTEER, region=community, organization=None)
    users.append(user)
start = timezone.now() + dt.timedelta(days=2)
event = Event.objects.create(
    title=TITLE, place="朝阳社区党群服务中心", region=community, starts_at=start,
    ends_at=start + dt.timedelta(hours=2), signup_deadline=start - dt.timedelta(hours=12),
    capacity=PLACES, created_by=organizer,
)
backend = settings.AUTHENTICATION_BACKENDS[-1]
sessions = []
for user in users:
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    sessions.append(session.session_key)
print(json.dumps({{"event": event.pk, "sessions": sessions}}))
"""

OUTCOME = """
import json
from django.db.models import Count
from volunteers.models import Event, Signup
event = Event.objects.get(pk={event})
signups = Signup.objects.filter(event=event)
by_status = dict(signups.values_list("status").annotate(n=Count("id")).order_by())
live = signups.filter(status__in=["pending", "signed", "waitlisted"])
doubles = live.values("volunteer_id").annotate(n=Count("id")).filter(n__gt=1).count()
print(json.dumps({{"counter": event.signed, "capacity": event.capacity, "by_status": by_status,
                  "double_signups": doubles}}))
"""


@dataclass
class Client:
    cookie: str
    token: str


@dataclass
class Round:
    label: str
    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0

    @property
    def errors(self) -> int:
        return len(self.failures) + sum(1 for s in self.statuses if s != 302)

    @property
    def per_s(self) -> float:
        return len(self.statuses) / self.wall if self.wall else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] * 1000 if ordered else 0.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--database-url", default=os.getenv("DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--redis-url", default=os.getenv("BENCH_REDIS_URL", ""), help="cache (optional)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2 or more)")
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    if args.workers < 2 or args.clients < 1 or args.places < 1:
        parser.error("--workers must be at least 2, --clients and --places at least 1")
    return args


def set_up(env: dict[str, str], args: argparse.Namespace) -> tuple[int, list[str]]:
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The race runs on PostgreSQL (row locks): give --database-url postgres://…")
    ensure_database(args.database_url)
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    code = SETUP.format(clients=args.clients, places=args.places, title=EVENT_TITLE)
    made = json.loads(shell(env, code).splitlines()[-1])
    return made["event"], made["sessions"]


def open_page(port: int, event: int, session: str) -> Client:
    """The event's page with the session, as the browser opens it: the CSRF cookie and token."""
    cookie = f"sessionid={session}"
    status, headers, body = request(port, "GET", f"/volunteers/events/{event}/", {"Cookie": cookie})
    csrf = cookies_from(headers).get("csrftoken")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or not csrf or not token:
        raise SystemExit(f"event page: HTTP {status}, no sign-up form (is the volunteer logged in?)")
    return Client(cookie=f"{cookie}; csrftoken={csrf}", token=token.group(1).decode())


def post_form(port: int, path: str, client: Client) -> int:
    headers = {
        "Cookie": client.cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": f"http://{HOST}:{port}{path}",
    }
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": client.token})
    return request(port, "POST", path, headers, body)[0]


def race(label: str, clients: list[Client], send: Callable[[Client], int]) -> Round:
    """Every client in its own thread, released by one barrier; wall time from release to last answer."""
    result = Round(label)
    barrier = threading.Barrier(len(clients) + 1)
    lock = threading.Lock()

    def one(client: Client) -> None:
        barrier.wait()
        began = time.perf_counter()
        try:
            status = send(client)
        except OSError as error:  # refused or reset: an error the JSON line counts
            with lock:
                result.failures.append(f"{type(error).__name__}: {error}")
            return
        with lock:
            result.latencies.append(time.perf_counter() - began)
            result.statuses.append(status)

    threads = [threading.Thread(target=one, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - began
    return result


def print_table(rounds: list[Round]) -> None:
    print(f"{'round':<34} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}")
    for r in rounds:
        print(
            f"{r.label:<34} {len(r.statuses):>8} {r.errors:>6} {r.percentile(0.5):>8.1f} "
            f"{r.percentile(0.99):>8.1f} {r.per_s:>8.1f}"
        )


def main() -> None:
    args = parse_args()
    static_root = tempfile.mkdtemp(prefix="siming-bench-static-")
    env = bench_env(args, static_root)
    try:
        event, sessions = set_up(env, args)
        port = args.port or free_port()
        server = start_server(env, port, args.workers)
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                clients = list(pool.map(lambda s: open_page(port, event, s), sessions))
            signup_path = f"/volunteers/events/{event}/signup/"
            signups = race(
                "sign-up (POST the event's form)", clients, lambda c: post_form(port, signup_path, c)
            )
            ceiling = race(
                "ceiling (POST /messages/read-all/)",
                clients,
                lambda c: post_form(port, "/messages/read-all/", c),
            )
        finally:
            stop_server(server)
        outcome = json.loads(shell(env, OUTCOME.format(event=event)).splitlines()[-1])
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    print(
        f"{args.clients} clients released at once, {args.places} places, gunicorn {args.workers} sync "
        f"workers, {os.cpu_count()} CPUs (client on the same machine)"
    )
    print_table([signups, ceiling])
    by_status = outcome["by_status"]
    holding = by_status.get("signed", 0) + by_status.get("pending", 0)
    print(f"outcome: {by_status}, event.signed = {outcome['counter']}")
    summary = {
        "clients": args.clients,
        "places": args.places,
        "signed": holding,
        "waitlisted": by_status.get("waitlisted", 0),
        "over_capacity": max(holding - args.places, 0) + abs(outcome["counter"] - holding),
        "double_signups": outcome["double_signups"],
        "errors": signups.errors + ceiling.errors,
        "signups_per_s": round(signups.per_s, 1),
        "p50_ms": round(signups.percentile(0.5), 1),
        "p99_ms": round(signups.percentile(0.99), 1),
        "ceiling_per_s": round(ceiling.per_s, 1),
        "ratio": round(signups.per_s / ceiling.per_s, 2) if ceiling.per_s else None,
    }
    if signups.failures or ceiling.failures:
        print("failures:", statistics.multimode(signups.failures + ceiling.failures)[:3])
    print(json.dumps(summary))
    expected = min(args.places, args.clients)
    held = summary["signed"] == expected and not (
        summary["over_capacity"] or summary["double_signups"] or summary["errors"]
    )
    sys.exit(0 if held else 1)


if __name__ == "__main__":
    if not PYTHON.exists():
        sys.exit(f"No virtualenv at {PYTHON.parent.parent}: create it first (see README).")
    main()
