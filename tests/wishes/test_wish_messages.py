"""Who hears of a wish's steps: its moderators when it comes in, and the resident by SMS (only
with their consent) when it comes in, is published or is turned down — once each."""

from decimal import Decimal

import pytest

from portal.models import Message
from wishes.services import resident_sms
from wishes.services.moderation import wish_approve, wish_reject
from wishes.services.submission import wish_submit

SENT: list = []


class RecordingSmsBackend:
    def send_messages(self, messages) -> int:
        SENT.extend(messages)
        return len(messages)


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SMS_BACKEND = "tests.wishes.test_wish_messages.RecordingSmsBackend"
    SENT.clear()
    return SENT


def submit(world, **overrides):
    fields = {
        "name": "王小梅",
        "mobile": "13812345678",
        "community": world.haishu_community,
        "category": "appliance_repair",
        "title": "洗衣机不脱水",
        "description": "请人上门看看。",
        "value_yuan": Decimal("100"),
        "consent": True,
        **overrides,
    }
    return wish_submit(**fields)


def test_the_communitys_moderators_hear_of_a_new_wish(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wish = submit(world)
    told = set(Message.objects.filter(kind="wishes.submitted").values_list("recipient__username", flat=True))
    # Community staff and the secretary of a branch in the community; not Jiangbei, not the district.
    assert told == {"haishu-community", "haishu-sec"}
    assert Message.objects.filter(kind="wishes.submitted").first().link == f"/wishes/moderation/{wish.pk}/"


def test_a_resident_who_agreed_gets_each_step_by_sms_once(world, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wish = submit(world, sms_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        wish_approve(actor=world.haishu_community_staff, wish=wish)
    assert [m.mobile for m in sms] == ["13812345678", "13812345678"]
    assert wish.tracking_code_display in sms[0].text and "已通过审核" in sms[1].text
    resident_sms.deliver(wish_id=wish.pk, event="published", text="again")  # a redelivered task
    assert len(sms) == 2


def test_a_rejection_text_carries_the_reason(world, sms, django_capture_on_commit_callbacks):
    wish = submit(world, sms_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        wish_reject(actor=world.haishu_community_staff, wish=wish, reason="请到社区服务中心办理")
    assert "请到社区服务中心办理" in sms[-1].text


def test_no_sms_without_consent(world, sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        wish = submit(world)
        wish_approve(actor=world.haishu_community_staff, wish=wish)
    assert sms == []
