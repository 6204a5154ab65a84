"""Moderation: a submitted wish is published, edited then published, or rejected with a reason —
once, by someone whose scope holds it.

Who may moderate Haishu's community's wish: its community staff and the staff above (street,
district, city), and the secretary of a branch in that community (``haishu_secretary``, whose
branch sits in the community's grid). Jiangbei's staff and secretary are outsiders: they are
told nothing exists (404). The volunteer passes no gate (403 on the queue).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.errors import IllegalTransition, NotAllowed
from portal.models import Message, WebhookDelivery, WebhookEndpoint
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.factories import WishFactory
from volunteers.models import Specialty, VolunteerStatus
from wishes.models import WishEvent, WishStatus
from wishes.services.moderation import wish_approve, wish_edit, wish_reject

QUEUE = reverse("wishes:moderation_queue")


@pytest.fixture
def wish(world):
    return WishFactory(
        community=world.haishu_community,
        status=WishStatus.SUBMITTED,
        published_at=None,
        resident_name="王小梅",
    )


def kinds(wish) -> list[str]:
    return list(WishEvent.objects.filter(wish=wish).values_list("kind", flat=True))


def test_approving_publishes_it_once(world, wish):
    wish_approve(actor=world.haishu_community_staff, wish=wish)
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED and wish.published_at is not None
    event = WishEvent.objects.get(wish=wish)
    assert event.kind == "approved" and event.actor == world.haishu_community_staff
    assert (event.actor_kind, event.actor_label, event.actor_display) == (
        "moderator",
        "林*英",
        "审核人 林*英",
    )
    with pytest.raises(IllegalTransition, match="当前状态为“待认领”"):
        wish_approve(actor=world.haishu_staff, wish=wish)
    with pytest.raises(IllegalTransition):
        wish_reject(actor=world.haishu_staff, wish=wish, reason="重复提交")
    with pytest.raises(IllegalTransition):
        wish_edit(
            actor=world.haishu_staff,
            wish=wish,
            title="改",
            description="改",
            category="other",
            value_yuan=Decimal(1),
        )
    assert kinds(wish) == ["approved"]


def test_a_stale_copy_cannot_approve_a_rejected_wish(world, wish):
    stale = type(wish).objects.get(pk=wish.pk)
    wish_reject(actor=world.haishu_community_staff, wish=wish, reason="请到社区服务中心办理")
    with pytest.raises(IllegalTransition, match="未通过"):
        wish_approve(actor=world.haishu_staff, wish=stale)
    wish.refresh_from_db()
    assert wish.status == WishStatus.REJECTED and wish.reject_reason == "请到社区服务中心办理"
    assert kinds(wish) == ["rejected"]


def test_rejecting_needs_a_reason(world, wish):
    with pytest.raises(ValidationError) as refused:
        wish_reject(actor=world.haishu_community_staff, wish=wish, reason="  ")
    assert "reason" in refused.value.message_dict
    wish.refresh_from_db()
    assert wish.status == WishStatus.SUBMITTED and not kinds(wish)


def test_editing_then_publishing_leaves_both_steps_on_the_timeline(world, wish):
    wish_edit(
        actor=world.haishu_secretary,
        wish=wish,
        title="想要一辆轮椅",
        description=wish.description,
        category="elderly_disabled",
        value_yuan=Decimal("450"),
        publish=True,
    )
    wish.refresh_from_db()
    assert (
        wish.status == WishStatus.PUBLISHED and wish.title == "想要一辆轮椅" and wish.value == Decimal("450")
    )
    assert kinds(wish) == ["edited", "approved"]
    edited = WishEvent.objects.get(wish=wish, kind="edited")
    assert (edited.note_code, edited.note) == ("edited", "title,value")
    assert edited.note_display == "修改了：心愿标题、估计价值（元）"


def test_an_edit_keeps_the_value_cap(world, wish):
    with pytest.raises(ValidationError) as refused:
        wish_edit(
            actor=world.haishu_staff,
            wish=wish,
            title="轮椅",
            description="轮椅",
            category="other",
            value_yuan=Decimal("501"),
        )
    assert "value" in refused.value.message_dict


@pytest.mark.parametrize("outsider", ["jiangbei_staff", "jiangbei_secretary", "volunteer"])
def test_an_outsider_cannot_decide(world, wish, outsider):
    with pytest.raises(NotAllowed):
        wish_approve(actor=getattr(world, outsider), wish=wish)
    wish.refresh_from_db()
    assert wish.status == WishStatus.SUBMITTED


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "queue", "detail"),
    [
        ("haishu_community_staff", 200, 200),
        ("haishu_street_staff", 200, 200),
        ("haishu_staff", 200, 200),
        ("city_staff", 200, 200),
        ("haishu_secretary", 200, 200),
        ("jiangbei_staff", 200, 404),
        ("jiangbei_secretary", 200, 404),
        ("volunteer", 403, 403),
    ],
)
def test_the_pages_show_a_wish_only_within_scope(client, world, wish, who, queue, detail):
    client.force_login(getattr(world, who))
    response = client.get(QUEUE)
    assert response.status_code == queue
    if queue == 200:
        assert (wish.title in response.content.decode()) == (detail == 200)
    assert client.get(reverse("wishes:moderation_wish", args=[wish.pk])).status_code == detail
    approve = client.post(reverse("wishes:moderation_approve", args=[wish.pk]))
    wish.refresh_from_db()
    assert (wish.status == WishStatus.PUBLISHED) == (detail == 200)
    if detail != 200:
        assert approve.status_code == detail


def test_the_moderator_sees_the_full_contact_the_queue_shows_it_masked(client, world, wish):
    client.force_login(world.haishu_community_staff)
    assert "王小梅" not in client.get(QUEUE).content.decode()
    page = client.get(reverse("wishes:moderation_wish", args=[wish.pk])).content.decode()
    assert "王小梅" in page and wish.resident_mobile in page


def test_rejecting_through_the_page_needs_a_reason_and_then_tells_the_resident(client, world, wish):
    client.force_login(world.haishu_community_staff)
    url = reverse("wishes:moderation_reject", args=[wish.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400
    assert client.post(url, {"reason": "属于低保救助范围"}).status_code == 302
    track = client.get(reverse("wishes:track_wish", args=[wish.tracking_code])).content.decode()
    assert "属于低保救助范围" in track


def test_a_second_decision_in_another_tab_is_told_what_happened(client, world, wish):
    client.force_login(world.haishu_community_staff)
    client.post(reverse("wishes:moderation_approve", args=[wish.pk]))
    response = client.post(reverse("wishes:moderation_approve", args=[wish.pk]), follow=True)
    assert "只有待审核的心愿才能发布" in response.content.decode()


def test_the_queue_costs_the_same_for_3_or_30_wishes(client, world, django_assert_num_queries):
    client.force_login(world.haishu_community_staff)
    WishFactory.create_batch(3, community=world.haishu_community, status=WishStatus.SUBMITTED)
    client.get(QUEUE)  # the session and the grants settle
    with django_assert_num_queries(5) as three:
        # 1. session, 2. user, 3. role assignments (the grants: the menu and the scope),
        # 4. the page's count, 5. the page's wishes with their community, street and district
        client.get(QUEUE)
    WishFactory.create_batch(27, community=world.haishu_community, status=WishStatus.SUBMITTED)
    with django_assert_num_queries(len(three.captured_queries)):
        client.get(QUEUE)


# --- who is told of a published wish -------------------------------------------------------------


def test_publishing_tells_the_communitys_volunteers_and_the_districts_of_the_specialty(
    world, wish, django_capture_on_commit_callbacks
):
    elderly, _ = Specialty.objects.get_or_create(code="elderly", defaults={"name": "助老"})
    repair, _ = Specialty.objects.get_or_create(code="repair", defaults={"name": "维修"})
    neighbour = VolunteerFactory(community=world.haishu_community)
    applicant = VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)
    carer = VolunteerFactory(community=_other_community(world))  # same district, matching specialty
    carer.specialties.add(elderly)
    fixer = VolunteerFactory(community=_other_community(world))  # same district, another specialty
    fixer.specialties.add(repair)
    far = VolunteerFactory(community=world.jiangbei_community)  # matching specialty, another district
    far.specialties.add(elderly)

    with django_capture_on_commit_callbacks(execute=True):
        wish_approve(actor=world.haishu_community_staff, wish=wish)

    told = set(Message.objects.filter(kind="wishes.published").values_list("recipient_id", flat=True))
    assert told == {neighbour.user_id, carer.user_id}
    assert applicant.user_id not in told and fixer.user_id not in told and far.user_id not in told
    message = Message.objects.filter(kind="wishes.published").first()
    assert wish.title in message.title and message.link == "/wishes/"


def test_the_message_is_bounded_by_a_setting(world, wish, settings, django_capture_on_commit_callbacks):
    settings.WISH_PUBLISH_NOTIFY_MAX = 2
    VolunteerFactory.create_batch(3, community=world.haishu_community)
    with django_capture_on_commit_callbacks(execute=True):
        wish_approve(actor=world.haishu_community_staff, wish=wish)
    assert Message.objects.filter(kind="wishes.published").count() == 2


def test_publishing_tells_partners_with_masked_data(world, wish):
    WebhookEndpoint.objects.create(
        name="市民热线",
        partner="12345",
        url="https://hooks.example.com/",
        events=["wish.published"],
        region=world.haishu,
        secret="whsec_" + "A" * 44,
        owner=world.city_staff,
    )
    wish_approve(actor=world.haishu_community_staff, wish=wish)
    payload = WebhookDelivery.objects.get().payload
    assert payload["type"] == "wish.published" and payload["data"]["status"] == "published"
    assert "王小梅" not in str(payload) and wish.resident_mobile not in str(payload)


def _other_community(world):
    from grids.models import Region, RegionLevel

    return Region.objects.get_or_create(
        code=world.haishu_street.code + "002",
        defaults={"name": "海曙区二社区", "level": RegionLevel.COMMUNITY, "parent": world.haishu_street},
    )[0]
