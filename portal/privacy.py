"""Masking and keyed hashing of personal data (PIPL): full values are never shown or returned."""

import hashlib
import hmac

from django.conf import settings

from portal.validators import normalize_id_number


def mask_name(name: str) -> str:
    """王小梅 -> 王*梅, 王梅 -> 王*."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if len(mobile) == 11 else ("*" * len(mobile))


def mask_id_number(value: str) -> str:
    value = normalize_id_number(value)
    return f"{value[:3]}{'*' * 11}{value[-4:]}" if len(value) == 18 else ""


def hash_id_number(value: str) -> str:
    """Keyed, deterministic hash: finds a second registration without storing the number."""
    key = settings.ID_NUMBER_HMAC_KEY.encode()
    return hmac.new(key, normalize_id_number(value).encode(), hashlib.sha256).hexdigest()
