"""Member pages: list with filters, detail with history, registration and editing."""

import datetime as dt

import pytest
from django.urls import reverse

from grids.models import MemberStatus, PartyMember
from portal.privacy import hash_id_number
from portal.validators import id_gender
from tests.factories import MemberFactory, make_id_number

BIRTH = dt.date(1988, 8, 8)


def new_member(world, **overrides) -> dict:
    id_number = overrides.pop("id_number") if "id_number" in overrides else make_id_number(BIRTH)
    data = {
        "name": "陈晓红",
        "gender": id_gender(id_number) if id_number else "F",
        "id_number": id_number,
        "birth_date": BIRTH.isoformat(),
        "join_date": "2012-07-01",
        "status": MemberStatus.PROBATIONARY,
        "organization": world.haishu_branch.pk,
        "mobile": "13512345678",
        "work_unit": "宁波市第一医院",
        "is_in_service": "on",
    }
    return {**data, **overrides}


def test_staff_register_a_member(client, world):
    client.force_login(world.haishu_staff)
    data = new_member(world)
    response = client.post(reverse("grids:member_create"), data)
    member = PartyMember.objects.get(name="陈晓红")
    assert response.status_code == 302
    assert response["Location"] == reverse("grids:member_detail", args=[member.pk])
    assert member.organization == world.haishu_branch
    assert member.region == world.haishu_grid
    assert member.id_number_hash == hash_id_number(data["id_number"])
    assert member.mobile == "13512345678"
    assert member.is_in_service and not member.is_central_household
    assert member.history.get().history_user == world.haishu_staff


def test_a_secretary_registers_a_member_in_their_branch(client, world):
    client.force_login(world.haishu_secretary)
    response = client.post(reverse("grids:member_create"), new_member(world))
    assert response.status_code == 302
    assert PartyMember.objects.filter(organization=world.haishu_branch).count() == 4


def test_a_duplicate_id_number_is_refused_with_a_clear_message(client, world):
    client.force_login(world.haishu_staff)
    data = new_member(world)
    assert client.post(reverse("grids:member_create"), data).status_code == 302
    # The same person again, even typed with a lower-case x or registered in another district.
    client.force_login(world.city_staff)
    again = {**data, "name": "陈小红", "organization": world.jiangbei_branch.pk}
    response = client.post(reverse("grids:member_create"), again)
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记过党员信息。"]
    assert not PartyMember.objects.filter(name="陈小红").exists()


def test_editing_cannot_take_another_members_id_number(client, world):
    client.force_login(world.haishu_staff)
    data = new_member(world)
    client.post(reverse("grids:member_create"), data)
    other = world.haishu_members[0]
    edit = {**new_member(world, id_number=data["id_number"]), "name": other.name}
    response = client.post(reverse("grids:member_edit", args=[other.pk]), edit)
    assert response.context["form"].errors["id_number"] == ["该身份证号已登记过党员信息。"]
    other.refresh_from_db()
    assert other.id_number_hash is None


def test_staff_edit_a_member_keeping_id_number_and_mobile(client, world):
    client.force_login(world.haishu_staff)
    client.post(reverse("grids:member_create"), new_member(world))
    member = PartyMember.objects.get(name="陈晓红")
    stored_hash = member.id_number_hash
    edit = {**new_member(world), "id_number": "", "mobile": "", "status": MemberStatus.FULL}
    edit["organization"] = world.haishu_committee.pk
    edit.pop("is_in_service")
    response = client.post(reverse("grids:member_edit", args=[member.pk]), edit)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.FULL
    assert member.organization == world.haishu_committee
    assert member.region == world.haishu_community  # follows the organization
    assert not member.is_in_service
    assert (member.id_number_hash, member.mobile) == (stored_hash, "13512345678")


def test_a_new_id_number_replaces_the_stored_one(client, world):
    client.force_login(world.haishu_staff)
    member = world.haishu_members[0]
    id_number = make_id_number(member.birth_date)
    edit = {
        **new_member(world, id_number=id_number),
        "name": member.name,
        "birth_date": member.birth_date.isoformat(),
    }
    assert client.post(reverse("grids:member_edit", args=[member.pk]), edit).status_code == 302
    member.refresh_from_db()
    assert member.id_number_hash == hash_id_number(id_number)


def test_a_refused_edit_shows_the_error_and_saves_nothing(client, world):
    client.force_login(world.haishu_staff)
    member = world.haishu_members[0]
    edit = {**new_member(world, id_number=""), "name": "新名字", "join_date": "2031-01-01"}
    edit["birth_date"] = member.birth_date.isoformat()
    response = client.post(reverse("grids:member_edit", args=[member.pk]), edit)
    assert response.status_code == 200
    assert "入党日期不能晚于今天。" in response.content.decode()
    assert f"编辑党员：{member.name}" in response.content.decode()
    member.refresh_from_db()
    assert member.name != "新名字"


def test_staff_see_who_changed_what_and_when(client, world):
    member = world.haishu_members[0]
    client.force_login(world.haishu_street_staff)
    edit = {
        **new_member(world, id_number=""),
        "name": member.name,
        "birth_date": member.birth_date.isoformat(),
        "organization": world.haishu_committee.pk,
        "status": MemberStatus.PROBATIONARY,
    }
    client.post(reverse("grids:member_edit", args=[member.pk]), edit)
    response = client.get(reverse("grids:member_detail", args=[member.pk]))
    history = response.context["history"]
    assert [entry.what for entry in history] == ["修改", "创建"]
    assert history[0].who == world.haishu_street_staff.display_name
    changes = {c.label: (c.old, c.new) for c in history[0].changes}
    assert changes["所在党组织"] == (world.haishu_branch.name, world.haishu_committee.name)
    assert changes["党员类别"] == ("正式党员", "预备党员")
    assert changes["在职党员"] == ("否", "是")


def test_history_is_limited_to_the_last_twenty_entries(client, world):
    member = world.haishu_members[0]
    for i in range(25):
        member.work_unit = f"单位{i}"
        member.save()
    client.force_login(world.haishu_staff)
    history = client.get(reverse("grids:member_detail", args=[member.pk])).context["history"]
    assert len(history) == 20
    assert [c.new for c in history[0].changes] == ["单位24"]
    assert [c.new for c in history[19].changes] == ["单位5"]


def test_a_secretary_sees_the_member_but_not_the_history(client, world):
    client.force_login(world.haishu_secretary)
    response = client.get(reverse("grids:member_detail", args=[world.haishu_members[0].pk]))
    assert response.context["history"] is None
    assert "修改记录" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "党员"}, {"a", "b", "c"}),
        ({"status": MemberStatus.PROBATIONARY}, {"b"}),
        ({"is_central_household": "true"}, {"c"}),
        ({"is_mobile_member": "true", "is_in_service": "false"}, {"a"}),
        ({"region": "330203001001001"}, {"a", "b"}),
        ({"organization": "committee"}, {"a", "b", "c"}),  # with its branches
        ({"organization": "branch"}, {"a", "b"}),
    ],
)
def test_the_member_list_filters(client, world, query, expected):
    committee = world.haishu_committee
    members = {
        "a": MemberFactory(name="党员甲", organization=world.haishu_branch, is_mobile_member=True),
        "b": MemberFactory(name="党员乙", organization=world.haishu_branch, status=MemberStatus.PROBATIONARY),
        "c": MemberFactory(name="党员丙", organization=committee, is_central_household=True),
    }
    PartyMember.objects.exclude(pk__in=[m.pk for m in members.values()]).delete()
    if "organization" in query:
        query = {"organization": getattr(world, f"haishu_{query['organization']}").pk}
    client.force_login(world.haishu_staff)
    response = client.get(reverse("grids:member_list"), query)
    shown = set(response.context["page"].object_list)
    assert shown == {members[key] for key in expected}


def test_the_member_list_paginates_and_links_export_with_the_filters(client, world):
    MemberFactory.create_batch(40, organization=world.haishu_branch)
    client.force_login(world.haishu_staff)
    response = client.get(reverse("grids:member_list"), {"q": "党员", "page": 2})
    html = response.content.decode()
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 43 - 30
    assert f'href="{reverse("grids:member_export")}?q=%E5%85%9A%E5%91%98"' in html
    assert f'href="{reverse("grids:member_import")}"' in html
    assert "?q=%E5%85%9A%E5%91%98&amp;page=1" in html


def test_the_import_link_is_only_for_those_who_may_change(client, world, view_only_role):
    from tests.factories import UserFactory, assign

    viewer = assign(UserFactory(), view_only_role, region=world.haishu)
    client.force_login(viewer)
    response = client.get(reverse("grids:member_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("grids:member_import") not in html
    assert reverse("grids:member_create") not in html


def test_history_of_a_member_loaded_in_bulk_says_there_is_nothing_to_compare(client, world):
    # Bulk loads (imports, demo data) write no creation record.
    member = PartyMember.objects.bulk_create([MemberFactory.build(organization=world.haishu_branch)])[0]
    member.work_unit = "宁波港集团"
    member.save()
    member.save()
    client.force_login(world.haishu_staff)
    history = client.get(reverse("grids:member_detail", args=[member.pk])).context["history"]
    assert [(e.what, e.changes, e.note) for e in history] == [
        ("修改", [], "保存时未改动任何字段。"),
        ("修改", [], "此前无记录，无法比较。"),
    ]
