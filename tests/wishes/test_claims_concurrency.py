"""A rush of claimants on PostgreSQL (real row locks): exactly one claim wins, and batch claims,
releases, fulfilments and the expiry job never double-claim or lose anything.

Each attempt runs in its own thread with its own connection, released at once by a barrier
(tests.harness.run_together). Objects are read before the barrier, so every thread starts from
"published".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.errors import DomainError
from tests.harness import run_together, session_client
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.claim_helpers import _media_in_tmp, claimed, photo, published, volunteer  # noqa: F401
from wishes.models import ClaimStatus, Wish, WishClaim, WishStatus
from wishes.services.claims import (
    WishAlreadyClaimed,
    claims_expire,
    wish_claim,
    wish_fulfil,
    wishes_claim_batch,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def claim_via_service(wish_pk: int, volunteer) -> Callable[[], str]:
    wish = Wish.objects.select_related("community").get(pk=wish_pk)

    def attempt() -> str:
        try:
            wish_claim(wish=wish, volunteer=volunteer)
        except WishAlreadyClaimed as error:
            return "已被认领" if "已被认领" in error.message else error.message
        return "claimed"

    return attempt


def test_fifty_volunteers_claiming_one_wish_at_once_one_wins(world):
    wish = published(world)
    attempts = [claim_via_service(wish.pk, volunteer(world)) for _ in range(50)]
    assert run_together(attempts) == Counter({"claimed": 1, "已被认领": 49})
    assert WishClaim.objects.filter(wish=wish).count() == 1
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED


def test_one_volunteer_pressing_claim_on_five_wishes_at_once_holds_three(world):
    me = volunteer(world)
    wishes = [published(world) for _ in range(5)]
    outcomes = run_together([claim_via_service(w.pk, me) for w in wishes])
    assert outcomes["claimed"] == 3
    assert WishClaim.objects.filter(volunteer=me, status=ClaimStatus.ACTIVE).count() == 3
    assert Wish.objects.filter(status=WishStatus.PUBLISHED).count() == 2


def test_twenty_volunteers_through_the_page_one_wins_the_rest_are_told(world):
    wish = published(world)
    url = reverse("wishes:claim", args=[wish.pk])

    def via_page(person) -> Callable[[], str]:
        client = Client()
        client.force_login(person.user)

        def attempt() -> str:
            response = client.post(url)
            return "claimed" if response["Location"].endswith("/wishes/mine/") else "lost"

        return attempt

    outcomes = run_together([via_page(volunteer(world)) for _ in range(20)])
    assert outcomes == Counter({"claimed": 1, "lost": 19})


def test_twenty_volunteers_through_the_api_one_201_the_rest_409(world):
    wish = published(world)
    url = f"/api/v1/wishes/{wish.pk}/claim/"

    def via_api(person) -> Callable[[], str]:
        client = session_client(person.user)
        return lambda: str(client.post(url, {}, format="json").status_code)

    outcomes = run_together([via_api(volunteer(world)) for _ in range(20)])
    assert outcomes == Counter({"201": 1, "409": 19})


def test_batches_overlapping_single_claims_never_double_claim(world):
    wishes = [published(world) for _ in range(6)]
    secretary = VolunteerFactory(user=world.haishu_secretary, community=world.haishu_community, role=None)
    jiangbei = VolunteerFactory(user=world.jiangbei_secretary, community=world.jiangbei_community, role=None)

    def batch(person, org, chosen) -> Callable[[], str]:
        loaded = list(Wish.objects.select_related("community").filter(pk__in=[w.pk for w in chosen]))

        def attempt() -> str:
            try:
                return f"batch:{len(wishes_claim_batch(wishes=loaded, volunteer=person, organization=org))}"
            except WishAlreadyClaimed:
                return "batch lost"

        return attempt

    attempts = [
        batch(secretary, world.haishu_branch, wishes[0:4]),
        batch(jiangbei, world.jiangbei_branch, wishes[2:6]),
        *[claim_via_service(w.pk, volunteer(world)) for w in wishes for _ in range(3)],
    ]
    outcomes = run_together(attempts)
    live = WishClaim.objects.filter(status=ClaimStatus.ACTIVE)
    assert live.count() == Wish.objects.filter(status=WishStatus.CLAIMED).count() == 6
    assert live.values("wish").distinct().count() == 6
    # Every batch either took all its wishes or none.
    for outcome in outcomes:
        assert outcome in {"batch:4", "batch lost", "claimed", "已被认领"}
    batches = Counter(live.exclude(batch=None).values_list("batch", flat=True))
    assert all(n == 4 for n in batches.values())


def test_expiry_racing_the_claimant_fulfilling_loses_nothing(world):
    claims = [claimed(world) for _ in range(10)]
    WishClaim.objects.update(deadline=timezone.now() - dt.timedelta(minutes=1))
    evidence = photo()

    def fulfil(claim) -> Callable[[], str]:
        loaded = WishClaim.objects.select_related("wish__community", "claimed_by").get(pk=claim.pk)

        def attempt() -> str:
            try:
                wish_fulfil(
                    claim=loaded, actor=loaded.claimed_by, note="好了", hours=Decimal("1"), evidence=evidence
                )
            except DomainError:
                return "fulfil refused"
            return "fulfilled"

        return attempt

    def expire() -> str:
        return f"expired:{claims_expire()}"

    outcomes = run_together([*(fulfil(c) for c in claims), expire, expire])
    fulfilled_n = outcomes["fulfilled"]
    expired_n = sum(int(k.split(":")[1]) * n for k, n in outcomes.items() if k.startswith("expired:"))
    # Each claim ended exactly one way, and its wish agrees with it.
    assert fulfilled_n + expired_n == 10
    for claim in WishClaim.objects.select_related("wish"):
        expected = {ClaimStatus.FULFILLED: WishStatus.FULFILLED, ClaimStatus.RELEASED: WishStatus.PUBLISHED}
        assert claim.wish.status == expected[claim.status]
        assert bool(claim.evidence) == (claim.status == ClaimStatus.FULFILLED)
