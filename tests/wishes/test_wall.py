"""The public wish wall: masked names, filters by place and category, keyset pages, a constant
number of queries, and a live refresh that answers 304 when nothing changed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grids.models import Region, RegionLevel
from tests.wishes.claim_helpers import _media_in_tmp, confirmed, published, volunteer  # noqa: F401
from volunteers.models import Specialty
from wishes.models import WishCategory, WishStatus
from wishes.selectors.wall import SUGGESTIONS, WALL_PAGE_SIZE, for_specialties, near_me
from wishes.views.claims import CSRF_SLOT

pytestmark = pytest.mark.django_db


def test_the_wall_shows_masked_names_and_never_a_mobile(client, world):
    published(world, resident_name="王小梅", resident_mobile="13812345678", title="想要一把轮椅")
    html = client.get(reverse("wishes:wall")).content.decode()
    assert "想要一把轮椅" in html and "王*梅" in html and world.haishu_community.name in html
    assert "王小梅" not in html and "13812345678" not in html and "1381234" not in html


def test_it_filters_by_district_street_community_and_category(client, world):
    published(world, title="海曙的轮椅")
    published(world, community=world.jiangbei_community, title="江北的书包", category=WishCategory.SCHOOLING)
    by_district = client.get(reverse("wishes:wall"), {"district": world.jiangbei.code}).content.decode()
    assert "江北的书包" in by_district and "海曙的轮椅" not in by_district
    by_street = client.get(
        reverse("wishes:wall"), {"district": world.haishu.code, "street": world.haishu_street.code}
    ).content.decode()
    assert "海曙的轮椅" in by_street and "江北的书包" not in by_street
    by_category = client.get(reverse("wishes:wall"), {"category": "schooling"}).content.decode()
    assert "江北的书包" in by_category and "海曙的轮椅" not in by_category


def test_unknown_filters_and_cursors_are_ignored_not_errors(client, world):
    published(world, title="海曙的轮椅")
    for query in (
        {"district": "x" * 500},
        {"after": "9" * 40 + ".1"},
        {"after": "abc"},
        {"street": "330203001"},
    ):
        response = client.get(reverse("wishes:wall"), query)
        assert response.status_code == 200


def test_pages_follow_the_cursor_without_repeating_a_wish(client, world):
    titles = [published(world, title=f"心愿{i:02d}").title for i in range(WALL_PAGE_SIZE + 5)]
    first = client.get(reverse("wishes:wall")).content.decode()
    cursor = re.search(r'after=([^"&]+)" rel="next"', first).group(1)
    second = client.get(reverse("wishes:wall"), {"after": cursor}).content.decode()
    seen = re.findall(r"<h3>(心愿\d\d)</h3>", first) + re.findall(r"<h3>(心愿\d\d)</h3>", second)
    assert sorted(seen) == sorted(titles) and len(set(seen)) == len(seen)
    assert 'rel="next"' not in second


def test_the_wall_costs_the_same_queries_for_5_or_40_wishes(client, world, django_assert_num_queries):
    for count in (5, 35):
        for _ in range(count):
            published(world)
        cache.clear()
        with django_assert_num_queries(4):
            # 1. the districts for the filter, 2. the newest change of any wish (the key of the
            # rendered cards), 3. the page of wishes with their communities, 4. the thank-yous
            client.get(reverse("wishes:wall"))
        with django_assert_num_queries(3):
            # the cards rendered once for every reader until the wall changes
            client.get(reverse("wishes:wall"))


def test_thank_yous_of_confirmed_wishes_are_on_the_wall(client, world):
    confirmed(world)
    html = client.get(reverse("wishes:wall")).content.decode()
    assert "谢谢小张！" in html


def test_a_volunteer_sees_wishes_near_them_first(client, world):
    published(world, community=world.jiangbei_community, title="远处的心愿")
    published(world, title="本社区的心愿")
    me = volunteer(world)
    client.force_login(me.user)
    response = client.get(reverse("wishes:wall"))
    assert [w.title for w in response.context["near_me"]] == ["本社区的心愿"]
    assert "认领" in response.content.decode()


def test_near_me_ranks_community_then_street_then_district_whatever_is_newer(world):
    haishu = world.haishu_street
    neighbour = Region.objects.create(
        code="330203001002", name="海曙区二社区", level=RegionLevel.COMMUNITY, parent=haishu
    )
    other_street = Region.objects.create(
        code="330203002", name="海曙区二街道", level=RegionLevel.STREET, parent=world.haishu
    )
    far = Region.objects.create(
        code="330203002001", name="海曙区远社区", level=RegionLevel.COMMUNITY, parent=other_street
    )
    now = timezone.now()
    # The farther, the newer: a ranking by date alone would put them first.
    mine = published(world, title="本社区", published_at=now - dt.timedelta(days=3))
    street = published(world, community=neighbour, title="本街道", published_at=now - dt.timedelta(days=2))
    for n in range(SUGGESTIONS):
        published(world, community=far, title=f"本区{n}", published_at=now - dt.timedelta(hours=n))
    published(world, community=world.jiangbei_community, title="江北", published_at=now)
    me = volunteer(world)
    assert [w.title for w in near_me(me)] == [mine.title, street.title, "本区0", "本区1"]


def test_specialty_wishes_come_from_the_district_first_then_the_city(world):
    medical = Specialty.objects.get_or_create(code="medical", defaults={"name": "医疗"})[0]
    me = volunteer(world)
    me.specialties.set([medical])
    now = timezone.now()
    health = WishCategory.HEALTH
    ours = published(world, category=health, title="海曙的药箱", published_at=now - dt.timedelta(days=9))
    for n in range(SUGGESTIONS):
        published(
            world,
            community=world.jiangbei_community,
            category=health,
            title=f"江北的药箱{n}",
            published_at=now - dt.timedelta(hours=n),
        )
    published(world, category=WishCategory.SCHOOLING, title="海曙的书包", published_at=now)
    titles = [w.title for w in for_specialties(me)]
    assert titles == [ours.title, "江北的药箱0", "江北的药箱1", "江北的药箱2"]


def test_visitors_see_no_claim_button(client, world):
    published(world)
    html = client.get(reverse("wishes:wall")).content.decode()
    assert 'action="/wishes/' not in html


def test_the_live_refresh_answers_304_with_one_query_when_nothing_changed(
    client, world, django_assert_num_queries
):
    published(world, title="第一个")
    first = client.get(reverse("wishes:wall_live"))
    assert first.status_code == 200 and "第一个" in first.content.decode()
    etag = first["ETag"]
    with django_assert_num_queries(1):
        # 1. the newest updated_at of all wishes (an index lookup); no session, no user
        again = client.get(reverse("wishes:wall_live"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    since = client.get(reverse("wishes:wall_live"), headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    published(world, title="第二个")
    changed = client.get(reverse("wishes:wall_live"), headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "第二个" in changed.content.decode()


def test_english_visitors_get_the_wall_in_english(client, world):
    from django.conf import settings
    from django.utils import translation

    from tests.portal.test_i18n import CJK, visible_text

    for url in (reverse("wishes:wall"), reverse("wishes:wall_live")):
        try:
            html = client.get(url, headers={"Accept-Language": "en"}).content.decode()
        finally:
            # The middleware leaves English active in this thread: later tests expect Chinese.
            translation.activate(settings.LANGUAGE_CODE)
        text = visible_text(html).replace("简体中文", "")
        # Region names are data (the district list); everything else is translated.
        for region in (world.haishu, world.jiangbei):
            text = text.replace(region.name, "")
        assert not CJK.findall(text), CJK.findall(text)


def test_the_live_list_is_rendered_once_and_each_volunteer_claims_with_their_own_token(world):
    wish = published(world, title="共享的轮椅")
    readers = []
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        reader.force_login(volunteer(world).user)
        readers.append(reader)
    readers[0].get(reverse("wishes:wall_live"), {"v": "1"})
    with CaptureQueriesContext(connection) as seen:
        html = readers[1].get(reverse("wishes:wall_live"), {"v": "1"}).content.decode()
    assert not [q["sql"] for q in seen if '"wishes_wish"."title"' in q["sql"]], (
        "the cards came from the cache"
    )
    assert "共享的轮椅" in html and CSRF_SLOT not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    claimed = readers[1].post(reverse("wishes:claim", args=[wish.pk]), {"csrfmiddlewaretoken": token})
    assert claimed.status_code == 302
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED


def test_a_visitor_polling_after_a_volunteer_gets_no_claim_buttons(client, world):
    published(world)
    reader = Client()
    reader.force_login(volunteer(world).user)
    assert 'action="/wishes/' in reader.get(reverse("wishes:wall_live"), {"v": "1"}).content.decode()
    assert 'action="/wishes/' not in client.get(reverse("wishes:wall_live"), {"v": "1"}).content.decode()
