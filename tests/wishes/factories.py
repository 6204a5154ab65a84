"""Micro-wishes for tests: a resident's wish in a community, published unless told otherwise."""

from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grids.models import district_code_of
from wishes.models import Wish, WishCategory, WishStatus


class WishFactory(DjangoModelFactory):
    class Meta:
        model = Wish

    resident_name = "王小梅"
    resident_mobile = factory.Sequence(lambda n: f"137{n:08d}")
    consented_at = factory.LazyFunction(timezone.now)
    district_code = factory.LazyAttribute(lambda w: district_code_of(w.community.path))
    category = WishCategory.ELDERLY_DISABLED
    title = factory.Sequence(lambda n: f"想要一把轮椅{n}")
    description = "腿脚不便，想要一把轮椅方便出门。"
    value = Decimal("300")
    status = WishStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
