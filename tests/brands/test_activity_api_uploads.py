"""Photos through the API: an activity record created by a partner key may carry photos (multipart),
under the form's image rules; a hostile file is a 400 that saves nothing, and a retry with the same
Idempotency-Key makes the record (and its photos) once.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from brands.models import ActivityKind, ActivityPhoto, ActivityRecord
from tests.brands.activity_factories import jpeg
from tests.brands.test_images import png_of_size
from tests.harness import domain_rows, key_client

URL = "/api/v1/activities/"


def form(world, **overrides) -> dict:
    end = timezone.now() - dt.timedelta(hours=1)
    data = {
        "organization": world.haishu_branch.pk,
        "kind": ActivityKind.THEME_DAY,
        "topic": "走进红色教育基地",
        "place": "宁波市革命烈士陵园",
        "started_at": (end - dt.timedelta(hours=2)).isoformat(),
        "ended_at": end.isoformat(),
        "attendees": [m.pk for m in world.haishu_members[:2]],
    }
    data.update(overrides)
    return data


def writer(world):
    return key_client(world.haishu, ["read", "activities:write"])


def test_a_record_is_created_with_its_photos(world):
    response = writer(world).post(URL, form(world, photos=[jpeg("a.jpg"), jpeg("b.jpg")]), format="multipart")

    assert response.status_code == 201, response.json()
    record = ActivityRecord.objects.get()
    assert record.photos.count() == 2
    assert len(response.json()["photos"]) == 2
    assert sorted(m.pk for m in record.attendees.all()) == sorted(m.pk for m in world.haishu_members[:2])


HOSTILE = {
    "text renamed .jpg": SimpleUploadedFile("photo.jpg", b"not an image at all\n" * 50, "image/jpeg"),
    "truncated jpeg": SimpleUploadedFile("cut.jpg", jpeg().read()[:400], "image/jpeg"),
    "decompression bomb": SimpleUploadedFile("bomb.png", png_of_size(20_000, 20_000), "image/png"),
    "svg with a script": SimpleUploadedFile(
        "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"
    ),
    "empty": SimpleUploadedFile("empty.jpg", b"", "image/jpeg"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_file_is_a_400_and_saves_nothing(world, settings, name):
    hostile = HOSTILE[name]
    hostile.seek(0)
    client = writer(world)
    before = domain_rows()

    response = client.post(URL, form(world, photos=[jpeg("fine.jpg"), hostile]), format="multipart")

    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert "photos" in str(response.json()["error"]["fields"])
    assert domain_rows() == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def test_a_file_over_10_mb_is_refused(world, monkeypatch):
    from brands import images

    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)  # the rule, without sending 10 MB

    response = writer(world).post(URL, form(world, photos=[jpeg(size=(1200, 900))]), format="multipart")

    assert response.status_code == 400
    assert "10 MB" in str(response.json()["error"]["fields"])
    assert not ActivityRecord.objects.exists()


def test_more_than_nine_photos_are_refused(world):
    response = writer(world).post(
        URL, form(world, photos=[jpeg(f"{n}.jpg") for n in range(10)]), format="multipart"
    )

    assert response.status_code == 400
    assert not ActivityPhoto.objects.exists()


def test_a_retried_upload_with_the_same_idempotency_key_makes_one_record(world):
    client = writer(world)
    photo, fields = jpeg().read(), form(world)

    def send():
        data = {**fields, "photos": [SimpleUploadedFile("p.jpg", photo, "image/jpeg")]}
        return client.post(URL, data, format="multipart", HTTP_IDEMPOTENCY_KEY="upload-1")

    first, retry = send(), send()

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true" and retry.json()["id"] == first.json()["id"]
    assert ActivityRecord.objects.count() == 1 and ActivityPhoto.objects.count() == 1


def test_photos_sent_as_json_are_a_400(world):
    response = writer(world).post(URL, form(world, photos=["aGVsbG8="]), format="json")

    assert response.status_code == 400
    assert not ActivityRecord.objects.exists()
