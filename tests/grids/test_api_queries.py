"""The list endpoints run a fixed number of queries, whether a page holds 10 rows or 200 of 1,000."""

import datetime as dt

import pytest

from grids.models import OrgKind, PartyMember, PartyOrganization, Region, RegionLevel
from tests.factories import World
from tests.harness import key_client, session_client


def add_regions(world: World, n: int) -> None:
    # Grid codes have three digits under their community: spread the grids over new communities.
    street, per_community = world.haishu_street, 500
    communities = Region.objects.bulk_create(
        Region(
            code=f"{street.code}{c:03d}",
            name=f"社区{c}",
            level=RegionLevel.COMMUNITY,
            parent=street,
            path=f"{street.path}{street.code}{c:03d}/",
        )
        for c in range(2, 3 + n // per_community)
    )
    Region.objects.bulk_create(
        Region(
            code=f"{community.code}{g:03d}",
            name=f"网格{g}",
            level=RegionLevel.GRID,
            parent=community,
            path=f"{community.path}{community.code}{g:03d}/",
        )
        for i in range(n)
        for community, g in [(communities[i // per_community], i % per_community)]
    )


def add_organizations(world: World, n: int) -> None:
    parent = world.haishu_committee
    orgs = PartyOrganization.objects.bulk_create(
        PartyOrganization(
            name=f"第{i}网格党支部", kind=OrgKind.GRID_BRANCH, region=world.haishu_grid, parent=parent
        )
        for i in range(n)
    )
    for org in orgs:
        org.path = f"{parent.path}{org.pk}/"
    PartyOrganization.objects.bulk_update(orgs, ["path"])


def add_members(world: World, n: int) -> None:
    branch = world.haishu_branch
    PartyMember.objects.bulk_create(
        PartyMember(
            name=f"党员{i}",
            gender="F",
            birth_date=dt.date(1975, 1, 1),
            join_date=dt.date(2000, 7, 1),
            organization=branch,
            region_id=branch.region_id,
            district_code=world.haishu.code,
            mobile=f"139{i:08d}",
        )
        for i in range(n)
    )


ADD = {"regions": add_regions, "organizations": add_organizations, "members": add_members}


@pytest.mark.parametrize("endpoint", ["regions", "organizations", "members"])
@pytest.mark.parametrize("rows", [10, 1000])
def test_a_session_user_lists_in_five_queries(world, django_assert_num_queries, endpoint, rows):
    ADD[endpoint](world, rows)
    client = session_client(world.haishu_staff)

    with django_assert_num_queries(5):
        # 1. the session  2. the user  3. the user's role assignments (scope)
        # 4. the page's ids (cursor pagination: no COUNT)  5. their rows, region/parent joined
        response = client.get(f"/api/v1/{endpoint}/?page_size=200")

    assert response.status_code == 200
    assert len(response.json()["results"]) >= min(rows, 200)


@pytest.mark.parametrize("endpoint", ["regions", "organizations", "members"])
@pytest.mark.parametrize("rows", [10, 1000])
def test_a_partner_key_lists_in_three_queries(world, django_assert_num_queries, endpoint, rows):
    ADD[endpoint](world, rows)
    client = key_client(world.haishu)

    with django_assert_num_queries(3):
        # 1. the key by its prefix, with its region  2. the page's ids  3. their rows
        response = client.get(f"/api/v1/{endpoint}/?page_size=200")

    assert response.status_code == 200
    assert len(response.json()["results"]) >= min(rows, 200)


@pytest.mark.parametrize("rows", [10, 1000])
def test_a_detail_reads_one_row(world, django_assert_num_queries, rows):
    add_members(world, rows)
    client = key_client(world.haishu)
    member = PartyMember.objects.filter(region=world.haishu_grid).last()

    with django_assert_num_queries(2):
        # 1. the key  2. the member, scoped, with its region
        assert client.get(f"/api/v1/members/{member.pk}/").status_code == 200
