import pytest

from portal.models import Role, RoleAssignment
from tests.factories import UserFactory
from tests.harness import domain_rows


@pytest.fixture
def newcomer(db):
    return UserFactory(username="newcomer")


def test_district_staff_grants_a_street_role_in_their_district(world, client, newcomer):
    client.force_login(world.haishu_staff)
    response = client.post(
        "/roles/new/", {"user": "newcomer", "role": Role.STREET_STAFF, "region": world.haishu_street.pk}
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    assert assignment.region == world.haishu_street
    assert assignment.granted_by == world.haishu_staff


def test_it_refuses_a_place_in_another_district(world, client, newcomer):
    client.force_login(world.haishu_staff)
    response = client.post(
        "/roles/new/", {"user": "newcomer", "role": Role.STREET_STAFF, "region": world.jiangbei_street.pk}
    )
    assert response.status_code == 200
    assert "region" in response.context["form"].errors
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_it_refuses_a_staff_role_at_the_grantors_own_level(world, client, newcomer):
    client.force_login(world.haishu_staff)
    response = client.post(
        "/roles/new/", {"user": "newcomer", "role": Role.DISTRICT_STAFF, "region": world.haishu.pk}
    )
    assert "只能为本级以下" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_it_refuses_a_role_at_the_wrong_level(world, client, newcomer):
    client.force_login(world.haishu_staff)
    response = client.post(
        "/roles/new/", {"user": "newcomer", "role": Role.STREET_STAFF, "region": world.haishu_community.pk}
    )
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


def test_a_branch_secretary_is_granted_for_an_organization(world, client, newcomer):
    client.force_login(world.haishu_street_staff)
    response = client.post(
        "/roles/new/",
        {"user": "newcomer", "role": Role.BRANCH_SECRETARY, "organization": world.haishu_branch.pk},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.get(user=newcomer).organization == world.haishu_branch


def test_the_list_hides_other_districts(world, client):
    client.force_login(world.haishu_staff)
    response = client.get("/roles/")
    users = {a.user.username for a in response.context["assignments"]}
    assert "haishu-sec" in users
    assert "jiangbei-sec" not in users and "jiangbei" not in users


def test_it_cannot_revoke_another_districts_assignment(world, client):
    client.force_login(world.haishu_staff)
    target = RoleAssignment.objects.get(user=world.jiangbei_secretary)
    assert client.post(f"/roles/{target.pk}/revoke/").status_code == 404
    assert RoleAssignment.objects.filter(pk=target.pk).exists()


def test_it_revokes_in_scope(world, client):
    client.force_login(world.haishu_staff)
    target = RoleAssignment.objects.get(user=world.haishu_secretary)
    assert client.post(f"/roles/{target.pk}/revoke/").status_code == 302
    assert not RoleAssignment.objects.filter(pk=target.pk).exists()


@pytest.mark.parametrize("username", ["haishu-sec", "volunteer"])
def test_roles_pages_are_for_staff_only(world, client, username):
    client.force_login(world.__dict__[{"haishu-sec": "haishu_secretary", "volunteer": "volunteer"}[username]])
    assert client.get("/roles/").status_code == 403
    assert client.get("/roles/new/").status_code == 403


def test_grants_and_revocations_are_kept_with_who_did_them(world, client, newcomer):
    client.force_login(world.haishu_staff)
    client.post(
        "/roles/new/", {"user": "newcomer", "role": Role.STREET_STAFF, "region": world.haishu_street.pk}
    )
    assignment = RoleAssignment.objects.get(user=newcomer)
    client.post(f"/roles/{assignment.pk}/revoke/")

    events = list(RoleAssignment.history.filter(id=assignment.pk).order_by("history_date"))
    assert [(e.history_type, e.history_user) for e in events] == [
        ("+", world.haishu_staff),
        ("-", world.haishu_staff),
    ]


PERMISSIONS = [
    # (who, method, page, expected status). role_create grants a newcomer Haishu's street;
    # role_revoke takes away the Haishu secretary's assignment. A refused POST changes no row.
    ("haishu_staff", "GET", "/roles/", 200),
    ("city_staff", "GET", "/roles/new/", 200),
    ("partner", "GET", "/roles/", 403),
    ("partner", "GET", "/roles/new/", 403),
    ("haishu_staff", "POST", "/roles/new/", 302),
    ("city_staff", "POST", "/roles/new/", 302),
    ("haishu_street_staff", "POST", "/roles/new/", 200),  # only below their own level
    ("jiangbei_staff", "POST", "/roles/new/", 200),  # the form refuses a Haishu place
    ("haishu_secretary", "POST", "/roles/new/", 403),
    ("volunteer", "POST", "/roles/new/", 403),
    ("partner", "POST", "/roles/new/", 403),
    ("haishu_staff", "POST", "revoke", 302),
    ("haishu_community_staff", "POST", "revoke", 302),
    ("jiangbei_staff", "POST", "revoke", 404),
    ("jiangbei_secretary", "POST", "revoke", 403),  # no one's roles to manage
    ("haishu_secretary", "POST", "revoke", 403),
    ("volunteer", "POST", "revoke", 403),
    ("partner", "POST", "revoke", 403),
]


@pytest.mark.parametrize(("who", "method", "page", "expected"), PERMISSIONS)
def test_role_page_permissions(world, client, newcomer, who, method, page, expected):
    client.force_login(getattr(world, who))
    if method == "GET":
        assert client.get(page).status_code == expected
        return
    if page == "revoke":
        page = f"/roles/{RoleAssignment.objects.get(user=world.haishu_secretary).pk}/revoke/"
        data = {}
    else:
        data = {"user": "newcomer", "role": Role.STREET_STAFF, "region": world.haishu_street.pk}
    before = domain_rows()
    assert client.post(page, data).status_code == expected
    if expected != 302:
        assert domain_rows() == before


def test_the_list_leaves_volunteer_roles_to_the_volunteer_pages_and_pages_through_the_rest(
    world, client, django_assert_num_queries
):
    from portal import views

    volunteers = UserFactory.create_batch(3)
    for user in volunteers:
        RoleAssignment.objects.create(user=user, role=Role.VOLUNTEER, region=world.haishu_community)
    for user in UserFactory.create_batch(views.ROLES_PER_PAGE):
        RoleAssignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, region=world.haishu_community)
    client.force_login(world.haishu_staff)

    first = client.get("/roles/")
    listed = {a.user_id for a in first.context["assignments"]}
    assert len(listed) == views.ROLES_PER_PAGE and not listed & {u.pk for u in volunteers}
    assert first.context["page"].has_next()
    second = client.get("/roles/?page=2")
    assert not {a.user_id for a in second.context["assignments"]} & listed


def test_the_volunteer_role_is_neither_granted_nor_revoked_here(world, client, newcomer):
    client.force_login(world.haishu_staff)
    response = client.post(
        "/roles/new/", {"user": "newcomer", "role": Role.VOLUNTEER, "region": world.haishu_community.pk}
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    held = RoleAssignment.objects.create(user=newcomer, role=Role.VOLUNTEER, region=world.haishu_community)

    client.post(f"/roles/{held.pk}/revoke/")

    assert RoleAssignment.objects.filter(pk=held.pk).exists()
    assert not RoleAssignment.objects.filter(user=newcomer).exclude(pk=held.pk).exists()
