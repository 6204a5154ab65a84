"""The brand life cycle: draft → submitted → published (or returned with a reason) → archived.

Owners (change rights on the owner organization) create, edit and submit; reviewers stand
strictly above the owner's region; every step is in the history with its author.
"""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from brands.models import Brand, BrandLevel, BrandStatus, RecognitionLevel
from brands.services import brands as services
from portal.errors import IllegalTransition, NotAllowed
from tests.brands.factories import BrandFactory
from tests.factories import World
from tests.harness import run_together


def committee_brand(world, **kwargs) -> Brand:
    """A brand of the haishu community's party committee (region: the community)."""
    return BrandFactory(organization=world.haishu_committee, **kwargs)


def test_a_secretary_registers_a_brand_for_their_branch(world):
    brand = services.brand_create(
        actor=world.haishu_secretary,
        organization=world.haishu_branch,
        name="红色楼道长",
        category="serve_people",
        level=BrandLevel.COMMUNITY,
        year_launched=2019,
        summary="楼道党员当楼道长。",
        story="每个楼道一名党员。",
        tags=["邻里互助", "为老服务"],
    )
    assert brand.status == BrandStatus.DRAFT
    assert brand.region == world.haishu_grid  # from the owner organization, not the form
    assert sorted(t.name for t in brand.tags.all()) == ["为老服务", "邻里互助"]
    assert brand.history.first().history_user == world.haishu_secretary


def test_it_refuses_a_brand_for_another_districts_branch(world):
    with pytest.raises(NotAllowed):
        services.brand_create(
            actor=world.haishu_secretary,
            organization=world.jiangbei_branch,
            name="越权品牌",
            category="serve_people",
            level=BrandLevel.COMMUNITY,
            year_launched=2019,
        )
    assert not Brand.objects.exists()


def test_a_brand_goes_through_return_and_publication_to_archive(world):
    brand = committee_brand(world)
    services.brand_submit(actor=world.haishu_staff, brand=brand)
    brand = services.brand_review(
        actor=world.haishu_street_staff, brand=brand, approve=False, reason="请补充近三年的服务数据。"
    )
    assert (brand.status, brand.return_reason) == (BrandStatus.RETURNED, "请补充近三年的服务数据。")

    brand = services.brand_update(actor=world.haishu_staff, brand=brand, story="三年来服务居民 3,200 人次。")
    assert brand.status == BrandStatus.RETURNED  # an edit alone does not resubmit
    brand = services.brand_submit(actor=world.haishu_staff, brand=brand)
    assert (brand.status, brand.return_reason) == (BrandStatus.SUBMITTED, "")

    brand = services.brand_review(actor=world.haishu_street_staff, brand=brand, approve=True)
    assert brand.status == BrandStatus.PUBLISHED
    assert brand.published_at is not None and brand.reviewed_by == world.haishu_street_staff

    brand = services.brand_archive(actor=world.haishu_staff, brand=brand)
    assert brand.status == BrandStatus.ARCHIVED
    reasons = [h.history_change_reason for h in brand.history.order_by("history_date", "history_id")]
    assert reasons == [
        None,  # made by the factory, not a service
        "提交审核",
        "退回：请补充近三年的服务数据。",
        "修改",
        "提交审核",
        "审核通过",
        "归档",
    ]


ILLEGAL = [
    (BrandStatus.DRAFT, "approve"),
    (BrandStatus.DRAFT, "return"),
    (BrandStatus.DRAFT, "archive"),
    (BrandStatus.DRAFT, "withdraw"),
    (BrandStatus.SUBMITTED, "submit"),
    (BrandStatus.SUBMITTED, "archive"),
    (BrandStatus.RETURNED, "approve"),
    (BrandStatus.PUBLISHED, "submit"),
    (BrandStatus.PUBLISHED, "approve"),
    (BrandStatus.PUBLISHED, "return"),
    (BrandStatus.ARCHIVED, "submit"),
    (BrandStatus.ARCHIVED, "approve"),
    (BrandStatus.ARCHIVED, "archive"),
]


def act(world, brand: Brand, action: str) -> Brand:
    owner, reviewer = world.haishu_staff, world.haishu_street_staff
    if action == "approve":
        return services.brand_review(actor=reviewer, brand=brand, approve=True)
    if action == "return":
        return services.brand_review(actor=reviewer, brand=brand, approve=False, reason="不符合要求")
    service = {
        "submit": services.brand_submit,
        "archive": services.brand_archive,
        "withdraw": services.brand_withdraw,
    }
    return service[action](actor=owner, brand=brand)


@pytest.mark.parametrize(("status", "action"), ILLEGAL)
def test_it_refuses_an_illegal_transition(world, status, action):
    brand = committee_brand(world, status=status)
    with pytest.raises(IllegalTransition):
        act(world, brand, action)
    brand.refresh_from_db()
    assert brand.status == status


def test_a_submission_can_be_withdrawn_to_draft(world):
    brand = committee_brand(world, status=BrandStatus.SUBMITTED)
    assert services.brand_withdraw(actor=world.haishu_staff, brand=brand).status == BrandStatus.DRAFT


def test_an_incomplete_brand_cannot_be_submitted(world):
    brand = committee_brand(world, story="")
    with pytest.raises(ValidationError, match="品牌故事"):
        services.brand_submit(actor=world.haishu_staff, brand=brand)
    brand.refresh_from_db()
    assert brand.status == BrandStatus.DRAFT


def test_a_reviewer_from_another_district_is_refused(world):
    brand = committee_brand(world, status=BrandStatus.SUBMITTED)
    with pytest.raises(NotAllowed):
        services.brand_review(actor=world.jiangbei_staff, brand=brand, approve=True)
    brand.refresh_from_db()
    assert brand.status == BrandStatus.SUBMITTED


def test_a_reviewer_at_the_owners_level_is_refused(world):
    # The committee sits in the community: the community's own staff may not approve it…
    brand = committee_brand(world, status=BrandStatus.SUBMITTED)
    with pytest.raises(NotAllowed):
        services.brand_review(actor=world.haishu_community_staff, brand=brand, approve=True)
    # …its street may.
    assert services.brand_review(actor=world.haishu_street_staff, brand=brand, approve=True).is_public


def test_a_branchs_brand_is_reviewed_by_its_community(world):
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.SUBMITTED)
    assert services.brand_review(actor=world.haishu_community_staff, brand=brand, approve=True).is_public


def test_a_branch_secretary_never_reviews(world):
    brand = BrandFactory(organization=world.haishu_branch, status=BrandStatus.SUBMITTED)
    with pytest.raises(NotAllowed):
        services.brand_review(actor=world.haishu_secretary, brand=brand, approve=True)


def test_the_submitter_cannot_approve_their_own_submission(world):
    brand = committee_brand(world)
    services.brand_submit(actor=world.city_staff, brand=brand)
    with pytest.raises(NotAllowed, match="自己提交"):
        services.brand_review(actor=world.city_staff, brand=brand, approve=True)
    assert services.brand_review(actor=world.haishu_staff, brand=brand, approve=True).is_public


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_needs_a_reason(world, reason):
    brand = committee_brand(world, status=BrandStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="原因"):
        services.brand_review(actor=world.haishu_street_staff, brand=brand, approve=False, reason=reason)
    brand.refresh_from_db()
    assert brand.status == BrandStatus.SUBMITTED


def test_a_stale_second_review_loses(world):
    # Two reviewers opened the same submission; the second acts on what they saw, too late.
    first = committee_brand(world, status=BrandStatus.SUBMITTED)
    second = Brand.objects.get(pk=first.pk)
    services.brand_review(actor=world.haishu_street_staff, brand=first, approve=True)
    with pytest.raises(IllegalTransition, match="其他审核人"):
        services.brand_review(actor=world.haishu_staff, brand=second, approve=False, reason="不通过")
    second.refresh_from_db()
    assert (second.status, second.reviewed_by) == (BrandStatus.PUBLISHED, world.haishu_street_staff)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_acting_at_once_cannot_both_win():
    world = World()
    brand = committee_brand(world, status=BrandStatus.SUBMITTED)

    def review(actor, approve: bool) -> Callable[[], str]:
        stale = Brand.objects.get(pk=brand.pk)

        def attempt() -> str:
            try:
                services.brand_review(actor=actor, brand=stale, approve=approve, reason="材料不全")
            except IllegalTransition:
                return "lost"
            return "won"

        return attempt

    outcomes = run_together([review(world.haishu_street_staff, True), review(world.haishu_staff, False)])
    assert sorted(outcomes.elements()) == ["lost", "won"]
    brand.refresh_from_db()
    assert brand.status in (BrandStatus.PUBLISHED, BrandStatus.RETURNED)
    assert brand.history.filter(history_change_reason__in=["审核通过", "退回：材料不全"]).count() == 1


def test_a_submitted_brand_cannot_be_edited(world):
    brand = committee_brand(world, status=BrandStatus.SUBMITTED)
    with pytest.raises(IllegalTransition, match="撤回"):
        services.brand_update(actor=world.haishu_staff, brand=brand, slogan="新口号")


def test_an_archived_brand_cannot_be_edited(world):
    brand = committee_brand(world, status=BrandStatus.ARCHIVED)
    with pytest.raises(IllegalTransition):
        services.brand_update(actor=world.haishu_staff, brand=brand, slogan="新口号")


def test_the_owner_keeps_a_published_story_current_and_the_history_shows_it(world):
    brand = committee_brand(world, status=BrandStatus.PUBLISHED)
    services.brand_update(actor=world.haishu_staff, brand=brand, story="新的故事。", tags=["红色物业"])
    brand.refresh_from_db()
    assert (brand.status, brand.story) == (BrandStatus.PUBLISHED, "新的故事。")
    latest = brand.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == world.haishu_staff


def test_only_a_reviewer_renames_a_published_brand(world):
    brand = committee_brand(world, status=BrandStatus.PUBLISHED)
    owner_side = world.haishu_community_staff  # may change the committee's brand, may not review it
    with pytest.raises(NotAllowed, match="审核人"):
        services.brand_update(actor=owner_side, brand=brand, name="改名")
    with pytest.raises(NotAllowed):
        services.brand_update(actor=owner_side, brand=brand, level=BrandLevel.CITY)
    renamed = services.brand_update(actor=world.haishu_street_staff, brand=brand, name="改名")
    assert renamed.name == "改名"


def test_a_secretary_cannot_touch_the_brand_of_the_committee_above(world):
    brand = committee_brand(world)
    with pytest.raises(NotAllowed):
        services.brand_update(actor=world.haishu_secretary, brand=brand, slogan="越级修改")
    with pytest.raises(NotAllowed):
        services.brand_submit(actor=world.haishu_secretary, brand=brand)


def test_recognitions_of_a_published_brand_are_added_by_reviewers_only(world):
    brand = committee_brand(world, status=BrandStatus.PUBLISHED)
    kwargs = {"title": "浙江省基层党建优秀案例", "level": RecognitionLevel.PROVINCE, "year": 2022}
    with pytest.raises(NotAllowed):
        services.recognition_add(actor=world.haishu_community_staff, brand=brand, **kwargs)
    recognition = services.recognition_add(actor=world.haishu_street_staff, brand=brand, **kwargs)
    assert brand.recognitions.get() == recognition
    assert (
        brand.history.order_by("-history_date", "-history_id")
        .first()
        .history_change_reason.startswith("新增荣誉")
    )


def test_a_recognition_cannot_predate_the_brand(world):
    brand = committee_brand(world, year_launched=2018)
    with pytest.raises(ValidationError):
        services.recognition_add(
            actor=world.haishu_staff, brand=brand, title="早于创立", level=RecognitionLevel.CITY, year=2015
        )


def test_a_draft_moves_only_to_an_organization_in_scope(world):
    brand = BrandFactory(organization=world.haishu_branch)
    moved = services.brand_update(actor=world.haishu_staff, brand=brand, organization=world.haishu_committee)
    assert (moved.organization, moved.region) == (world.haishu_committee, world.haishu_community)
    with pytest.raises(NotAllowed):
        services.brand_update(actor=world.haishu_staff, brand=moved, organization=world.jiangbei_branch)


def test_saving_an_unchanged_brand_leaves_no_history_entry(world):
    brand = committee_brand(world)
    before = brand.history.count()
    services.brand_update(actor=world.haishu_staff, brand=brand, name=brand.name, story=brand.story, tags=[])
    assert brand.history.count() == before
