import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ID_NUMBER_HMAC_KEY", "DJANGO_SETTINGS_MODULE"}
    }
    return subprocess.run(
        [sys.executable, "-c", "import portal.settings as s; print(s.DEBUG, s.CELERY_TASK_ALWAYS_EAGER)"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_the_served_portal_refuses_to_start_without_a_secret_key():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-siming-development-only"])
def test_it_refuses_a_weak_or_development_key(key):
    assert "SECRET_KEY must be set" in load_settings(SECRET_KEY=key).stderr


def test_a_real_key_starts_it_with_debug_off():
    result = load_settings(SECRET_KEY="x" * 50, ID_NUMBER_HMAC_KEY="y" * 50, REDIS_URL="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]  # no broker: tasks run eagerly


def test_a_bad_boolean_fails_loudly():
    result = load_settings(DEBUG="maybe")
    assert "DEBUG must be a boolean" in result.stderr


def test_the_served_portal_refuses_to_start_without_its_own_id_number_key():
    # Before, the hash key fell back to the SECRET_KEY: rotating that broke duplicate detection.
    result = load_settings(SECRET_KEY="x" * 50, REDIS_URL="")
    assert result.returncode != 0
    assert "ID_NUMBER_HMAC_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["short", "x" * 50])  # too short; the SECRET_KEY itself
def test_it_refuses_a_weak_id_number_key_or_the_secret_key(key):
    result = load_settings(SECRET_KEY="x" * 50, ID_NUMBER_HMAC_KEY=key, REDIS_URL="")
    assert "ID_NUMBER_HMAC_KEY must be set" in result.stderr


def test_debug_starts_without_either_key_for_the_demo():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
