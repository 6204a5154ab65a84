"""One job at a time across workers: a PostgreSQL advisory lock (a thread lock on SQLite)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

_local_locks: dict[int, threading.Lock] = {}
_guard = threading.Lock()


@contextmanager
def exclusive(key: int, *, wait: bool) -> Iterator[bool]:
    """Hold the lock named ``key``; yields whether it was obtained (always True when ``wait``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_lock(%s)" if wait else "SELECT pg_try_advisory_lock(%s)", [key]
            )
            got = True if wait else bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        return
    with _guard:
        lock = _local_locks.setdefault(key, threading.Lock())
    got = lock.acquire(blocking=wait)
    try:
        yield got
    finally:
        if got:
            lock.release()
