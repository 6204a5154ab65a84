"""Uploaded images: only real JPEG/PNG/WebP within the limits get in, and never with their EXIF."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from brands.images import (
    DISPLAY_SIZE,
    MAX_UPLOAD_BYTES,
    THUMBNAIL_SIZE,
    MultipleImageUploadField,
    process_upload,
)
from brands.models import BrandImage
from tests.brands.factories import BrandFactory, image_bytes, upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png_of_size(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of any size, compressed to almost nothing (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + 1 bit per pixel
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row * 1000) for _ in range(height // 1000))
    body += compressor.compress(row * (height % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def jpeg_with_gps(size: tuple[int, int] = (800, 600)) -> bytes:
    """A phone photo: taken at 宁波 天一广场 and held sideways (orientation 6: rotate 90°)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "Phone maker"
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (29.0, 52.0, 12.5), 3: "E", 4: (121.0, 33.0, 4.2)})
    return image_bytes("JPEG", size, exif=exif)


def refusal(content: bytes, name: str = "photo.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        process_upload(upload(content, name))
    return caught.value


def test_it_refuses_a_text_file_renamed_jpg():
    error = refusal(b"This is not a photo, just text pretending.\n" * 20, "photo.jpg")
    assert error.code == "not_image"
    assert "仅支持 JPEG、PNG、WebP" in error.messages[0]


def test_it_refuses_a_truncated_jpeg():
    whole = image_bytes("JPEG", (1200, 900), quality=95)
    error = refusal(whole[: len(whole) // 2])
    assert error.code == "broken"
    assert "已损坏或不完整" in error.messages[0]


def test_it_refuses_a_20000_by_20000_png_before_decoding_it():
    bomb = png_of_size(20_000, 20_000)
    assert len(bomb) < MAX_UPLOAD_BYTES  # small on disk: only the pixel count gives it away
    error = refusal(bomb, "map.png")
    assert error.code == "too_many_pixels"
    assert "4000 万像素" in error.messages[0]


def test_it_refuses_an_image_just_over_40_megapixels():
    # Between Pillow's warning and its error threshold: our own limit must catch it.
    error = refusal(png_of_size(8_000, 5_001), "wide.png")
    assert error.code == "too_many_pixels"


def test_it_refuses_a_gif():
    error = refusal(image_bytes("GIF", (40, 40)), "smile.gif")
    assert error.code == "not_image"
    assert "仅支持 JPEG、PNG、WebP" in error.messages[0]


def test_it_refuses_a_file_over_10_mb_without_reading_it():
    big = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"\0" * MAX_UPLOAD_BYTES, content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        process_upload(big)
    assert caught.value.code == "too_large"
    assert "10 MB" in caught.value.messages[0]


def test_it_refuses_an_empty_file():
    assert refusal(b"").code == "empty"


def test_it_strips_exif_and_gps_and_applies_the_orientation():
    display, thumbnail = process_upload(upload(jpeg_with_gps((800, 600))))
    for stored in (display, thumbnail):
        image = Image.open(io.BytesIO(stored.read()))
        assert image.format == "JPEG"
        assert not image.getexif()
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info
    # Held sideways: the 800×600 sensor image is shown upright as 600×800.
    assert Image.open(io.BytesIO(display.open().read())).size == (600, 800)


def test_it_stores_a_display_size_and_a_thumbnail():
    display, thumbnail = process_upload(upload(image_bytes("JPEG", (4000, 3000))))
    assert Image.open(display).size == (DISPLAY_SIZE, 1200)
    assert Image.open(thumbnail).size == (THUMBNAIL_SIZE, 360)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_it_accepts_png_and_webp_and_flattens_transparency_onto_white(fmt):
    source = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(source, fmt)
    display, _ = process_upload(upload(source.getvalue(), f"logo.{fmt.lower()}"))
    image = Image.open(display)
    assert image.mode == "RGB"
    assert image.getpixel((10, 10)) == (255, 255, 255)


def test_the_multiple_field_names_the_refused_file():
    field = MultipleImageUploadField(max_files=9)
    good = upload(image_bytes("JPEG"), "good.jpg")
    bad = upload(b"not an image", "会议记录.jpg")
    with pytest.raises(ValidationError) as caught:
        field.clean([good, bad])
    assert caught.value.messages[0].startswith("“会议记录.jpg”：")


def test_the_multiple_field_refuses_more_files_than_allowed():
    field = MultipleImageUploadField(max_files=2)
    files = [upload(image_bytes("JPEG"), f"{i}.jpg") for i in range(3)]
    with pytest.raises(ValidationError) as caught:
        field.clean(files)
    assert caught.value.code == "too_many"


def test_a_gallery_upload_is_stored_without_gps_under_a_generated_name(client, world):
    brand = BrandFactory(organization=world.haishu_branch)
    client.force_login(world.haishu_secretary)
    photo = upload(jpeg_with_gps(), "IMG_2041 我家门口.jpg")
    response = client.post(reverse("brands:gallery_add", args=[brand.pk]), {"images": [photo]})
    assert response.status_code == 302
    stored = BrandImage.objects.get(brand=brand)
    assert "IMG_2041" not in stored.image.name and "我家门口" not in stored.image.name
    for field in (stored.image, stored.thumbnail):
        with field.open("rb") as f:
            image = Image.open(f)
            image.load()
        assert not image.getexif().get_ifd(GPS_IFD)
        assert not image.getexif()


def test_a_refused_gallery_upload_changes_nothing(client, world):
    brand = BrandFactory(organization=world.haishu_branch)
    client.force_login(world.haishu_secretary)
    fake = upload(b"GIF89a pretending", "photo.jpg")
    response = client.post(reverse("brands:gallery_add", args=[brand.pk]), {"images": [fake]}, follow=True)
    assert not BrandImage.objects.filter(brand=brand).exists()
    assert "仅支持 JPEG、PNG、WebP" in response.content.decode()
