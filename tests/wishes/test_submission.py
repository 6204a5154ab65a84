"""wish_submit: a resident's wish is stored with its code and timeline, or refused with a clear
message and nothing stored."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from portal.models import WebhookDelivery, WebhookEndpoint
from tests.harness import run_together
from tests.wishes.factories import WishFactory
from wishes.models import TRACKING_ALPHABET, Wish, WishEvent, WishStatus
from wishes.services.limits import SubmitRateExceeded, WishLimitExceeded
from wishes.services.submission import wish_submit


def submit(world, **overrides) -> Wish:
    fields = {
        "name": "王小梅",
        "mobile": "13812345678",
        "community": world.haishu_community,
        "category": "elderly_disabled",
        "title": "想要一把轮椅",
        "description": "老伴腿脚不便，想要一把轮椅方便出门晒太阳。",
        "value_yuan": Decimal("300"),
        "consent": True,
        **overrides,
    }
    return wish_submit(**fields)


def jpeg(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_it_stores_a_submitted_wish_with_a_code_and_a_timeline(world):
    wish = submit(world, mobile="138 1234 5678", name=" 王小梅 ")
    assert wish.status == WishStatus.SUBMITTED
    assert wish.resident_mobile == "13812345678" and wish.resident_name == "王小梅"
    assert wish.district_code == world.haishu.code
    assert len(wish.tracking_code) == 10 and set(wish.tracking_code) <= set(TRACKING_ALPHABET)
    event = WishEvent.objects.get(wish=wish)
    assert event.kind == "submitted" and event.actor is None
    assert (event.actor_kind, event.actor_label, event.actor_display) == ("resident", "王*梅", "居民 王*梅")


def test_it_refuses_the_fourth_open_wish_of_a_mobile(world):
    for _ in range(3):
        submit(world)
    with pytest.raises(WishLimitExceeded) as refused:
        submit(world)
    assert "最多同时有 3 个" in refused.value.message and refused.value.status_code == 429
    assert Wish.objects.count() == 3


def test_a_rejected_or_confirmed_wish_frees_a_place(world):
    WishFactory(community=world.haishu_community, resident_mobile="13812345678", status=WishStatus.REJECTED)
    WishFactory(community=world.haishu_community, resident_mobile="13812345678", status=WishStatus.CONFIRMED)
    WishFactory.create_batch(2, community=world.haishu_community, resident_mobile="13812345678")
    submit(world)
    with pytest.raises(WishLimitExceeded):
        submit(world)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"value_yuan": Decimal("500.01")}, "value"),
        ({"value_yuan": Decimal("-1")}, "value"),
        ({"value_yuan": Decimal("NaN")}, "value"),
        ({"mobile": "12345678901"}, "mobile"),
        ({"mobile": "1381234567"}, "mobile"),
        ({"name": "=HYPERLINK(1)"}, "name"),
        ({"title": ""}, "title"),
        ({"title": "轮" * 61}, "title"),
        ({"description": "坏\x00字"}, "description"),
        ({"category": "weapons"}, "category"),
        ({"consent": False}, "consent"),
    ],
)
def test_it_refuses_bad_input_on_its_field_and_stores_nothing(world, overrides, field):
    with pytest.raises(ValidationError) as refused:
        submit(world, **overrides)
    assert field in refused.value.message_dict
    assert not Wish.objects.exists() and not WishEvent.objects.exists()


def test_it_refuses_a_street_as_community(world):
    with pytest.raises(ValidationError) as refused:
        submit(world, community=world.haishu_street)
    assert "community" in refused.value.message_dict


@override_settings(WISH_VALUE_CAP=800)
def test_the_cap_is_a_setting(world):
    assert submit(world, value_yuan=Decimal("800")).value == Decimal("800")


def test_it_stores_a_photo_cleaned_of_metadata(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    wish = submit(world, photo=jpeg())
    assert wish.photo.name.endswith(".jpg")
    with wish.photo.open() as f:
        assert Image.open(f).format == "JPEG"


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg"),
        SimpleUploadedFile("photo.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg+xml"),
        SimpleUploadedFile("empty.jpg", b"", content_type="image/jpeg"),
    ],
)
def test_it_refuses_a_hostile_photo(world, upload):
    with pytest.raises(ValidationError) as refused:
        submit(world, photo=upload)
    assert "photo" in refused.value.message_dict
    assert not Wish.objects.exists()


@override_settings(WISH_SUBMIT_RATE="2/hour")
def test_it_limits_submissions_per_ip(world):
    submit(world, ip="203.0.113.9", mobile="13800000001")
    submit(world, ip="203.0.113.9", mobile="13800000002")
    with pytest.raises(SubmitRateExceeded) as refused:
        submit(world, ip="203.0.113.9", mobile="13800000003")
    assert refused.value.status_code == 429 and refused.value.retry_after > 0
    assert "过于频繁" in refused.value.message
    submit(world, ip="203.0.113.10", mobile="13800000003")  # another network is not held back
    assert Wish.objects.count() == 3


def test_it_tells_partners_with_masked_data_only(world):
    endpoint = WebhookEndpoint.objects.create(
        name="市民热线",
        partner="12345",
        url="https://hooks.example.com/",
        events=["wish.submitted"],
        region=world.city,
        secret="whsec_" + "A" * 44,
        owner=world.city_staff,
    )
    wish = submit(world, channel="api", partner="宁波12345")
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    data = delivery.payload["data"]
    assert (
        data["id"] == wish.pk
        and data["resident_name"] == "王*梅"
        and data["resident_mobile"] == "138****5678"
    )
    text = str(delivery.payload)
    assert "王小梅" not in text and "13812345678" not in text and wish.tracking_code not in text
    event = WishEvent.objects.get(wish=wish)
    assert (event.actor_kind, event.actor_via, event.actor_label) == ("partner", "宁波12345", "王*梅")
    assert event.actor_display == "宁波12345（代居民 王*梅 提交）"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_submissions_of_one_mobile_store_exactly_three():
    from tests.factories import World

    world = World()

    def attempt() -> str:
        try:
            submit(world)
        except WishLimitExceeded:
            return "refused"
        return "stored"

    outcomes = run_together([attempt] * 10)
    assert outcomes == {"stored": 3, "refused": 7}
    assert Wish.objects.filter(resident_mobile="13812345678").count() == 3
