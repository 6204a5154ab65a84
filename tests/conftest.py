import pytest
from django.core.cache import cache

from tests.factories import World


@pytest.fixture(autouse=True)
def _clean_cache():
    # The cache may be a shared Redis: throttles and cached figures must not leak between tests.
    cache.clear()
    yield


@pytest.fixture
def world(db) -> World:
    return World()
