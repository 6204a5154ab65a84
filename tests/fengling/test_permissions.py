"""Who may open or post to which Fengling page: one table of role × method × page × expected status.

A secretary acts on their own branch's members only; a member, event or board entry of another
organization is a 404, as for a missing id (the rest of the portal does the same: another district's
ids are not confirmed to exist). A page whose gate the role fails (no staff scope, no change right)
is a 403. Region staff act within their region. The indicator
sets are the city's. A refused POST changes no row.
"""

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from fengling.models import Behaviour, BoardEntry, BoardKind, BoardStatus, ScoreCorrection, ScoreEvent
from tests.factories import World
from tests.fengling.conftest import add_event

Url = Callable[[World], str]


def named(url: Url, name: str) -> Url:
    url.__name__ = name
    return url


def member_page(key: str, page: str) -> Url:
    return named(
        lambda w: reverse(f"fengling:{page}", args=[getattr(w, f"{key}_members")[0].pk]), f"{page}({key})"
    )


def event_page(key: str) -> Url:
    return named(lambda w: reverse("fengling:correct", args=[w.events[key].pk]), f"correct({key})")


def close_page(key: str) -> Url:
    return named(lambda w: reverse("fengling:board_close", args=[w.entries[key].pk]), f"board_close({key})")


def missing(name: str, pk: int) -> Url:
    """An id no row has (or one past any bigint): the same 404 as another district's object."""
    return named(lambda w: reverse(f"fengling:{name}", args=[1]).replace("/1/", f"/{pk}/"), f"{name}({pk})")


def page(name: str) -> Url:
    return named(lambda w: reverse(f"fengling:{name}"), name)


def indicator_set() -> Url:
    return named(lambda w: reverse("fengling:indicator_set", args=[w.indicator_set_id]), "indicator_set")


MATRIX = [
    # The secretary of Haishu's branch: their members, nobody else's.
    ("haishu_secretary", "GET", page("index"), 200),
    ("haishu_secretary", "GET", member_page("haishu", "member"), 200),
    ("haishu_secretary", "GET", member_page("haishu", "record"), 200),
    ("haishu_secretary", "POST", member_page("haishu", "record"), 302),
    ("haishu_secretary", "GET", member_page("jiangbei", "member"), 404),
    ("haishu_secretary", "GET", member_page("jiangbei", "record"), 404),
    ("haishu_secretary", "POST", member_page("jiangbei", "record"), 404),
    ("haishu_secretary", "GET", event_page("haishu"), 200),
    ("haishu_secretary", "POST", event_page("haishu"), 302),
    ("haishu_secretary", "POST", event_page("jiangbei"), 404),
    ("haishu_secretary", "GET", member_page("haishu", "board_add"), 200),
    ("haishu_secretary", "POST", member_page("haishu", "board_add"), 302),
    ("haishu_secretary", "POST", member_page("jiangbei", "board_add"), 404),
    ("haishu_secretary", "POST", close_page("haishu"), 302),
    ("haishu_secretary", "POST", close_page("jiangbei"), 404),
    ("haishu_secretary", "GET", page("board"), 200),
    ("haishu_secretary", "GET", page("me"), 200),
    ("haishu_secretary", "GET", page("indicators"), 403),
    # The other district's secretary: Haishu's members are not theirs.
    ("jiangbei_secretary", "GET", member_page("haishu", "member"), 404),
    ("jiangbei_secretary", "POST", member_page("haishu", "record"), 404),
    ("jiangbei_secretary", "POST", event_page("haishu"), 404),
    ("jiangbei_secretary", "POST", close_page("haishu"), 404),
    # District staff: their district.
    ("haishu_staff", "GET", page("index"), 200),
    ("haishu_staff", "POST", member_page("haishu", "record"), 302),
    ("haishu_staff", "POST", member_page("jiangbei", "record"), 404),
    ("haishu_staff", "GET", member_page("jiangbei", "member"), 404),
    ("haishu_staff", "GET", event_page("jiangbei"), 404),
    ("haishu_staff", "GET", member_page("jiangbei", "board_add"), 404),
    ("haishu_staff", "POST", close_page("jiangbei"), 404),
    ("jiangbei_staff", "GET", event_page("haishu"), 404),
    ("jiangbei_staff", "GET", event_page("jiangbei"), 200),
    ("haishu_staff", "GET", page("indicators"), 403),
    ("haishu_staff", "GET", page("me"), 403),
    # City staff: everything, and the indicator sets.
    ("city_staff", "GET", member_page("jiangbei", "member"), 200),
    ("city_staff", "GET", page("indicators"), 200),
    ("city_staff", "GET", missing("member", 987654321), 404),
    ("city_staff", "GET", missing("member", 10**30), 404),
    ("city_staff", "POST", missing("correct", 987654321), 404),
    ("city_staff", "POST", missing("board_close", 987654321), 404),
    ("city_staff", "GET", indicator_set(), 200),
    ("city_staff", "POST", indicator_set(), 302),
    # A volunteer: their own score only.
    ("volunteer", "GET", page("index"), 403),
    ("volunteer", "GET", page("board"), 403),
    ("volunteer", "POST", member_page("haishu", "record"), 403),
    ("volunteer", "POST", close_page("haishu"), 403),
    ("volunteer", "GET", page("me"), 403),  # no profile linked to a member (tests/fengling/test_me.py)
    ("volunteer", "GET", page("indicators"), 403),
    ("volunteer", "POST", indicator_set(), 403),
    # Not signed in: to the login page.
    (None, "GET", page("index"), 302),
    (None, "POST", member_page("haishu", "record"), 302),
    (None, "GET", page("me"), 302),
]


def _prepare(world: World) -> None:
    behaviour = Behaviour.objects.get(indicator_set__field="community", code="S3")
    world.behaviour = behaviour
    world.events = {
        key: add_event(getattr(world, f"{key}_members")[1], behaviour) for key in ("haishu", "jiangbei")
    }
    world.entries = {
        key: BoardEntry.objects.create(
            kind=BoardKind.BLACK,
            member=getattr(world, f"{key}_members")[2],
            organization=getattr(world, f"{key}_branch"),
            reason="缺席组织生活",
            deadline=timezone.localdate(),
            status=BoardStatus.OPEN,
        )
        for key in ("haishu", "jiangbei")
    }
    world.indicator_set_id = behaviour.indicator_set_id


def _form(world: World, url: str) -> dict:
    if "/record/" in url:
        return {
            "behaviour": world.behaviour.pk,
            "occurred_on": timezone.localdate().isoformat(),
            "note": "防汛值守",
        }
    if "/correct/" in url:
        return {"points": 1, "reason": "核减"}
    if "/board/" in url and "/members/" in url:
        return {"kind": "red", "reason": "带头值守", "red_points": 5}
    if "/close/" in url:
        return {"note": "已补课"}
    if "/indicators/" in url:
        return {
            f"b{b.pk}-{k}": v
            for b in Behaviour.objects.filter(indicator_set_id=world.indicator_set_id)
            for k, v in (("name", b.name), ("points", b.points), ("monthly_limit", b.monthly_limit))
        }
    return {}


def _rows() -> tuple:
    return (
        ScoreEvent.objects.count(),
        ScoreCorrection.objects.count(),
        BoardEntry.objects.filter(status=BoardStatus.OPEN).count(),
        BoardEntry.objects.count(),
    )


@pytest.mark.parametrize(("who", "method", "url", "expected"), MATRIX)
def test_permission_matrix(client, world, who, method, url, expected):
    _prepare(world)
    if who:
        client.force_login(getattr(world, who))
    address = url(world)
    before = _rows()
    response = client.get(address) if method == "GET" else client.post(address, _form(world, address))
    assert response.status_code == expected, (who, method, address)
    if method == "POST" and expected != 302:
        assert _rows() == before
    if method == "POST" and expected == 302 and who and "/indicators/" not in address:
        assert _rows() != before
