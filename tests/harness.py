"""Helpers that tests in every app share: API clients for a partner key or a user, a snapshot of the
domain's rows (a refused request changes nothing), and the thread harness that proves a race is handled.

Plain functions rather than fixtures: each takes what it needs (a region, scopes, attempts) where it is
called, so a test reads top to bottom.
"""

import threading
from collections import Counter
from collections.abc import Callable, Iterable

from django.apps import apps
from django.db import connection
from rest_framework.test import APIClient

from grids.models import Region
from portal.models import PartnerAPIKey, User


def key_client(region: Region, scopes: Iterable[str] = ("read",), *, partner: str = "合作单位") -> APIClient:
    """An API client holding a new partner key limited to ``region`` with ``scopes``."""
    _api_key, key = PartnerAPIKey.objects.create_key(
        name="test", partner=partner, region=region, scopes=list(scopes)
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def session_client(user: User) -> APIClient:
    """An API client logged in as ``user`` (session authentication, as the pages' scripts use)."""
    client = APIClient()
    client.force_login(user)
    return client


# The apps whose rows a refused request must leave as they were (their change histories included).
DOMAIN_APPS = ("grids", "brands", "portal")


def domain_rows() -> dict[str, list[dict]]:
    """Every row of the domain's tables, to compare before and after a request that must change nothing."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
    }


def run_together(attempts: list[Callable[[], str]]) -> Counter:
    """Run every attempt in its own thread, released at once by a barrier; count their outcomes.

    Each thread has its own database connection (closed when it ends), so on PostgreSQL the attempts
    really meet at the row locks: mark such tests ``@pytest.mark.postgres`` and
    ``@pytest.mark.django_db(transaction=True)`` (the threads must see committed rows).
    """
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(attempt: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            outcome = attempt()
        except Exception as error:  # an unexpected error is an outcome the test will show
            outcome = f"{type(error).__name__}: {error}"
        finally:
            connection.close()  # this thread's own connection
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return Counter(outcomes)
