"""A pledge form sent twice (two tabs, a double click) saves one pledge: the form carries a one-time
token kept in a unique column, so the database, not a check in Python, lets only one row in."""

import re
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.errors import Conflict
from tests.factories import UserFactory
from tests.harness import run_together
from tests.wishes.market_factories import WelfareOrganizationFactory, WelfareProjectFactory
from wishes.models import Pledge
from wishes.services.market import SubmittedTwice, pledge_create

TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


@pytest.fixture
def setup(world):
    rep = UserFactory()
    org = WelfareOrganizationFactory(region=world.haishu, representatives=[rep])
    project = WelfareProjectFactory(region=world.haishu_community, created_by=world.haishu_community_staff)
    return rep, org, project


@pytest.mark.django_db
def test_the_second_tab_is_told_and_no_second_pledge_is_saved(client, setup):
    rep, org, project = setup
    client.force_login(rep)
    page = client.get(reverse("wishes:market_project", args=[project.pk])).content.decode()
    token = TOKEN.search(page).group(1)
    data = {"organization": org.pk, "amount": "300", "submission_token": token}
    first = client.post(reverse("wishes:market_pledge", args=[project.pk]), data)
    assert first.status_code == 302
    second = client.post(reverse("wishes:market_pledge", args=[project.pk]), data, follow=True)
    assert "这次认捐已经提交过了" in second.content.decode()
    assert Pledge.objects.filter(project=project).count() == 1
    # The page shown after the refusal carries a fresh token: a real second pledge is still possible.
    assert TOKEN.search(second.content.decode()).group(1) != token


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", "not-a-uuid", "1" * 1000])
def test_a_form_without_a_valid_token_is_refused_and_nothing_saved(client, setup, token):
    rep, org, project = setup
    client.force_login(rep)
    data = {"organization": org.pk, "amount": "300", "submission_token": token}
    response = client.post(reverse("wishes:market_pledge", args=[project.pk]), data)
    assert response.status_code == 400
    assert "页面已过期" in response.content.decode()
    assert not Pledge.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_a_used_token_and_the_api_needs_none(setup):
    rep, org, project = setup
    token = uuid.uuid4()
    pledge_create(actor=rep, project=project, organization=org, amount=Decimal("1"), submission_token=token)
    with pytest.raises(SubmittedTwice):
        pledge_create(
            actor=rep, project=project, organization=org, amount=Decimal("1"), submission_token=token
        )
    # Without a token (the API, which has its Idempotency-Key) pledges are separate gifts.
    pledge_create(actor=rep, project=project, organization=org, amount=Decimal("1"))
    pledge_create(actor=rep, project=project, organization=org, amount=Decimal("1"))
    assert Pledge.objects.count() == 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_tabs_sending_one_pledge_form_save_one_row(setup):
    rep, org, project = setup
    token = uuid.uuid4()

    def tab() -> str:
        try:
            pledge_create(
                actor=rep, project=project, organization=org, amount=Decimal("50"), submission_token=token
            )
        except Conflict as error:
            assert "这次认捐已经提交过了" in error.message
            return "refused"
        return "saved"

    assert run_together([tab] * 10) == Counter({"saved": 1, "refused": 9})
    assert Pledge.objects.filter(project=project).count() == 1


WISH_TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')


@pytest.mark.django_db
def test_a_wish_form_sent_from_two_tabs_stores_one_wish(client, world):
    from wishes.models import Wish

    url = reverse("wishes:wish_new") + f"?community={world.haishu_community.code}"
    token = WISH_TOKEN.search(client.get(url).content.decode()).group(1)
    data = {
        "community": world.haishu_community.code,
        "name": "王小梅",
        "mobile": "13812345678",
        "category": "elderly_disabled",
        "title": "想要一把轮椅",
        "description": "老伴腿脚不便，想要一把轮椅",
        "value": "300",
        "consent": "on",
        "submission_token": token,
    }
    assert client.post(reverse("wishes:wish_new"), data).status_code == 302
    second = client.post(reverse("wishes:wish_new"), data)
    assert "这份心愿已经提交过了" in second.content.decode()
    assert Wish.objects.count() == 1
    missing = client.post(reverse("wishes:wish_new"), {**data, "submission_token": ""})
    assert "页面已过期" in missing.content.decode()
    assert Wish.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_tabs_sending_one_wish_form_store_one_wish(world):
    from wishes.models import Wish
    from wishes.services.submission import WishSubmittedTwice, wish_submit

    token = uuid.uuid4()

    def tab() -> str:
        try:
            wish_submit(
                name="王小梅", mobile="13812345678", community=world.haishu_community,
                category="elderly_disabled", title="想要一把轮椅", description="老伴腿脚不便",
                consent=True, submission_token=token,
            )  # fmt: skip
        except WishSubmittedTwice:
            return "refused"
        return "saved"

    assert run_together([tab] * 10) == Counter({"saved": 1, "refused": 9})
    assert Wish.objects.count() == 1
