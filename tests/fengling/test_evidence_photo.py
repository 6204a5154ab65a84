"""An evidence photo follows the brands' image rules: a real image is stored (re-encoded, with a
thumbnail); anything else is a form error and no event is recorded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from fengling.models import ScoreEvent
from tests.brands.factories import image_bytes


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post(client, world, behaviour, upload):
    client.force_login(world.haishu_secretary)
    data = {"behaviour": behaviour.pk, "occurred_on": timezone.localdate().isoformat(), "photo": upload}
    return client.post(reverse("fengling:record", args=[world.haishu_members[0].pk]), data)


def test_a_photo_is_stored_with_its_thumbnail(client, world, community_behaviour):
    upload = SimpleUploadedFile("IMG_0001.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    assert post(client, world, community_behaviour("S1"), upload).status_code == 302
    event = ScoreEvent.objects.get()
    assert event.photo.name.endswith(".jpg") and "IMG_0001" not in event.photo.name
    assert event.photo_thumbnail


def test_a_file_that_is_not_an_image_is_refused(client, world, community_behaviour):
    upload = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    response = post(client, world, community_behaviour("S1"), upload)
    assert response.status_code == 200 and "无法识别为图片" in response.content.decode()
    assert not ScoreEvent.objects.exists()
