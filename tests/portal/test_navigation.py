import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory

from portal.context_processors import navigation
from tests.factories import UserFactory

PUBLIC = ["teams"]
PUBLIC_WISHES = ["wishes", "wish_new", "market"]
ALL = [
    "home",
    "dashboard",
    "wall",
    "activities",
    "tree",
    "members",
    "brands",
    "review",
    "bases",
    "fengling",
    "fengling_board",
    "events",
    *PUBLIC,
    "volunteers",
    "hours_review",
    *PUBLIC_WISHES,
    "wish_moderation",
    "roles",
    "api",
]


def nav_for(user, path: str = "/") -> list:
    request = RequestFactory().get(path)
    request.user = user
    return navigation(request)["nav_items"]


@pytest.mark.parametrize(
    ("who", "keys"),
    [
        ("volunteer", ["home", "wall", *PUBLIC, *PUBLIC_WISHES]),
        (
            "haishu_secretary",
            [
                "home",
                "wall",
                "activities",
                "tree",
                "members",
                "brands",
                "bases",
                "fengling",
                "fengling_board",
                "fengling_me",
                "events",
                *PUBLIC,
                *PUBLIC_WISHES,
                "wish_moderation",
                "api",
            ],
        ),
        ("haishu_street_staff", ALL),
        ("haishu_staff", ALL),
        # The city registers partners' webhooks and edits the Fengling indicator sets.
        ("city_staff", [*ALL[:11], "fengling_indicators", *ALL[11:], "webhooks"]),
    ],
)
def test_the_menu_shows_each_role_what_it_can_do(world, who, keys):
    assert [item.key for item in nav_for(getattr(world, who))] == keys


def test_an_active_volunteer_finds_events_their_page_and_their_claimed_wishes(world):
    from tests.volunteers.factories import VolunteerFactory

    volunteer = VolunteerFactory(community=world.haishu_community)
    assert [item.key for item in nav_for(volunteer.user)] == [
        "home",
        "wall",
        "events",
        *PUBLIC,
        "volunteer_me",
        "my_hours",
        *PUBLIC_WISHES,
        "my_wishes",
    ]


def test_visitors_see_only_the_public_pages(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        items = nav_for(AnonymousUser())
    assert [(item.key, str(item.label), item.url) for item in items] == [
        ("home", "首页", "/"),
        ("wall", "品牌墙", "/brands/"),
        ("teams", "志愿服务队", "/volunteers/teams/"),
        ("wishes", "心愿墙", "/wishes/"),
        ("wish_new", "提交微心愿", "/wishes/new/"),
        ("market", "公益集市", "/wishes/market/"),
    ]


def test_staff_without_a_role_only_get_the_api_docs(db):
    user = UserFactory(is_staff=True)
    assert [item.key for item in nav_for(user)] == ["home", "wall", *PUBLIC, *PUBLIC_WISHES, "api"]


def test_a_superuser_sees_everything(db):
    everything = [*ALL[:11], "fengling_indicators", *ALL[11:], "webhooks"]
    assert [item.key for item in nav_for(UserFactory(is_superuser=True))] == everything


def test_the_menu_costs_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1. the user's role assignments (with regions and organizations), reused for every item;
        # the volunteer entries read no profile for a user who holds no volunteer role
        nav_for(world.haishu_staff)


def test_an_event_organizer_finds_the_hours_queue_without_a_staff_role(world):
    from tests.volunteers.factories import EventFactory, VolunteerFactory

    volunteer = VolunteerFactory(community=world.haishu_community)
    assert "hours_review" not in [item.key for item in nav_for(volunteer.user)]
    EventFactory(region=world.haishu_community, created_by=volunteer.user)
    organizer = type(volunteer.user).objects.get(pk=volunteer.user.pk)
    assert "hours_review" in [item.key for item in nav_for(organizer)]


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", "home"),
        ("/grids/members/", "members"),
        ("/grids/members/42/edit/", "members"),
        ("/grids/members/import/7/", "members"),
        ("/brands/activities/new/", "activities"),
        ("/grids/tree/330203/", "tree"),
        ("/roles/new/", "roles"),
        ("/wishes/market/new/", "market"),
        ("/accounts/login/", None),
    ],
)
def test_it_marks_the_section_of_the_current_page(world, path, active):
    marked = [item.key for item in nav_for(world.haishu_staff, path) if item.active]
    assert marked == ([active] if active else [])


def test_a_view_can_choose_the_marked_item(world):
    request = RequestFactory().get("/grids/members/import/")
    request.user = world.haishu_staff
    html = render_to_string("base.html", {"nav_active": "members"}, request=request)
    assert html.count('aria-current="page"') == 1
    assert '<a href="/grids/members/" aria-current="page">党员</a>' in html


def test_the_home_page_shows_the_menu_name_and_logout_of_the_signed_in_user(client, world):
    world.haishu_staff.real_name = "王晓梅"
    world.haishu_staff.save()
    client.force_login(world.haishu_staff)
    html = client.get("/").content.decode()
    assert "王晓梅" in html
    assert '<a href="/roles/">角色授权</a>' in html
    assert '<a href="/" aria-current="page">首页</a>' in html
    assert 'action="/accounts/logout/"' in html


def test_the_home_page_offers_visitors_the_login(client, db):
    html = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in html
    assert "/roles/" not in html
    assert 'action="/accounts/logout/"' not in html
