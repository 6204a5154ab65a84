"""Members see their own score: the member record linked to the account, or the one their volunteer
profile is linked to. An account linked to none is told so; region staff are not offered the page."""

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from fengling import totals
from portal.context_processors import navigation
from tests.fengling.conftest import add_event
from tests.volunteers.factories import VolunteerFactory


def keys(user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return [i.key for i in navigation(request)["nav_items"]]


def test_a_member_with_an_account_sees_their_scores(client, world, community_behaviour):
    member = world.haishu_members[0]
    member.user = world.haishu_secretary
    member.save(update_fields=["user"])
    add_event(member, community_behaviour("S3"))
    totals.compute_months([timezone.localdate().replace(day=1)])
    client.force_login(world.haishu_secretary)
    page = client.get(reverse("fengling:me")).content.decode()
    assert 'id="fl-year-score">85<' in page and "参与应急抢险" in page


def test_a_volunteer_linked_to_a_member_sees_that_members_scores(client, world, community_behaviour):
    member = world.haishu_members[1]
    VolunteerFactory(user=world.volunteer, community=world.haishu_community, member=member)
    add_event(member, community_behaviour("P4"))
    totals.compute_months([timezone.localdate().replace(day=1)])
    client.force_login(world.volunteer)
    page = client.get(reverse("fengling:me")).content.decode()
    assert 'id="fl-year-score">77<' in page


def test_a_secretary_with_no_member_record_is_told_so(client, world):
    client.force_login(world.haishu_secretary)
    assert "尚未关联党员档案" in client.get(reverse("fengling:me")).content.decode()


def test_a_volunteer_not_linked_to_a_member_is_not_offered_the_page(client, world):
    VolunteerFactory(user=world.volunteer, community=world.haishu_community)
    client.force_login(world.volunteer)
    assert client.get(reverse("fengling:me")).status_code == 403
    assert "fengling_me" not in keys(world.volunteer)


def test_the_menu_offers_each_role_its_pages(world):
    assert {"fengling", "fengling_board", "fengling_indicators"} <= set(keys(world.city_staff))
    assert "fengling_me" not in keys(world.city_staff)
    secretary = keys(world.haishu_secretary)
    assert {"fengling", "fengling_board", "fengling_me"} <= set(
        secretary
    ) and "fengling_indicators" not in secretary
    assert "fengling" not in keys(world.volunteer) and "fengling_me" not in keys(world.volunteer)


def test_the_menu_still_costs_one_query_for_staff(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        keys(world.haishu_staff)
