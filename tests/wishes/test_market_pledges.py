"""A pledge's life: pledged by an approved organization's representative, withdrawn by it while not
received, confirmed once as received by staff in scope; every other step is refused with a reason.

Haishu's community posts the project. 甬爱 (approved) pledges through its representative; 待审 is
registered but not approved; community staff of Haishu confirm receipts, Jiangbei's staff cannot.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.errors import IllegalTransition, NotAllowed
from portal.models import Message
from tests.factories import UserFactory
from tests.wishes.market_factories import PledgeFactory, WelfareOrganizationFactory, WelfareProjectFactory
from wishes.models import PledgeStatus, ProjectStatus
from wishes.services.market import (
    organization_approve,
    organization_register,
    organization_reject,
    pledge_create,
    pledge_receive,
    pledge_withdraw,
    project_close,
    project_create,
    project_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep():
    return UserFactory(username="yongai")


@pytest.fixture
def yongai(rep, world):
    return WelfareOrganizationFactory(name="宁波甬爱家电有限公司", region=world.haishu, representatives=[rep])


@pytest.fixture
def project(world):
    return WelfareProjectFactory(region=world.haishu_community, created_by=world.haishu_community_staff)


def test_a_pledge_is_made_received_once_and_counted(world, rep, yongai, project):
    pledge = pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("2500.50"))
    assert pledge.status == PledgeStatus.PLEDGED
    pledge_receive(actor=world.haishu_community_staff, pledge=pledge)
    project.refresh_from_db()
    pledge.refresh_from_db()
    assert (pledge.status, pledge.confirmed_by) == (PledgeStatus.RECEIVED, world.haishu_community_staff)
    assert project.received_amount == Decimal("2500.50")
    with pytest.raises(IllegalTransition, match="不能重复确认"):
        pledge_receive(actor=world.haishu_staff, pledge=pledge)
    project.refresh_from_db()
    assert project.received_amount == Decimal("2500.50")


def test_the_pledger_is_told_when_the_pledge_is_received(
    world, rep, yongai, project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pledge = pledge_create(actor=rep, project=project, organization=yongai, goods="保温送餐车 1 台")
        pledge_receive(actor=world.haishu_community_staff, pledge=pledge)
    message = Message.objects.get(recipient=rep)
    assert "已确认到位" in message.title
    assert message.link == f"/wishes/market/{project.pk}/"


def test_goods_only_pledges_leave_the_money_as_it_was(world, rep, yongai, project):
    pledge = pledge_create(actor=rep, project=project, organization=yongai, goods="保温送餐车 1 台")
    pledge_receive(actor=world.haishu_community_staff, pledge=pledge)
    project.refresh_from_db()
    assert project.received_amount == 0


def test_a_pledge_is_withdrawn_while_not_received_and_not_after(world, rep, yongai, project):
    pledge = pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))
    pledge_withdraw(actor=rep, pledge=pledge)
    assert pledge.status == PledgeStatus.WITHDRAWN
    with pytest.raises(IllegalTransition, match="已撤回"):
        pledge_withdraw(actor=rep, pledge=pledge)
    with pytest.raises(IllegalTransition, match="已撤回，不能确认到位"):
        pledge_receive(actor=world.haishu_community_staff, pledge=pledge)
    received = pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))
    pledge_receive(actor=world.haishu_community_staff, pledge=received)
    with pytest.raises(IllegalTransition, match="已确认到位，不能撤回"):
        pledge_withdraw(actor=rep, pledge=received)


def test_nobody_else_withdraws_a_pledge(world, rep, yongai, project):
    pledge = pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))
    for someone in (UserFactory(), world.haishu_community_staff):
        with pytest.raises(NotAllowed):
            pledge_withdraw(actor=someone, pledge=pledge)


@pytest.mark.parametrize("outsider", ["jiangbei_staff", "haishu_secretary", "volunteer"])
def test_only_staff_in_scope_confirm_a_receipt(world, rep, yongai, project, outsider):
    pledge = pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))
    with pytest.raises(NotAllowed):
        pledge_receive(actor=getattr(world, outsider), pledge=pledge)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.PLEDGED


def test_it_refuses_a_pledge_on_a_closed_project(world, rep, yongai, project):
    project_close(actor=world.haishu_community_staff, project=project)
    with pytest.raises(IllegalTransition, match="已结束"):
        pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))


def test_it_refuses_a_pledge_past_the_deadline(world, rep, yongai, project):
    project.deadline = timezone.localdate() - dt.timedelta(days=1)
    project.save()
    with pytest.raises(IllegalTransition, match="截止日期"):
        pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))


def test_a_pledge_on_the_deadline_day_is_still_taken(world, rep, yongai, project):
    project.deadline = timezone.localdate()
    project.save()
    pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))


def test_an_unapproved_organization_cannot_pledge(world, rep, project):
    pending = WelfareOrganizationFactory(is_active=False, region=world.haishu, representatives=[rep])
    with pytest.raises(NotAllowed, match="已审核通过"):
        pledge_create(actor=rep, project=project, organization=pending, amount=Decimal("100"))


def test_someone_who_does_not_represent_it_cannot_pledge_for_it(world, yongai, project):
    with pytest.raises(NotAllowed):
        pledge_create(actor=UserFactory(), project=project, organization=yongai, amount=Decimal("100"))


def test_a_pledge_gives_something_the_project_asks_for(world, rep, yongai):
    goods_only = WelfareProjectFactory(region=world.haishu_community, target_amount=None)
    money_only = WelfareProjectFactory(region=world.haishu_community, target_goods="")
    with pytest.raises(ValidationError, match="至少一项"):
        pledge_create(actor=rep, project=goods_only, organization=yongai)
    with pytest.raises(ValidationError, match="只接受物资"):
        pledge_create(actor=rep, project=goods_only, organization=yongai, amount=Decimal("1"))
    with pytest.raises(ValidationError, match="只接受资金"):
        pledge_create(actor=rep, project=money_only, organization=yongai, goods="米")


def test_closing_twice_is_refused(world, project):
    project_close(actor=world.haishu_community_staff, project=project)
    assert project.status == ProjectStatus.CLOSED
    with pytest.raises(IllegalTransition, match="已结束"):
        project_close(actor=world.haishu_community_staff, project=project)
    with pytest.raises(IllegalTransition, match="不能修改"):
        project_update(actor=world.haishu_community_staff, project=project, title="新名称")


def test_a_received_pledge_on_a_closed_project_can_still_be_confirmed(world, rep, yongai, project):
    # Goods often arrive after the pledging ends.
    pledge = pledge_create(actor=rep, project=project, organization=yongai, amount=Decimal("100"))
    project_close(actor=world.haishu_community_staff, project=project)
    pledge_receive(actor=world.haishu_community_staff, pledge=pledge)
    project.refresh_from_db()
    assert project.received_amount == Decimal("100")


def test_staff_post_projects_only_in_their_scope(world):
    common = dict(title="助学包", description="新学期助学包", beneficiaries="困境儿童", deadline=timezone.localdate(),
                  target_amount=Decimal("5000"))  # fmt: skip
    project = project_create(actor=world.haishu_community_staff, region=world.haishu_community, **common)
    assert project.region == world.haishu_community
    with pytest.raises(NotAllowed):
        project_create(actor=world.jiangbei_staff, region=world.haishu_community, **common)
    with pytest.raises(NotAllowed):
        project_create(actor=world.haishu_secretary, region=world.haishu_community, **common)


def test_a_project_needs_a_target_and_a_deadline_not_past(world):
    common = dict(title="助学包", description="x", beneficiaries="困境儿童", region=world.haishu_community)
    with pytest.raises(ValidationError, match="至少一项"):
        project_create(actor=world.haishu_staff, deadline=timezone.localdate(), **common)
    with pytest.raises(ValidationError, match="不能早于今天"):
        project_create(
            actor=world.haishu_staff,
            deadline=timezone.localdate() - dt.timedelta(days=1),
            target_goods="书包",
            **common,
        )


def test_an_approved_social_organization_posts_in_its_region_and_manages_it(world, rep):
    social = WelfareOrganizationFactory(kind="social", region=world.haishu_street, representatives=[rep])
    project = project_create(
        actor=rep, organization=social, title="四点半课堂", description="x", beneficiaries="小学生",
        deadline=timezone.localdate(), target_goods="图书 300 册",
    )  # fmt: skip
    assert (project.region, project.posted_by_org) == (world.haishu_street, social)
    project_update(actor=rep, project=project, title="四点半课堂图书角")
    project_close(actor=rep, project=project)
    other = WelfareProjectFactory(region=world.haishu_community)
    with pytest.raises(NotAllowed):
        project_close(actor=rep, project=other)


def test_an_enterprise_does_not_post_projects(world, rep, yongai):
    with pytest.raises(NotAllowed):
        project_create(
            actor=rep, organization=yongai, title="x", description="x", beneficiaries="x",
            deadline=timezone.localdate(), target_goods="x",
        )  # fmt: skip


def test_registration_waits_for_approval_by_staff_of_its_region(world, django_capture_on_commit_callbacks):
    rep = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        org = organization_register(
            actor=rep, name="宁波港城物流有限公司", kind="enterprise", credit_code="9111 0000 8021 0043 3b",
            region=world.haishu_street, contact_name="郑港城", contact_mobile="138-0574-5505",
        )  # fmt: skip
    assert (org.is_active, org.credit_code, org.contact_mobile) == (
        False,
        "91110000802100433B",
        "13805745505",
    )
    assert list(org.representatives.all()) == [rep]
    # The street's staff are told (the nearest who may approve), not the district's or the city's.
    told = set(
        Message.objects.filter(title__contains="申请登记").values_list("recipient__username", flat=True)
    )
    assert told == {"haishu-street"}
    with pytest.raises(NotAllowed):
        organization_approve(actor=world.jiangbei_staff, organization=org)
    with pytest.raises(NotAllowed):
        organization_approve(actor=world.haishu_community_staff, organization=org)  # below the street
    with django_capture_on_commit_callbacks(execute=True):
        organization_approve(actor=world.haishu_street_staff, organization=org)
    assert org.is_active
    assert Message.objects.filter(recipient=rep, title__contains="已通过审核").exists()
    with pytest.raises(IllegalTransition):
        organization_approve(actor=world.haishu_street_staff, organization=org)


def test_a_credit_code_is_registered_once(world, yongai):
    from portal.errors import Conflict

    with pytest.raises(Conflict, match="已登记"):
        organization_register(
            actor=UserFactory(), name="另一家", kind="enterprise", credit_code=yongai.credit_code,
            region=world.haishu, contact_name="王小明", contact_mobile="13800000000",
        )  # fmt: skip


def test_a_typo_in_the_credit_code_is_refused_and_nothing_stored(world):
    with pytest.raises(ValidationError) as error:
        organization_register(
            actor=UserFactory(), name="另一家", kind="enterprise", credit_code="91110000802100434B",
            region=world.haishu, contact_name="王小明", contact_mobile="13800000000",
        )  # fmt: skip
    assert "credit_code" in error.value.message_dict


def test_a_refused_registration_is_gone_and_its_code_free(world):
    rep = UserFactory()
    org = WelfareOrganizationFactory(is_active=False, region=world.haishu, representatives=[rep])
    organization_reject(actor=world.haishu_staff, organization=org, reason="信用代码与名称不符")
    assert not type(org).objects.filter(pk=org.pk).exists()
    WelfareOrganizationFactory(credit_code=org.credit_code, region=world.haishu)


def test_an_approved_organization_is_not_rejected(world, yongai):
    with pytest.raises(IllegalTransition):
        organization_reject(actor=world.haishu_staff, organization=yongai, reason="x")


def test_withdrawn_pledges_leave_the_progress(world, rep, yongai, project):
    from wishes.models import WelfareProject
    from wishes.selectors.market import progress_of, with_progress

    PledgeFactory(project=project, organization=yongai, amount=Decimal("300"))
    PledgeFactory(project=project, organization=yongai, amount=Decimal("200"), status=PledgeStatus.WITHDRAWN)
    PledgeFactory(project=project, organization=yongai, amount=Decimal("500"), status=PledgeStatus.RECEIVED)
    progress = progress_of(with_progress(WelfareProject.objects.filter(pk=project.pk)).get())
    assert (progress.pledged, progress.pledge_count, progress.pledged_percent) == (Decimal("800"), 2, 8)
