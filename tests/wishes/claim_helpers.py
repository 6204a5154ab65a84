"""Shared steps of the claim tests: a published wish, an active volunteer, a photo, a full claim."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from brands.images import ProcessedImage, process_upload
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.factories import WishFactory
from wishes.models import Rating, Wish, WishClaim
from wishes.services.claims import wish_claim, wish_confirm, wish_fulfil


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(name: str = "done.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def photo() -> ProcessedImage:
    return process_upload(upload())


def published(world, **fields) -> Wish:
    fields.setdefault("community", world.haishu_community)
    return WishFactory(**fields)


def volunteer(world, **fields):
    fields.setdefault("community", world.haishu_community)
    return VolunteerFactory(**fields)


def claimed(world, wish: Wish | None = None, by=None) -> WishClaim:
    wish = wish or published(world)
    by = by or volunteer(world)
    return wish_claim(wish=wish, volunteer=by)


def fulfilled(world, hours: str = "2.5") -> WishClaim:
    claim = claimed(world)
    return wish_fulfil(
        claim=claim, actor=claim.claimed_by, note="送到了", hours=Decimal(hours), evidence=photo()
    )


def confirmed(world) -> WishClaim:
    claim = fulfilled(world)
    wish_confirm(
        wish=claim.wish, rating=Rating.SATISFIED, thanks="谢谢小张！", tracking_code=claim.wish.tracking_code
    )
    claim.refresh_from_db()
    return claim


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Evidence photos go to a temporary folder, never the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


class CollectingSms:
    """An SMS backend that keeps what it is given (settings.SMS_BACKEND in tests)."""

    sent: list = []

    def send_messages(self, messages) -> int:
        CollectingSms.sent.extend(messages)
        return len(messages)
