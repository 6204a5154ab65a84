"""The demo's wishes: every moderation state, made through the services, once."""

import random

from wishes import demo_wsubmit
from wishes.models import Wish, WishEvent, WishStatus


def test_it_makes_wishes_in_every_state_once(world):
    lines = []
    demo_wsubmit.seed(scale="small", rng=random.Random(1), log=lines.append)
    statuses = set(Wish.objects.values_list("status", flat=True))
    assert statuses == {WishStatus.SUBMITTED, WishStatus.PUBLISHED, WishStatus.REJECTED}
    assert {w.district_code for w in Wish.objects.all()} == {world.haishu.code, world.jiangbei.code}
    assert WishEvent.objects.filter(kind="approved", actor=world.city_staff).exists()
    count = Wish.objects.count()
    demo_wsubmit.seed(scale="small", rng=random.Random(1), log=lines.append)
    assert Wish.objects.count() == count and lines[-1] == "  0 wishes (submitted, published and rejected)"
