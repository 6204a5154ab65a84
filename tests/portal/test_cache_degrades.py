"""Redis down: the pages that read the cache compute without it instead of answering 500."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from portal.cache import ForgivingRedisCache

# Nothing listens on port 1: every cache call fails with a real connection error, as when Redis is down.
DOWN = {
    "default": {
        "BACKEND": "portal.cache.ForgivingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DOWN  # the settings fixture restores the real cache afterwards
    ForgivingRedisCache._last_logged = float("-inf")


def test_the_home_page_answers_when_redis_is_down(client, world, redis_down):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert '<span class="figure">6</span><span class="figure-label">党员</span>' in response.content.decode()


def test_the_tree_page_answers_when_redis_is_down(client, world, redis_down):
    client.force_login(world.city_staff)

    response = client.get(reverse("grids:tree"))

    assert response.status_code == 200
    assert response.context["node"].region == world.city


def test_a_cache_error_is_one_log_line_without_a_traceback(world, redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="portal.cache")

    assert cache.get("anything", "fallback") == "fallback"
    cache.set("anything", 1)

    records = [r for r in caplog.records if r.name == "portal.cache"]
    assert len(records) == 1  # at most one line a minute per process, however many calls fail
    assert records[0].exc_info is None
    assert "cache unavailable" in records[0].getMessage()


def test_reads_miss_and_writes_do_nothing_when_redis_is_down(redis_down):
    cache.set("k", 1)
    assert cache.get("k") is None
    assert cache.get_many(["k"]) == {}
    assert cache.add("k", 1) is False
    assert cache.get_or_set("k", 2) == 2
    with pytest.raises(ValueError):
        cache.incr("k")
