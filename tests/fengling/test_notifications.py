"""A member hears, in the site's message centre, when they are scored, put on the red or black list,
and when their black entry is closed — if the member record is someone's account: its own link
(``PartyMember.user``) or the volunteer profile linked to it. A member with no account is told nothing,
and a refused event tells no one."""

import pytest
from django.utils import timezone

from fengling import services
from fengling.models import BoardKind
from portal.models import Message
from tests.factories import UserFactory
from tests.volunteers.factories import VolunteerFactory


def messages(kind_prefix: str = "fengling.") -> list[Message]:
    return list(Message.objects.filter(kind__startswith=kind_prefix).order_by("id"))


@pytest.fixture
def linked(world):
    """Haishu's first member is the volunteer account's member (through the volunteer profile)."""
    member = world.haishu_members[0]
    VolunteerFactory(user=world.volunteer, community=world.haishu_community, member=member)
    return member


def score(world, member, behaviour, captured):
    with captured(execute=True):
        return services.score_record(
            actor=world.haishu_secretary, member=member, behaviour=behaviour, occurred_on=timezone.localdate()
        )


def test_a_scored_member_with_a_volunteer_account_is_told(
    world, linked, community_behaviour, django_capture_on_commit_callbacks
):
    event = score(world, linked, community_behaviour("S3"), django_capture_on_commit_callbacks)
    [message] = messages()
    assert (message.recipient, message.kind, message.link) == (
        world.volunteer,
        "fengling.scored",
        "/fengling/me/",
    )
    assert f"{event.points:+d}" in message.title and event.behaviour.name in message.title


def test_a_member_record_linked_to_an_account_is_told_there(
    world, community_behaviour, django_capture_on_commit_callbacks
):
    member = world.haishu_members[1]
    member.user = UserFactory(username="member-account")
    member.save(update_fields=["user"])
    score(world, member, community_behaviour("S3"), django_capture_on_commit_callbacks)
    [message] = messages()
    # This account holds neither the secretary's role nor a linked volunteer profile: "我的锋领积分"
    # would answer 403, so the message carries no link to it.
    assert (message.recipient.username, message.link) == ("member-account", "")


def test_no_account_no_message(world, community_behaviour, django_capture_on_commit_callbacks):
    member = world.haishu_members[2]
    score(world, member, community_behaviour("S3"), django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.board_add(
            actor=world.haishu_secretary, member=member, kind=BoardKind.BLACK, reason="x"
        )
        services.board_close(actor=world.haishu_secretary, entry=entry, note="已整改")
    assert messages() == []


def test_a_refused_event_tells_no_one(world, linked, community_behaviour, django_capture_on_commit_callbacks):
    from fengling.services import LimitExceeded

    dues = community_behaviour("P2")  # 按时足额交纳党费: +1, at most 1 a month
    score(world, linked, dues, django_capture_on_commit_callbacks)
    with pytest.raises(LimitExceeded), django_capture_on_commit_callbacks(execute=True):
        services.score_record(
            actor=world.haishu_secretary,
            member=linked,
            behaviour=dues,
            occurred_on=timezone.localdate(),
            note="又一次",
        )
    assert len(messages()) == 1


def test_the_red_list_the_black_list_and_the_closing_are_told(
    world, linked, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.board_add(
            actor=world.haishu_secretary, member=linked, kind=BoardKind.RED, reason="防台值守", red_points=6
        )
        entry = services.board_add(
            actor=world.haishu_secretary, member=linked, kind=BoardKind.BLACK, reason="缺席主题党日"
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.board_close(actor=world.haishu_secretary, entry=entry, note="已补学")
    told = [(m.recipient, m.kind) for m in messages()]
    assert told == [
        (world.volunteer, "fengling.board_red"),
        (world.volunteer, "fengling.board_black"),
        (world.volunteer, "fengling.board_closed"),
    ]
    red, black, closed = messages()
    assert "6" in red.title and red.body == "防台值守"
    assert f"{entry.deadline:%Y-%m-%d}" in black.title and "缺席主题党日" in black.body
    assert "已补学" in closed.body


def test_the_page_scores_and_the_member_is_told_once(
    client, world, linked, community_behaviour, django_capture_on_commit_callbacks
):
    client.force_login(world.haishu_secretary)
    form = {"behaviour": community_behaviour("S3").pk, "occurred_on": timezone.localdate().isoformat()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fengling/members/{linked.pk}/record/", form)
    assert response.status_code == 302
    assert [m.recipient for m in messages()] == [world.volunteer]
