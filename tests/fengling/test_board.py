"""The red/black list (红黑榜): red praises with red points; a black entry carries a deadline, stands
out once overdue, and is closed (销号) once corrected, once only."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fengling import services
from fengling.models import BoardEntry, BoardKind, BoardStatus
from portal.errors import Conflict, IllegalTransition


def black(world, deadline=None, reason="连续两月缺席主题党日"):
    return services.board_add(
        actor=world.haishu_secretary,
        member=world.haishu_members[0],
        kind=BoardKind.BLACK,
        reason=reason,
        deadline=deadline,
    )


def test_a_black_entry_gets_the_default_deadline(world, settings):
    entry = black(world)
    assert entry.status == BoardStatus.OPEN
    assert entry.deadline == timezone.localdate() + dt.timedelta(days=settings.FENGLING_BLACK_DAYS)


def test_a_red_entry_needs_red_points(world):
    with pytest.raises(ValidationError):
        services.board_add(
            actor=world.haishu_secretary, member=world.haishu_members[0], kind=BoardKind.RED, reason="x"
        )
    entry = services.board_add(
        actor=world.haishu_secretary,
        member=world.haishu_members[0],
        kind=BoardKind.RED,
        reason="防台值守",
        red_points=8,
    )
    assert (entry.status, entry.red_points, entry.deadline) == (BoardStatus.PRAISED, 8, None)


def test_a_deadline_in_the_past_is_refused(world):
    with pytest.raises(ValidationError):
        black(world, timezone.localdate() - dt.timedelta(days=1))


def test_closing_records_who_and_how_and_happens_once(world):
    entry = black(world)
    services.board_close(actor=world.haishu_secretary, entry=entry, note="已补学并作检讨")
    entry.refresh_from_db()
    assert entry.status == BoardStatus.CLOSED and entry.closed_by == world.haishu_secretary
    assert entry.closing_note == "已补学并作检讨" and entry.closed_at is not None
    with pytest.raises(IllegalTransition):
        services.board_close(actor=world.haishu_secretary, entry=entry, note="again")
    assert [r.history_change_reason for r in entry.history.order_by("history_id")] == ["上榜", "整改销号"]


def test_an_overdue_entry_stands_out_on_the_board(client, world):
    entry = black(world)
    BoardEntry.objects.filter(pk=entry.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    entry.refresh_from_db()
    assert entry.is_overdue
    client.force_login(world.haishu_community_staff)
    page = client.get(
        reverse("fengling:board") + f"?community={world.haishu_community.code}"
    ).content.decode()
    assert "fl-overdue" in page and "已逾期" in page


def test_the_page_action_closes_an_entry(client, world):
    entry = black(world)
    client.force_login(world.haishu_secretary)
    response = client.post(reverse("fengling:board_close", args=[entry.pk]), {"note": "已整改"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == BoardStatus.CLOSED


def test_a_branchs_board_lists_only_that_branch(client, world):
    black(world)
    services.board_add(
        actor=world.city_staff, member=world.jiangbei_members[0], kind=BoardKind.BLACK, reason="江北的"
    )
    client.force_login(world.city_staff)
    page = client.get(reverse("fengling:board") + f"?organization={world.haishu_branch.pk}").content.decode()
    assert "连续两月缺席主题党日" in page and "江北的" not in page


def test_the_board_shows_open_entries_first_and_pages_through_a_long_list(client, world):
    from fengling import views

    for n in range(views.BOARD_PREVIEW + 2):
        black(world, reason=f"缺席主题党日（第{n + 1}次）")
    closed = black(world, reason="未按时交纳党费")
    services.board_close(actor=world.haishu_secretary, entry=closed, note="已整改")
    BoardEntry.objects.filter(pk=closed.pk).update(deadline=timezone.localdate() - dt.timedelta(days=365))
    client.force_login(world.haishu_secretary)

    first = client.get(reverse("fengling:board")).content.decode()
    assert first.count('class="fl-entry fl-entry-black') == views.BOARD_PREVIEW
    assert "全部黑榜" in first and "全部红榜" not in first
    # The closed entry's deadline is the oldest, yet open entries come first.
    assert f'id="entry-{closed.pk}"' not in first

    whole = client.get(reverse("fengling:board") + "?kind=black").content.decode()
    assert whole.count('class="fl-entry fl-entry-black') == views.BOARD_PREVIEW + 3
    assert whole.index("fl-entry-black") < whole.index(f'id="entry-{closed.pk}"')
    assert "暂无红榜" not in whole and "fl-red-heading" not in whole


def test_the_same_entry_sent_twice_is_listed_once(world):
    """Two tabs (or a double tap) sending the same form: one black entry, one red entry and its points."""
    black(world)
    with pytest.raises(Conflict):
        black(world)
    member = world.haishu_members[0]

    def red():
        return services.board_add(
            actor=world.haishu_secretary, member=member, kind=BoardKind.RED, reason="防台值守", red_points=8
        )

    red()
    with pytest.raises(Conflict):
        red()
    assert BoardEntry.objects.filter(member=member, kind=BoardKind.BLACK).count() == 1
    assert BoardEntry.objects.filter(member=member, kind=BoardKind.RED).count() == 1


def test_another_reason_or_a_closed_entry_does_not_block_a_new_one(world):
    first = black(world)
    black(world, reason="未按时交纳党费")
    services.board_close(actor=world.haishu_secretary, entry=first, note="已整改")
    again = black(world)  # the same failing again, after the first was corrected
    assert again.pk != first.pk and again.status == BoardStatus.OPEN


def test_the_page_sent_twice_adds_one_entry_and_says_why(client, world):
    member = world.haishu_members[0]
    client.force_login(world.haishu_secretary)
    data = {
        "kind": BoardKind.BLACK,
        "reason": "连续两月缺席主题党日",
        "red_points": "",
        "deadline": f"{timezone.localdate() + dt.timedelta(days=30):%Y-%m-%d}",
    }
    url = reverse("fengling:board_add", args=[member.pk])
    assert client.post(url, data).status_code == 302
    second = client.post(url, data)
    assert second.status_code == 200 and "相同事由" in second.content.decode()
    assert BoardEntry.objects.filter(member=member).count() == 1
