"""Media storage: the file system by default, S3-compatible object storage (MinIO) when configured.

Settings are read once at start-up, so each case loads them in a fresh interpreter. Nothing here
touches the network: building the storage and signing a URL are local operations.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from brands.models import Brand
from tests.brands.factories import image_bytes, upload
from tests.brands.test_brand_pages import brand_form

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import django
django.setup()
from django.core.files.storage import storages
print(type(storages["default"]).__name__)
print(storages["default"].url("brandimage/2026/11/cover.jpg"))
"""
S3 = {
    "MEDIA_STORAGE": "s3",
    "AWS_S3_ENDPOINT_URL": "https://minio.example.internal:9000",
    "AWS_STORAGE_BUCKET_NAME": "siming-media",
    "AWS_ACCESS_KEY_ID": "siming",
    "AWS_SECRET_ACCESS_KEY": "not-a-real-secret-key",
}


def start(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MEDIA_", "DJANGO_"))}
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ID_NUMBER_HMAC_KEY": "y" * 50}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **production, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
    )


def test_media_stay_on_the_file_system_by_default():
    result = start()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["FileSystemStorage", "/media/brandimage/2026/11/cover.jpg"]


def test_s3_storage_is_chosen_and_links_with_signed_urls_on_the_endpoint():
    result = start(**S3)
    assert result.returncode == 0, result.stderr
    backend, url = result.stdout.split()
    assert backend == "S3Storage"
    # Path-style addressing (MinIO), private objects reached through an expiring signature.
    assert url.startswith("https://minio.example.internal:9000/siming-media/brandimage/2026/11/cover.jpg?")
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url


@pytest.mark.parametrize(
    "name", ["AWS_S3_ENDPOINT_URL", "AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
)
def test_s3_refuses_to_start_without_each_required_setting(name):
    result = start(**{**S3, name: ""})
    assert result.returncode != 0
    assert f"{name} must be set when MEDIA_STORAGE=s3" in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MEDIA_STORAGE", "minio", "MEDIA_STORAGE must be one of filesystem, s3, not 'minio'"),
        ("AWS_S3_ENDPOINT_URL", "minio:9000", "AWS_S3_ENDPOINT_URL must be an http:// or https:// URL"),
        ("AWS_S3_ADDRESSING_STYLE", "subdomain", "AWS_S3_ADDRESSING_STYLE must be one of path, virtual"),
        ("AWS_QUERYSTRING_EXPIRE", "1h", "AWS_QUERYSTRING_EXPIRE must be an integer"),
    ],
)
def test_s3_refuses_a_bad_value_loudly(name, value, message):
    result = start(**{**S3, name: value})
    assert result.returncode != 0
    assert message in result.stderr


# The code writes, reads and deletes media only through the storage API (never a local path), so any
# storage works: shown here with Django's in-memory storage standing in for S3.


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return default_storage


def test_uploaded_images_are_saved_served_and_deleted_through_the_storage(
    client, world, memory_storage, django_capture_on_commit_callbacks
):
    client.force_login(world.haishu_secretary)
    cover = upload(image_bytes("JPEG", (1600, 900)), "cover.jpg")
    response = client.post(
        reverse("brands:brand_create"), brand_form(organization=world.haishu_branch.pk, cover_upload=cover)
    )
    assert response.status_code == 302
    brand = Brand.objects.get()
    client.post(reverse("brands:gallery_add", args=[brand.pk]), {"images": [upload(image_bytes("JPEG"))]})
    image = brand.images.get()
    names = [brand.cover.name, brand.cover_thumbnail.name, image.image.name, image.thumbnail.name]
    assert type(brand.cover.storage._wrapped).__name__ == "InMemoryStorage"
    assert all(memory_storage.exists(name) for name in names)
    assert client.get(reverse("brands:brand_manage", args=[brand.pk])).status_code == 200  # links by .url

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("brands:gallery_remove", args=[brand.pk, image.pk]))
    assert not memory_storage.exists(image.image.name) and memory_storage.exists(brand.cover.name)
