"""Test settings: the production settings module with test-only environment defaults."""

import os

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("ID_NUMBER_HMAC_KEY", "test-id-number-key-that-is-long-enough-0123456789")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from portal.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Tests never need a broker: tasks run in-process even when REDIS_URL is set (the cache still uses Redis).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
