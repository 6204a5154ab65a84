"""Two requests writing to the demo's SQLite database at once: the second waits, it does not fail.

Two secretaries (or one in two tabs) pressing 预约 together made the second request a 500 ("database
is locked"): a transaction that reads first and writes later cannot wait for the other writer
(SQLite refuses the lock upgrade at once, whatever the timeout). Starting every transaction as a
writer (BEGIN IMMEDIATE) makes it wait its turn instead.
"""

import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3", reason="SQLite's own locking"
)


def connect(path: Path, alias: str) -> DatabaseWrapper:
    # The portal's own connection settings, on a file of our own (the test database is in memory).
    db = DatabaseWrapper({**settings.DATABASES["default"], "NAME": str(path)}, alias)
    db.ensure_connection()
    return db


def test_two_read_then_write_transactions_take_turns(tmp_path, django_db_blocker):
    path = tmp_path / "db.sqlite3"
    first_has_written = threading.Event()
    outcomes: dict[str, str] = {}

    def book(alias: str, hold: float) -> None:
        db = connect(path, alias)  # a connection belongs to its thread
        try:
            db._start_transaction_under_autocommit()  # what atomic() does on SQLite
            cursor = db.connection.cursor()
            cursor.execute("SELECT booked FROM slot WHERE id = 1")  # read first, like slot_book
            if db.alias == "second":
                first_has_written.wait(timeout=5)
            cursor.execute("UPDATE slot SET booked = booked + 1 WHERE id = 1")
            if db.alias == "first":
                first_has_written.set()
                time.sleep(hold)  # still inside its transaction
            db.connection.commit()
            outcomes[db.alias] = "ok"
        except Exception as error:
            outcomes[db.alias] = f"{type(error).__name__}: {error}"
            first_has_written.set()
        finally:
            db.close()

    with django_db_blocker.unblock():
        setup = connect(path, "setup")
        setup.connection.executescript(
            "CREATE TABLE slot (id INTEGER PRIMARY KEY, booked INTEGER); INSERT INTO slot VALUES (1, 0);"
        )
        setup.close()
        threads = [
            threading.Thread(target=book, args=("first", 0.5)),
            threading.Thread(target=book, args=("second", 0)),
        ]
        threads[0].start()
        time.sleep(0.1)
        threads[1].start()
        for thread in threads:
            thread.join(timeout=30)
        check = connect(path, "check")
        booked = check.connection.execute("SELECT booked FROM slot").fetchone()[0]
        check.close()
    assert outcomes == {"first": "ok", "second": "ok"}
    assert booked == 2
