"""The red/black list's filters (``fengling.filters.BoardFilter``): one branch with those below it, one
community, one list. A value that is not an id, a code or a list is shown as the form's error with no
entries, never a 500 and never the whole scope instead; another district's id names nothing."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fengling.models import BoardEntry, BoardKind, BoardStatus


def entry(member, organization, kind=BoardKind.BLACK, reason="缺席主题党日") -> BoardEntry:
    black = kind == BoardKind.BLACK
    return BoardEntry.objects.create(
        kind=kind,
        member=member,
        organization=organization,
        reason=reason,
        red_points=0 if black else 5,
        deadline=timezone.localdate() if black else None,
        status=BoardStatus.OPEN if black else BoardStatus.PRAISED,
    )


@pytest.fixture
def board(world):
    return {
        "haishu_branch": entry(world.haishu_members[0], world.haishu_branch, reason="海曙支部黑榜"),
        "haishu_red": entry(world.haishu_members[1], world.haishu_branch, BoardKind.RED, "海曙支部红榜"),
        "haishu_committee": entry(world.haishu_members[2], world.haishu_committee, reason="海曙党委黑榜"),
        "jiangbei": entry(world.jiangbei_members[0], world.jiangbei_branch, reason="江北支部黑榜"),
    }


def page(client, who, query: str):
    client.force_login(who)
    return client.get(reverse("fengling:board") + query)


def test_an_organization_shows_its_entries_and_those_below_it(client, world, board):
    response = page(client, world.haishu_staff, f"?organization={world.haishu_committee.pk}")
    text = response.content.decode()
    assert "海曙支部黑榜" in text and "海曙党委黑榜" in text and "江北支部黑榜" not in text
    assert world.haishu_committee.name in text  # the heading names the place
    text = page(client, world.haishu_staff, f"?organization={world.haishu_branch.pk}").content.decode()
    assert "海曙支部黑榜" in text and "海曙党委黑榜" not in text


def test_a_community_shows_its_organizations_entries(client, world, board):
    text = page(client, world.city_staff, f"?community={world.jiangbei_community.code}").content.decode()
    assert "江北支部黑榜" in text and "海曙支部黑榜" not in text and world.jiangbei_community.name in text


def test_a_kind_shows_one_list(client, world, board):
    text = page(client, world.haishu_staff, "?kind=red").content.decode()
    assert "海曙支部红榜" in text and "海曙支部黑榜" not in text


def test_another_districts_organization_names_nothing(client, world, board):
    response = page(client, world.haishu_staff, f"?organization={world.jiangbei_branch.pk}")
    text = response.content.decode()
    assert response.status_code == 200
    assert (
        world.jiangbei_branch.name not in text and "江北支部黑榜" not in text and "海曙支部黑榜" not in text
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?organization=" + "1" + "0" * 30, "organization"),  # 10^30: past any bigint
        ("?organization=abc", "organization"),
        ("?organization=-3", "organization"),
        ("?organization=0", "organization"),
        ("?community=33020300100" + "1" * 20, "community"),
        ("?community=abc", "community"),
        ("?community=330203%2B1", "community"),
        ("?community=%EF%BC%93%EF%BC%93", "community"),  # full-width digits
        ("?kind=green", "kind"),
    ],
)
def test_a_bad_filter_is_the_forms_error_with_no_entries(client, world, board, query, field):
    response = page(client, world.haishu_staff, query)
    assert response.status_code == 200
    assert response.context["filter"].errors[field]
    text = response.content.decode()
    assert 'class="form-errors" role="alert"' in text
    assert "海曙支部黑榜" not in text and "海曙支部红榜" not in text
    assert "/fengling/board/export.xlsx" not in text  # nothing to export from a refused filter


def test_an_unknown_community_shows_no_entries(client, world, board):
    text = page(client, world.haishu_staff, "?community=999999999999").content.decode()
    assert "海曙支部黑榜" not in text and "暂无黑榜" in text
