"""The orphan sweep deletes only media files that no row names and that are older than the grace
period; never a referenced file, a young one, a hidden one or anything outside MEDIA_ROOT."""

import datetime as dt
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from brands.models import BrandImage
from portal import media, tasks
from portal.settings import CELERY_BEAT_SCHEDULE
from tests.brands.factories import BrandFactory

TWO_DAYS = 2 * 24 * 3600


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def write(name: str, *, age_s: int = TWO_DAYS) -> str:
    name = default_storage.save(name, ContentFile(b"x"))
    then = time.time() - age_s
    os.utime(default_storage.path(name), (then, then))
    return name


@pytest.fixture
def files(world, tmp_path):
    brand = BrandFactory(organization=world.haishu_branch)
    image = BrandImage.objects.create(
        brand=brand,
        image=write("brandimage/2024/01/kept.jpg"),
        thumbnail=write("brandimage/2024/01/kept-t.jpg"),
    )
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"secret")
    os.utime(outside, (time.time() - TWO_DAYS,) * 2)
    os.symlink(outside, default_storage.path("brandimage/link.jpg"))
    os.symlink(tmp_path, default_storage.path("linked-folder"))
    return {
        "referenced": [image.image.name, image.thumbnail.name],
        "orphan": write("brandimage/2024/01/orphan.jpg"),
        "young": write("activityphoto/2025/01/in-flight.jpg", age_s=60),
        "hidden": write(".keep"),
        "outside": outside,
    }


def present(name: str) -> bool:
    return default_storage.exists(name)


def test_it_deletes_only_old_unreferenced_files(files):
    sweep = media.sweep_orphans(delete=True)
    assert sweep.orphans == sweep.deleted == [files["orphan"]]
    assert sweep.young == [files["young"]]
    assert not present(files["orphan"])
    assert all(present(name) for name in [*files["referenced"], files["young"], files["hidden"]])
    assert files["outside"].read_bytes() == b"secret"
    assert os.path.lexists(default_storage.path("brandimage/link.jpg"))


def test_running_it_twice_is_safe(files):
    media.sweep_orphans(delete=True)
    again = media.sweep_orphans(delete=True)
    assert again.orphans == again.deleted == []
    assert all(present(name) for name in files["referenced"])


def test_the_command_lists_without_deleting_unless_asked(files, capsys):
    call_command("cleanup_media")
    assert files["orphan"] in capsys.readouterr().out
    assert present(files["orphan"])
    call_command("cleanup_media", "--delete")
    assert not present(files["orphan"])
    assert all(present(name) for name in [*files["referenced"], files["young"]])


def test_the_command_keeps_at_least_an_hour_of_uploads(files):
    with pytest.raises(CommandError):
        call_command("cleanup_media", "--delete", "--grace-hours", "0")
    # A shorter grace than asked is never used: a minute-old upload stays whatever the setting.
    media.sweep_orphans(delete=True, grace=dt.timedelta(seconds=1))
    assert present(files["young"])


def test_the_weekly_task_runs_the_same_sweep_twice_safely(files):
    entry = next(e for e in CELERY_BEAT_SCHEDULE.values() if e["task"] == "portal.tasks.sweep_orphaned_media")
    assert entry["schedule"].day_of_week == {0}  # weekly (Sunday)
    assert tasks.sweep_orphaned_media() == 1
    assert tasks.sweep_orphaned_media() == 0


def test_it_works_through_the_storage_api_alone(world, monkeypatch):
    # Object storage (S3/MinIO via django-storages) has no local path: listdir, times and delete only.
    storage = InMemoryStorage()
    kept = storage.save("brandimage/kept.jpg", ContentFile(b"x"))
    orphan = storage.save("brandimage/orphan.jpg", ContentFile(b"x"))
    BrandImage.objects.create(
        brand=BrandFactory(organization=world.haishu_branch), image=kept, thumbnail=kept
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    monkeypatch.setattr(media.timezone, "now", lambda: later)
    assert media.sweep_orphans(delete=True, storage=storage).deleted == [orphan]
    assert storage.exists(kept) and not storage.exists(orphan)
