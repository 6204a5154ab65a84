"""Uploaded images: validated, cleaned and resized before anything is stored.

The one entry point is ``process_upload(upload) -> ProcessedImage(display, thumbnail)``. It accepts
only what Pillow can open and fully decode as JPEG, PNG or WebP, refuses files over 10 MB (checked
before any decoding) and images over 40 megapixels (decompression bombs), applies the EXIF
orientation and then re-encodes from pixel data alone, so EXIF (camera, GPS position) never reaches
storage. Every refusal is a ``ValidationError`` with a message fit to show the uploader.

Forms use ``ImageUploadField`` (one image) or ``MultipleImageUploadField`` (a gallery, activity
photos); their cleaned value is a ``ProcessedImage`` (or a list of them), ready to assign::

    processed = process_upload(request.FILES["photo"])
    photo.image.save("photo.jpg", processed.display, save=False)
    photo.thumbnail.save("photo.jpg", processed.thumbnail, save=False)

Stored names come from ``brands.models.image_path``: the uploader's file name is never a path.
"""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
DISPLAY_SIZE = 1600
THUMBNAIL_SIZE = 480
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT = "image/jpeg,image/png,image/webp"
JPEG_QUALITY = 85

# Pillow's own bomb guard: a warning above this many pixels, an error above twice as many. Both are
# turned into refusals below; the explicit pixel check catches what lies between.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

MESSAGES = {
    "empty": _("文件是空的，请重新选择图片。"),
    "too_large": _("图片不能超过 10 MB（此文件约 %(size).1f MB），请压缩后再上传。"),
    "not_image": _("无法识别为图片：仅支持 JPEG、PNG、WebP 格式。"),
    "too_many_pixels": _("图片尺寸过大：最多 4000 万像素，请缩小后再上传。"),
    "broken": _("图片文件已损坏或不完整，请重新导出后上传。"),
}


class ProcessedImage(NamedTuple):
    """A cleaned image: ``display`` (at most 1600 px a side) and ``thumbnail`` (at most 480 px), JPEG."""

    display: ContentFile
    thumbnail: ContentFile


def _refuse(code: str, **params: Any) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params=params or None)


def process_upload(upload: File | IO[bytes]) -> ProcessedImage:
    """Validate ``upload`` and return its display and thumbnail versions, free of metadata.

    Raises ``ValidationError`` (codes: empty, too_large, not_image, too_many_pixels, broken).
    """
    size = _size_of(upload)
    if size == 0:
        raise _refuse("empty")
    if size > MAX_UPLOAD_BYTES:
        raise _refuse("too_large", size=size / 1024 / 1024)
    return versions(ImageOps.exif_transpose(_open_verified(upload)))


def versions(image: Image.Image) -> ProcessedImage:
    """The display and thumbnail versions of an upright, trusted image (e.g. one drawn by the demo)."""
    display = _flatten(_shrink(image, DISPLAY_SIZE))
    thumbnail = _shrink(display, THUMBNAIL_SIZE)
    return ProcessedImage(_encode(display, "display.jpg"), _encode(thumbnail, "thumbnail.jpg"))


def _size_of(upload: File | IO[bytes]) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    return size


def _open_verified(upload: File | IO[bytes]) -> Image.Image:
    """Open, check the header, verify the structure, then decode fully (a truncated file fails here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            # Only the header is read here: the pixel count is known before any decoding.
            image = Image.open(upload, formats=ALLOWED_FORMATS)
            _check_pixels(image)
            image.verify()
            # verify() leaves the image unusable; decoding needs a fresh open.
            upload.seek(0)
            image = Image.open(upload, formats=ALLOWED_FORMATS)
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale: far less memory for a 40-megapixel photo.
            image.draft("RGB", (DISPLAY_SIZE, DISPLAY_SIZE))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("too_many_pixels") from None
        except Image.UnidentifiedImageError:
            raise _refuse("not_image") from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error):
            # Pillow reports broken data with any of these, depending on the format and the damage.
            raise _refuse("broken") from None
    return image


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _refuse("too_many_pixels")


def _shrink(image: Image.Image, longest: int) -> Image.Image:
    if max(image.size) <= longest:
        return image
    copy = image.copy()
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    return copy


def _flatten(image: Image.Image) -> Image.Image:
    """A new RGB image from the pixels alone: transparency onto white, no metadata carried over."""
    clean = Image.new("RGB", image.size, "white")
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        clean.paste(rgba, mask=rgba.getchannel("A"))
    else:
        clean.paste(image.convert("RGB"))
    return clean


def _encode(image: Image.Image, name: str) -> ContentFile:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=name)


class ImageUploadField(forms.FileField):
    """A file field whose cleaned value is a ``ProcessedImage`` (or None when nothing was sent)."""

    widget = forms.FileInput(attrs={"accept": ACCEPT})

    def to_python(self, data: Any) -> ProcessedImage | None:
        upload = super().to_python(data)
        return None if upload is None else process_upload(upload)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageUploadField(forms.FileField):
    """Several images at once (a gallery, activity photos): cleaned to a list of ``ProcessedImage``.

    A refused file is named in the message, so the uploader knows which of nine photos to replace.
    """

    widget = MultipleFileInput(attrs={"accept": ACCEPT})
    default_error_messages = {"too_many": _("最多上传 %(max)d 张图片（本次选择了 %(count)d 张）。")}

    def __init__(self, *, max_files: int = 9, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedImage]:
        uploads = [f for f in (data if isinstance(data, Sequence) else [data]) if f]
        if self.required and not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(uploads) > self.max_files:
            raise ValidationError(
                self.error_messages["too_many"],
                code="too_many",
                params={"max": self.max_files, "count": len(uploads)},
            )
        return [self._clean_one(upload) for upload in uploads]

    def _clean_one(self, upload: Any) -> ProcessedImage:
        try:
            return process_upload(super().to_python(upload))
        except ValidationError as error:
            name = getattr(upload, "name", "") or _("图片")
            raise ValidationError([f"“{name}”：{message}" for message in error.messages]) from None
