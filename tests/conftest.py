import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from tests.factories import World


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Races need real row locks and concurrent connections: SQLite serializes writers, so a test
    # marked `postgres` would prove nothing there. The CI runs the suite on PostgreSQL as well.
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def _clean_cache():
    # The cache may be a shared Redis: throttles and cached figures must not leak between tests.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    # A request with Accept-Language: en leaves English active in the thread (LocaleMiddleware
    # activates and never restores): a later test calling a service directly read English messages.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture
def view_only_role(monkeypatch) -> str:
    """A role that may look but not change: no real role is view-only today (partners act through
    keys only), yet pages must still hide what a viewer cannot do."""
    from portal.models import Role
    from portal.scoping import ROLE_ACTIONS, Action

    monkeypatch.setitem(ROLE_ACTIONS, Role.PARTNER, frozenset({Action.VIEW}))
    return Role.PARTNER
