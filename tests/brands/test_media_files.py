"""A brand's and a record's files follow their rows: replaced or deleted files go after commit,
files written by a transaction that rolls back do not stay."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from brands.images import process_upload
from brands.models import ActivityPhoto, Brand, BrandImage
from brands.services.brands import brand_create, brand_image_add, brand_update
from tests.brands.activity_factories import jpeg
from tests.brands.factories import BrandFactory, image_bytes, upload
from tests.brands.test_activity_rules import record


def stored_files() -> set[str]:
    def walk(directory: str):
        directories, files = default_storage.listdir(directory)
        for name in files:
            yield f"{directory}/{name}" if directory else name
        for name in directories:
            yield from walk(f"{directory}/{name}" if directory else name)

    return set(walk("")) if default_storage.exists("") else set()


def cover():
    return process_upload(upload(image_bytes("JPEG", (1200, 800))))


def files_of(brand: Brand) -> list[str]:
    return [brand.cover.name, brand.cover_thumbnail.name]


def test_replacing_a_cover_deletes_the_old_files_after_commit(world, django_capture_on_commit_callbacks):
    brand = brand_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, name="红色楼道长",
        category="serve_people", level="community", year_launched=2019, cover=cover(),
    )  # fmt: skip
    old = files_of(brand)
    with django_capture_on_commit_callbacks() as callbacks:
        brand = brand_update(actor=world.haishu_secretary, brand=brand, cover=cover())
    assert all(default_storage.exists(name) for name in old)  # not before the commit
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(name) for name in old)
    assert all(default_storage.exists(name) for name in files_of(brand))
    assert stored_files() == set(files_of(brand))


def test_removing_a_cover_deletes_its_files(world, django_capture_on_commit_callbacks):
    brand = BrandFactory(organization=world.haishu_branch)
    with django_capture_on_commit_callbacks(execute=True):
        brand = brand_update(actor=world.haishu_secretary, brand=brand, cover=cover())
        old = files_of(brand)
        brand = brand_update(actor=world.haishu_secretary, brand=brand, remove_cover=True)
    assert not brand.cover and stored_files() == set()
    assert not any(default_storage.exists(name) for name in old)


def test_a_refused_edit_writes_no_cover_and_keeps_the_old_one(world, django_capture_on_commit_callbacks):
    brand = BrandFactory(organization=world.haishu_branch)
    with django_capture_on_commit_callbacks(execute=True):
        brand = brand_update(actor=world.haishu_secretary, brand=brand, cover=cover())
    before = stored_files()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        brand_update(
            actor=world.haishu_secretary, brand=brand, cover=cover(), tags=[f"t{i}" for i in range(9)]
        )
    assert stored_files() == before


def test_gallery_files_of_a_rolled_back_upload_are_deleted(world, monkeypatch):
    brand = BrandFactory(organization=world.haishu_branch)
    saves = []
    original = BrandImage.save

    def fail_on_second(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("database gone")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BrandImage, "save", fail_on_second)
    images = [process_upload(upload(image_bytes("JPEG"))) for _ in range(2)]
    with pytest.raises(RuntimeError):
        brand_image_add(actor=world.haishu_secretary, brand=brand, images=images)
    assert not BrandImage.objects.exists()
    assert stored_files() == set()  # the first image's two files were written, then removed


def test_photos_of_a_rolled_back_record_are_deleted(world, monkeypatch):
    original = ActivityPhoto.save

    def fail_on_second(self, *args, **kwargs):
        if ActivityPhoto.objects.exists():
            raise RuntimeError("database gone")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ActivityPhoto, "save", fail_on_second)
    with pytest.raises(RuntimeError):
        record(world, photos=[process_upload(jpeg()) for _ in range(2)])
    assert stored_files() == set()


def test_deleting_a_brand_deletes_its_gallery_and_cover_after_commit(
    world, django_capture_on_commit_callbacks
):
    # As the admin does it: a cascade, no service involved.
    brand = BrandFactory(organization=world.haishu_branch)
    with django_capture_on_commit_callbacks(execute=True):
        brand = brand_update(actor=world.haishu_secretary, brand=brand, cover=cover())
    brand_image_add(
        actor=world.haishu_secretary, brand=brand, images=[process_upload(upload(image_bytes("JPEG")))]
    )
    assert len(stored_files()) == 4
    with django_capture_on_commit_callbacks() as callbacks:
        Brand.objects.filter(pk=brand.pk).delete()
    assert len(stored_files()) == 4  # not before the commit
    for callback in callbacks:
        callback()
    assert stored_files() == set()


def test_removing_photos_from_a_record_deletes_their_files(world, django_capture_on_commit_callbacks):
    from brands.services.activities import activity_update

    activity = record(world, photos=[process_upload(jpeg()) for _ in range(2)])
    first, second = activity.photos.all()
    with django_capture_on_commit_callbacks(execute=True):
        activity_update(actor=world.haishu_secretary, record=activity, remove_photos=[first.pk])
    assert stored_files() == {second.image.name, second.thumbnail.name}
