import datetime as dt
import random
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from grids.demo import (
    CITY_COMMUNITIES,
    CITY_GRIDS,
    CITY_MEMBERS,
    DEMO_COMMUNITY_CODE,
    SCALES,
    build_plan,
    make_id_number,
)
from grids.models import (
    BRANCH_KINDS,
    CODE_LENGTH,
    LEVEL_ORDER,
    PartyMember,
    PartyOrganization,
    Region,
    RegionLevel,
    years_between,
)
from portal.management.commands.seed_demo import DEMO_ACCOUNTS
from portal.models import PartnerAPIKey, Role, RoleAssignment, User
from portal.scoping import grants_for
from portal.validators import id_birth_date, id_gender, validate_id_number

NINGBO = {
    "330203": "海曙区",
    "330205": "江北区",
    "330206": "北仑区",
    "330211": "镇海区",
    "330212": "鄞州区",
    "330213": "奉化区",
    "330225": "象山县",
    "330226": "宁海县",
    "330281": "余姚市",
    "330282": "慈溪市",
}


def seed_small() -> str:
    out = StringIO()
    call_command("seed_demo", scale="small", allow_demo_accounts=True, stdout=out)
    return out.getvalue()


@pytest.fixture
def output(db) -> str:
    return seed_small()


def counts() -> dict[str, int]:
    models = (Region, PartyOrganization, PartyMember, User, RoleAssignment, PartnerAPIKey)
    return {model.__name__: model.objects.count() for model in models}


def test_it_builds_ningbo_and_its_ten_districts_with_their_official_codes(output):
    city = Region.objects.get(level=RegionLevel.CITY)
    districts = Region.objects.filter(level=RegionLevel.DISTRICT)

    assert (city.code, city.name) == ("330200", "宁波市")
    assert dict(districts.values_list("code", "name")) == NINGBO
    assert set(districts.values_list("parent_id", flat=True)) == {city.pk}


def test_it_places_the_real_streets_and_communities_of_the_reports(output):
    names = dict(Region.objects.values_list("code", "name"))

    assert names["330203003"] == "西门街道"
    assert names[DEMO_COMMUNITY_CODE] == "朝阳社区"
    assert names["330206002001"] == "大港社区"
    assert names["330281103201"] == "谢家路村"  # villages are numbered from 201
    assert names["330205103201"] == "毛岙村"


def test_every_region_has_a_code_of_its_level_under_its_parent(output):
    levels = list(LEVEL_ORDER)
    for region in Region.objects.select_related("parent").exclude(level=RegionLevel.CITY):
        assert len(region.code) == CODE_LENGTH[region.level], region.code
        assert levels.index(region.level) == levels.index(region.parent.level) + 1
        # A city's code is 6 digits but only its first 4 (3302) are significant for its districts.
        significant = 4 if region.parent.level == RegionLevel.CITY else CODE_LENGTH[region.parent.level]
        assert region.code.startswith(region.parent.code[:significant]), region.code
        assert region.path == Region.build_path(region.parent, region.code)


def test_organizations_follow_the_region_tree_and_are_led_by_their_own_members(output):
    orgs = PartyOrganization.objects.select_related("parent__region", "region", "secretary")
    for org in orgs:
        parent_path = org.parent.path if org.parent else ""
        assert org.path == f"{parent_path}{org.pk}/"
        assert org.secretary.organization_id == org.pk, org.name
        org.full_clean()  # inside its parent's region; the secretary is one of its members
    grids = Region.objects.filter(level=RegionLevel.GRID)
    assert set(grids.values_list("pk", flat=True)) == set(
        PartyOrganization.objects.filter(region__level=RegionLevel.GRID).values_list("region_id", flat=True)
    )


def test_members_carry_valid_masked_and_hashed_id_numbers(output):
    members = list(PartyMember.objects.select_related("organization"))

    assert 1000 < len(members) < 3000
    assert len({m.id_number_hash for m in members}) == len(members)
    for m in members:
        assert re.fullmatch(r"[0-9a-f]{64}", m.id_number_hash)
        assert re.fullmatch(r"\d{3}\*{11}\d{3}[\dX]", m.id_number_masked)
        # The masked tail keeps the 17th digit: odd for men, even for women.
        assert int(m.id_number_masked[-2]) % 2 == (m.gender == "M")
        assert years_between(m.birth_date, m.join_date) >= 18
        assert m.region_id == m.organization.region_id
        assert m.mobile == "" or re.fullmatch(r"1[3-9]\d{9}", m.mobile)
    statuses = Counter(m.status for m in members)
    assert statuses["full"] > 0.9 * len(members) and statuses["probationary"] > 0
    assert 0.03 < sum(m.is_central_household for m in members) / len(members) < 0.15


def test_generated_id_numbers_pass_the_gb11643_check():
    rng = random.Random(7)
    for day in range(0, 30000, 61):
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=day)
        for gender in "MF":
            number = make_id_number(rng, "330203", birth, gender)
            validate_id_number(number)
            assert (id_gender(number), id_birth_date(number)) == (gender, birth)


def test_it_creates_an_account_for_every_role_and_prints_its_password(output):
    assert set(RoleAssignment.objects.values_list("role", flat=True)) == set(Role.values)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert f"{account.username}" in output and account.password in output
    assert User.objects.get(username="admin").is_superuser
    assert re.search(r"Api-Key \w{8}\.\w+", output)
    assert PartnerAPIKey.objects.get().region.code == "330200"


def test_the_branch_secretary_leads_a_real_grid_branch_of_chaoyang(output):
    user = User.objects.get(username="chaoyang_secretary")
    branch = RoleAssignment.objects.get(user=user).organization

    assert branch.kind in BRANCH_KINDS
    assert branch.region.parent.code == DEMO_COMMUNITY_CODE
    assert branch.secretary.user == user and user.real_name == branch.secretary.name


def test_each_staff_account_sees_exactly_its_own_area(output):
    expected = {"city_admin": "330200/", "haishu_staff": "330200/330203/", "chaoyang_staff": None}
    for username, prefix in expected.items():
        user = User.objects.get(username=username)
        prefix = prefix or grants_for(user)[0].region_path
        visible = PartyMember.objects.visible_to(user)
        assert visible.count() == PartyMember.objects.filter(region__path__startswith=prefix).count() > 0


def test_running_it_twice_adds_nothing(output):
    before = counts()

    again = seed_small()

    assert counts() == before
    assert "Api-Key" not in again  # a key is shown only when it is created


def test_the_small_scale_is_a_corner_of_the_city_scale():
    def nodes(scale: str) -> dict[str, str]:
        plan = build_plan(SCALES[scale], base=42)
        return {n.code: n.name for level in RegionLevel for n in plan.walk(level)}

    small, city = nodes("small"), nodes("city")

    # So seeding the city after the small demo only tops it up: same codes, same names.
    assert small.items() <= city.items()


def test_the_city_scale_reaches_the_real_figures():
    plan = build_plan(SCALES["city"], base=42)
    grids = list(plan.walk(RegionLevel.GRID))

    assert len(list(plan.walk(RegionLevel.STREET))) == 156
    assert len(list(plan.walk(RegionLevel.COMMUNITY))) == CITY_COMMUNITIES == 2892
    assert len(grids) == CITY_GRIDS == 14700
    organized = [n for level in ("street", "community", "grid") for n in plan.walk(level)]
    assert sum(n.members for n in organized) == CITY_MEMBERS == 300_000
    assert len({g.code for g in grids}) == len(grids)


def test_it_refuses_to_create_published_passwords_outside_debug(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="published passwords"):
        call_command("seed_demo", scale="small", stdout=StringIO())
    assert not Region.objects.exists()


def test_the_figures_it_prints_agree(output):
    def totals(label: str) -> dict[str, int]:
        line = re.search(rf"^{label}: +(.*)$", output, re.M).group(1)
        return {k: int(n.replace(",", "")) for k, n in (part.rsplit(" ", 1) for part in line.split(" · "))}

    def seeders_added(what: str) -> int:
        # "  organizations added: 232 (0.1s)" (the tree) and "organizations 8 added" (brand owners)
        found = re.findall(rf"^  .*?\b{what}(?: added:)? ([\d,]+)", output, re.M)
        return sum(int(n.replace(",", "")) for n in found)

    run, held = totals("Added this run"), totals("In the database")
    # The seeders' own lines add up to this run's figures...
    assert run["organizations"] == seeders_added("organizations") > 0
    assert run["members"] == seeders_added("members") > 0
    # ...and, on an empty database, to what the database holds.
    assert run == held
    assert held["members"] == PartyMember.objects.count()
