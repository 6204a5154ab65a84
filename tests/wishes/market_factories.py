"""The welfare market for tests: an approved enterprise with its representative, an open project
posted by Haishu's community, and pledges."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from portal.validators import credit_code_check_char
from tests.factories import UserFactory
from wishes.models import Pledge, WelfareOrganization, WelfareOrgKind, WelfareProject


def make_credit_code(n: int, prefix: str = "91330203") -> str:
    first17 = f"{prefix}{n:09d}"
    return first17 + credit_code_check_char(first17)


class WelfareOrganizationFactory(DjangoModelFactory):
    class Meta:
        model = WelfareOrganization
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"宁波爱心企业{n}有限公司")
    kind = WelfareOrgKind.ENTERPRISE
    credit_code = factory.Sequence(lambda n: make_credit_code(n + 1))
    contact_name = "李永爱"
    contact_mobile = factory.Sequence(lambda n: f"139{n:08d}")
    is_active = True

    @factory.post_generation
    def representatives(obj, create, extracted, **kwargs):
        if create:
            obj.representatives.set(extracted if extracted is not None else [UserFactory()])


class WelfareProjectFactory(DjangoModelFactory):
    class Meta:
        model = WelfareProject

    title = factory.Sequence(lambda n: f"老年食堂助餐设备{n}")
    description = "为社区老年食堂添置保温送餐车。"
    target_amount = Decimal("10000")
    target_goods = "保温送餐车 2 台"
    beneficiaries = "独居老人 120 人"
    deadline = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    created_by = factory.SubFactory(UserFactory)


class PledgeFactory(DjangoModelFactory):
    class Meta:
        model = Pledge

    organization = factory.SubFactory(
        WelfareOrganizationFactory, region=factory.SelfAttribute("..project.region")
    )
    amount = Decimal("1000")
    pledged_by = factory.LazyAttribute(lambda p: p.organization.representatives.first())
