"""The volunteer menu entries follow the gates of their pages: 志愿者 for staff holding a region,
我的志愿 for those with a profile, 成为志愿者 for the signed-in without one."""

from django.test import RequestFactory

from portal.context_processors import navigation
from tests.volunteers.factories import VolunteerFactory


def menu(user) -> tuple[list[str], list[str]]:
    request = RequestFactory().get("/")
    request.user = user
    items = navigation(request)
    return [i.key for i in items["nav_items"]], [i.key for i in items["account_items"]]


def test_a_volunteer_sees_my_page_and_not_the_sign_up(world):
    VolunteerFactory(user=world.volunteer, community=world.haishu_community)
    main, account = menu(world.volunteer)
    assert "volunteer_me" in main and "volunteers" not in main
    assert "volunteer_register" not in account


def test_a_signed_in_person_without_a_profile_is_offered_the_sign_up(world):
    main, account = menu(world.volunteer)
    assert "volunteer_me" not in main and "volunteer_register" in account


def test_staff_see_the_volunteer_list_and_secretaries_do_not(world):
    assert "volunteers" in menu(world.haishu_community_staff)[0]
    assert "volunteers" not in menu(world.haishu_secretary)[0]


def test_the_menu_still_costs_one_query_for_a_staff_user(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1. the role assignments: they answer the staff gates and "has a volunteer profile?" too
        menu(world.haishu_staff)
