"""A wish's life after it is published: claimed, released, fulfilled, confirmed — and every
transition that is not allowed, refused with a clear message and nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from portal.errors import IllegalTransition, NotAllowed
from portal.models import Message
from tests.factories import OrganizationFactory
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.claim_helpers import _media_in_tmp, claimed, fulfilled, photo, published, volunteer  # noqa: F401
from volunteers.models import RecordSource, RecordStatus, ServiceRecord, Team, VolunteerStatus, VolunteerYear
from wishes.models import ClaimantKind, ClaimStatus, Rating, WishClaim, WishEvent, WishStatus
from wishes.services.claims import (
    TooManyOpenClaims,
    WishAlreadyClaimed,
    claim_release,
    claims_expire,
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wishes_claim_batch,
)

pytestmark = pytest.mark.django_db


def test_a_claim_takes_the_wish_off_the_wall_for_fourteen_days(world):
    wish = published(world)
    claim = wish_claim(wish=wish, volunteer=volunteer(world))
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED
    assert claim.kind == ClaimantKind.VOLUNTEER and claim.status == ClaimStatus.ACTIVE
    assert abs(claim.deadline - timezone.now() - dt.timedelta(days=14)) < dt.timedelta(minutes=1)
    assert list(wish.events.values_list("kind", flat=True)) == ["claimed"]


def test_a_second_claim_is_told_it_was_already_claimed(world):
    wish = published(world)
    wish_claim(wish=wish, volunteer=volunteer(world))
    with pytest.raises(WishAlreadyClaimed, match="已被认领"):
        wish_claim(wish=wish, volunteer=volunteer(world))
    assert WishClaim.objects.filter(wish=wish).count() == 1


@pytest.mark.parametrize("status", [WishStatus.SUBMITTED, WishStatus.REJECTED, WishStatus.FULFILLED])
def test_a_wish_not_on_offer_cannot_be_claimed(world, status):
    wish = published(world, status=status)
    with pytest.raises(WishAlreadyClaimed):
        wish_claim(wish=wish, volunteer=volunteer(world))
    assert not WishClaim.objects.exists()


def test_an_applicant_volunteer_cannot_claim(world):
    with pytest.raises(NotAllowed):
        wish_claim(wish=published(world), volunteer=volunteer(world, status=VolunteerStatus.APPLICANT))


def test_the_fourth_open_claim_is_refused_and_the_wish_stays_on_the_wall(world):
    me = volunteer(world)
    for _ in range(3):
        wish_claim(wish=published(world), volunteer=me)
    fourth = published(world)
    with pytest.raises(TooManyOpenClaims, match="最多 3 个"):
        wish_claim(wish=fourth, volunteer=me)
    fourth.refresh_from_db()
    assert fourth.status == WishStatus.PUBLISHED
    assert WishClaim.objects.filter(volunteer=me).count() == 3


def test_a_fulfilled_claim_frees_a_place_for_the_next(world):
    me = volunteer(world)
    claims = [wish_claim(wish=published(world), volunteer=me) for _ in range(3)]
    wish_fulfil(claim=claims[0], actor=me.user, note="好了", hours=Decimal("1"), evidence=photo())
    wish_claim(wish=published(world), volunteer=me)


def test_a_team_leader_claims_for_the_team_and_others_may_not(world, settings, tmp_path):
    leader, member = volunteer(world), volunteer(world)
    team = _team(world, leader)
    claim = wish_claim(wish=published(world), volunteer=leader, claimant=team)
    assert claim.kind == ClaimantKind.TEAM and claim.claimant_name == team.name
    with pytest.raises(NotAllowed):
        wish_claim(wish=published(world), volunteer=member, claimant=team)


def test_a_secretary_claims_for_their_branch_but_not_for_another(world):
    me = VolunteerFactory(user=world.haishu_secretary, community=world.haishu_community, role=None)
    claim = wish_claim(wish=published(world), volunteer=me, claimant=world.haishu_branch)
    assert claim.kind == ClaimantKind.ORGANIZATION
    with pytest.raises(NotAllowed):
        wish_claim(wish=published(world), volunteer=me, claimant=world.jiangbei_branch)


def test_a_batch_is_all_or_none(world):
    me = VolunteerFactory(user=world.haishu_secretary, community=world.haishu_community, role=None)
    free, taken = published(world), published(world)
    wish_claim(wish=taken, volunteer=volunteer(world))
    with pytest.raises(WishAlreadyClaimed):
        wishes_claim_batch(wishes=[free, taken], volunteer=me, organization=world.haishu_branch)
    free.refresh_from_db()
    assert free.status == WishStatus.PUBLISHED
    claims = wishes_claim_batch(
        wishes=[free, published(world), published(world)], volunteer=me, organization=world.haishu_branch
    )
    assert len(claims) == 3 and len({c.batch for c in claims}) == 1


def test_the_claimant_releases_and_the_wish_returns_to_the_wall(world):
    claim = claimed(world)
    claim_release(claim=claim, actor=claim.claimed_by, reason="临时出差")
    claim.wish.refresh_from_db()
    assert claim.wish.status == WishStatus.PUBLISHED
    assert WishClaim.objects.get(pk=claim.pk).release_reason == "临时出差"
    with pytest.raises(IllegalTransition):
        claim_release(claim=claim, actor=claim.claimed_by)


def test_someone_else_cannot_release_or_fulfil_my_claim(world):
    claim = claimed(world)
    stranger = volunteer(world).user
    with pytest.raises(NotAllowed):
        claim_release(claim=claim, actor=stranger)
    with pytest.raises(NotAllowed):
        wish_fulfil(claim=claim, actor=stranger, note="x", hours=Decimal("1"), evidence=photo())
    assert WishClaim.objects.get(pk=claim.pk).status == ClaimStatus.ACTIVE


def test_fulfilling_twice_or_after_release_is_refused(world):
    claim = fulfilled(world)
    with pytest.raises(IllegalTransition):
        wish_fulfil(claim=claim, actor=claim.claimed_by, note="again", hours=Decimal("1"), evidence=photo())
    with pytest.raises(IllegalTransition):
        claim_release(claim=claim, actor=claim.claimed_by)
    given_up = claimed(world)
    claim_release(claim=given_up, actor=given_up.claimed_by)
    with pytest.raises(IllegalTransition):
        wish_fulfil(claim=given_up, actor=given_up.claimed_by, note="x", hours=Decimal("1"), evidence=photo())
    assert WishClaim.objects.get(pk=given_up.pk).status == ClaimStatus.RELEASED


def test_the_resident_confirms_with_the_code_and_the_hours_are_credited(world):
    claim = fulfilled(world, hours="2.5")
    wish = claim.wish
    wish_confirm(
        wish=wish, rating=Rating.SATISFIED, thanks="谢谢！", tracking_code=wish.tracking_code_display
    )
    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.thanks) == (WishStatus.CONFIRMED, "satisfied", "谢谢！")
    record = ServiceRecord.objects.get(volunteer=claim.volunteer)
    assert (record.source, record.status, record.hours) == (
        RecordSource.WISH,
        RecordStatus.APPROVED,
        Decimal("2.5"),
    )
    claim.volunteer.refresh_from_db()
    assert claim.volunteer.hours_total == Decimal("2.5")
    assert VolunteerYear.objects.get(volunteer=claim.volunteer).hours == Decimal("2.5")
    kinds = list(WishEvent.objects.filter(wish=wish).values_list("kind", flat=True))
    assert kinds == ["claimed", "fulfilled", "confirmed"]


def test_a_wrong_code_or_a_second_confirmation_is_refused(world):
    claim = fulfilled(world)
    wish = claim.wish
    with pytest.raises(NotAllowed):
        wish_confirm(wish=wish, rating=Rating.SATISFIED, tracking_code="AAAAAAAAAA")
    wish_confirm(wish=wish, rating=Rating.MOSTLY, tracking_code=wish.tracking_code)
    with pytest.raises(IllegalTransition):
        wish_confirm(wish=wish, rating=Rating.SATISFIED, tracking_code=wish.tracking_code)
    assert ServiceRecord.objects.count() == 1


def test_a_claimed_wish_cannot_be_confirmed_before_it_is_fulfilled(world):
    claim = claimed(world)
    with pytest.raises(IllegalTransition):
        wish_confirm(wish=claim.wish, rating=Rating.SATISFIED, tracking_code=claim.wish.tracking_code)


def test_staff_of_another_district_cannot_confirm(world):
    claim = fulfilled(world)
    with pytest.raises(NotAllowed):
        wish_confirm(wish=claim.wish, rating=Rating.SATISFIED, actor=world.jiangbei_staff)
    wish_confirm(wish=claim.wish, rating=Rating.UNSATISFIED, actor=world.haishu_community_staff)


def test_expiry_releases_exactly_the_overdue_claims_and_twice_changes_nothing(world):
    overdue, fresh, done = claimed(world), claimed(world), fulfilled(world)
    WishClaim.objects.filter(pk__in=[overdue.pk, done.pk]).update(
        deadline=timezone.now() - dt.timedelta(hours=1)
    )
    assert claims_expire() == 1
    assert claims_expire() == 0
    states = dict(WishClaim.objects.values_list("pk", "status"))
    assert states == {overdue.pk: "released", fresh.pk: "active", done.pk: "fulfilled"}
    overdue.wish.refresh_from_db()
    assert overdue.wish.status == WishStatus.PUBLISHED
    released = WishClaim.objects.get(pk=overdue.pk)
    assert "自动释放" in released.release_reason
    assert WishEvent.objects.filter(wish=overdue.wish, kind="released", actor=None).count() == 1


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_the_claimant_is_told_of_each_step(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = claimed(world)
    assert Message.objects.filter(recipient=claim.claimed_by, kind="wishes.claimed").exists()
    assert Message.objects.filter(recipient=world.haishu_community_staff, kind="wishes.claimed").exists()


def _team(world, leader) -> Team:
    from volunteers.models import Station

    station = Station.objects.create(name="驿站", region=world.haishu_community, address="海曙")
    return Team.objects.create(name="温暖星期五帮帮团", station=station, leader=leader)


def test_claiming_for_an_organization_needs_its_role(world):
    other = OrganizationFactory(name="别的支部", region=world.haishu_grid, parent=world.haishu_committee)
    me = volunteer(world)
    with pytest.raises(NotAllowed):
        wish_claim(wish=published(world), volunteer=me, claimant=other)


def test_each_transition_emits_a_masked_webhook(world):
    from portal.models import WebhookDelivery, WebhookEndpoint
    from portal.webhooks import new_secret

    WebhookEndpoint.objects.create(
        name="合作方",
        partner="合作方",
        url="https://partner.example/hooks",
        events=["wish.claimed", "wish.released", "wish.fulfilled", "wish.confirmed"],
        region=world.city,
        secret=new_secret(),
        owner=world.city_staff,
    )
    claim = fulfilled(world)
    wish_confirm(wish=claim.wish, rating=Rating.SATISFIED, tracking_code=claim.wish.tracking_code)
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event_type for d in deliveries] == ["wish.claimed", "wish.fulfilled", "wish.confirmed"]
    payload = str([d.payload for d in deliveries])
    assert "王*梅" in payload and "王小梅" not in payload and claim.wish.resident_mobile not in payload


@pytest.mark.parametrize("consent", [True, False])
def test_the_resident_gets_an_sms_only_with_consent(
    world, settings, django_capture_on_commit_callbacks, consent
):
    from tests.wishes.claim_helpers import CollectingSms

    settings.SMS_BACKEND = "tests.wishes.claim_helpers.CollectingSms"
    CollectingSms.sent = []
    wish = published(world, sms_consent=consent, resident_mobile="13812345678")
    with django_capture_on_commit_callbacks(execute=True):
        claimed(world, wish=wish)
    assert [sms.mobile for sms in CollectingSms.sent] == (["13812345678"] if consent else [])
