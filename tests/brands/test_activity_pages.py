"""The activity pages: recording on a phone, editing, the record page, the list and who may use them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from brands.models import ActivityKind, ActivityRecord
from tests.brands.activity_factories import FORMAT, RecordFactory, form_data, jpeg, recorded
from tests.factories import MemberFactory


def create_url(world) -> str:
    return reverse("brands:activity_create", args=[world.haishu_branch.pk])


def test_a_secretary_goes_straight_to_their_branchs_form(world, client):
    client.force_login(world.haishu_secretary)
    response = client.get(reverse("brands:activity_start"))
    assert response.status_code == 302
    assert response["Location"] == create_url(world)


def test_staff_first_choose_a_branch_of_their_area(world, client):
    client.force_login(world.haishu_street_staff)
    response = client.get(reverse("brands:activity_start"))
    assert response.context["organizations"] == [world.haishu_branch]
    assert create_url(world) in response.content.decode()
    assert client.get(reverse("brands:activity_start"), {"q": "江北"}).context["organizations"] == []


def test_the_form_opens_with_the_branch_its_members_and_times_of_an_event_just_over(world, client):
    client.force_login(world.haishu_secretary)
    response = client.get(create_url(world))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields["attendees"].queryset) == set(world.haishu_members)
    start, end = form.initial["started_at"], form.initial["ended_at"]
    assert end - start == dt.timedelta(minutes=90)
    assert end <= timezone.now() < end + dt.timedelta(minutes=30)
    page = response.content.decode()
    assert world.haishu_branch.name in page
    for member in world.haishu_members:
        assert member.name in page
    assert "全体党员到会" in page
    assert "js/activity-form.js" in page


def test_without_javascript_all_present_records_every_member(world, client):
    client.force_login(world.haishu_secretary)
    response = client.post(create_url(world), form_data(all_present="on"))
    activity = ActivityRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("brands:activity_detail", args=[activity.pk])
    assert set(activity.attendees.all()) == set(world.haishu_members)
    assert (activity.attendee_count, activity.member_count, activity.other_participants) == (3, 3, 4)
    assert activity.created_by == world.haishu_secretary


def test_it_records_chosen_attendees_and_photos(world, client):
    client.force_login(world.haishu_secretary)
    data = form_data(
        attendees=[m.pk for m in world.haishu_members[:2]], photos=[jpeg("a.jpg"), jpeg("b.jpg")]
    )
    client.post(create_url(world), data)
    activity = ActivityRecord.objects.get()
    assert activity.attendee_count == 2
    photos = list(activity.photos.all())
    assert len(photos) == 2
    # Stored under generated names: the uploader's file name never becomes a path.
    assert all(p.image.name.endswith(".jpg") and not p.image.name.endswith("/a.jpg") for p in photos)
    assert all(p.thumbnail for p in photos)


def test_a_refused_record_comes_back_with_the_reason_and_nothing_is_saved(world, client):
    client.force_login(world.haishu_secretary)
    end = timezone.localtime() - dt.timedelta(hours=2)
    data = form_data(started_at=end.strftime(FORMAT), ended_at=(end - dt.timedelta(hours=1)).strftime(FORMAT))
    response = client.post(create_url(world), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"ended_at": ["结束时间须晚于开始时间。"]}
    assert "结束时间须晚于开始时间。" in response.content.decode()
    assert not ActivityRecord.objects.exists()


def test_a_member_of_another_branch_cannot_be_ticked(world, client):
    client.force_login(world.haishu_secretary)
    response = client.post(create_url(world), form_data(attendees=[world.jiangbei_members[0].pk]))
    assert response.status_code == 200
    assert "attendees" in response.context["form"].errors
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("outsider", ["jiangbei_secretary", "jiangbei_staff", "volunteer"])
def test_an_outsider_cannot_open_or_post_another_branchs_form(world, client, outsider):
    client.force_login(getattr(world, outsider))
    assert client.get(create_url(world)).status_code == 404
    assert client.post(create_url(world), form_data()).status_code == 404
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("outsider", ["jiangbei_secretary", "jiangbei_staff", "volunteer"])
def test_an_outsider_cannot_see_or_edit_another_branchs_record(world, client, outsider):
    activity = recorded(world)
    client.force_login(getattr(world, outsider))
    assert client.get(reverse("brands:activity_detail", args=[activity.pk])).status_code == 404
    edit = reverse("brands:activity_edit", args=[activity.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, form_data(topic="改掉")).status_code == 404
    activity.refresh_from_db()
    assert activity.topic == "重温入党誓词"


def test_the_secretary_edits_a_recent_record(world, client):
    activity = recorded(world)
    client.force_login(world.haishu_secretary)
    edit = reverse("brands:activity_edit", args=[activity.pk])
    page = client.get(edit)
    assert page.context["form"].initial["topic"] == "重温入党誓词"
    response = client.post(
        edit, form_data(topic="重温入党誓词（补记）", attendees=[world.haishu_members[2].pk])
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.topic == "重温入党誓词（补记）"
    assert list(activity.attendees.all()) == [world.haishu_members[2]]


def test_the_secretary_is_told_that_an_old_record_is_closed_to_them(world, client):
    activity = recorded(world)
    ActivityRecord.objects.filter(pk=activity.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    client.force_login(world.haishu_secretary)
    edit = reverse("brands:activity_edit", args=[activity.pk])
    response = client.post(edit, form_data(topic="改掉"), follow=True)
    assert response.redirect_chain == [(reverse("brands:activity_detail", args=[activity.pk]), 302)]
    assert "超过30天" in response.content.decode()
    activity.refresh_from_db()
    assert activity.topic == "重温入党誓词"


def test_street_staff_correct_an_old_record(world, client):
    activity = recorded(world)
    ActivityRecord.objects.filter(pk=activity.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    client.force_login(world.haishu_street_staff)
    response = client.post(reverse("brands:activity_edit", args=[activity.pk]), form_data(topic="更正"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.topic == "更正"


def test_staff_see_who_changed_what_and_the_secretary_does_not(world, client):
    activity = recorded(world)
    client.force_login(world.haishu_street_staff)
    client.post(reverse("brands:activity_edit", args=[activity.pk]), form_data(topic="更正后的主题"))
    detail = reverse("brands:activity_detail", args=[activity.pk])

    staff_page = client.get(detail)
    history = staff_page.context["history"]
    assert [(e.what, e.who) for e in history] == [
        ("修改", world.haishu_street_staff.display_name),
        ("创建", world.haishu_secretary.display_name),
    ]
    changed = {c.label: (c.old, c.new) for c in history[0].changes}
    assert changed["主题"] == ("重温入党誓词", "更正后的主题")
    assert changed["参加党员"] == (f"移出：{world.haishu_members[0].name}", "—")
    assert "修改记录" in staff_page.content.decode()

    client.force_login(world.haishu_secretary)
    secretary_page = client.get(detail)
    assert secretary_page.context["history"] is None
    assert "修改记录" not in secretary_page.content.decode()


def test_the_activity_list_costs_the_same_queries_for_3_or_40_rows(world, client, django_assert_num_queries):
    client.force_login(world.haishu_staff)
    RecordFactory.create_batch(3, organization=world.haishu_branch)

    def list_page():
        with django_assert_num_queries(7):
            # 1. session  2. user  3. role assignments (scope)  4. the secretary's own branch
            # (none for staff)  5. COUNT for the paginator  6. the page with organization, region
            # and brand joined  7. the page's photos
            return client.get(reverse("brands:activity_list"))

    assert len(list_page().context["page"].object_list) == 3
    RecordFactory.create_batch(37, organization=world.haishu_branch)
    RecordFactory.create_batch(5, organization=world.jiangbei_branch)
    page = list_page().context["page"]
    assert page.paginator.count == 40
    assert {r.organization_id for r in page.object_list} == {world.haishu_branch.pk}


def test_the_activity_list_filters_by_kind_and_dates(world, client):
    client.force_login(world.haishu_staff)
    RecordFactory(organization=world.haishu_branch, kind=ActivityKind.PARTY_LECTURE, topic="党课：初心")
    RecordFactory(organization=world.haishu_branch, kind=ActivityKind.VOLUNTEER, topic="义诊")
    RecordFactory(
        organization=world.haishu_branch,
        kind=ActivityKind.PARTY_LECTURE,
        topic="去年的党课",
        started_at=timezone.now() - dt.timedelta(days=400),
    )
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = client.get(reverse("brands:activity_list"), {"kind": "party_lecture", "date_from": since})
    assert [r.topic for r in response.context["page"].object_list] == ["党课：初心"]


def test_the_branch_page_shows_records_by_month_and_missing_meetings(
    world, client, django_assert_num_queries
):
    client.force_login(world.haishu_secretary)
    RecordFactory(organization=world.haishu_branch, topic="本月主题党日")
    RecordFactory(organization=world.jiangbei_branch, topic="别的支部")
    url = reverse("brands:branch_detail", args=[world.haishu_branch.pk])
    with django_assert_num_queries(8):
        # 1. session  2. user  3. role assignments  4. the branch with its region and parent
        # 5. compliance (one GROUP BY)  6. COUNT of records  7. the page of records  8. their photos
        response = client.get(url)
    page = response.content.decode()
    assert "本月主题党日" in page and "别的支部" not in page
    compliance = response.context["compliance"]
    assert compliance.missing_count == compliance.due_count > 0
    assert "period-missing" in page
    assert "未按时开展" in page


def test_the_branch_page_is_closed_to_other_districts(world, client):
    client.force_login(world.jiangbei_staff)
    assert client.get(reverse("brands:branch_detail", args=[world.haishu_branch.pk])).status_code == 404


def test_a_month_of_the_branch_page_lists_only_that_month(world, client):
    client.force_login(world.haishu_secretary)
    now = timezone.localtime()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    RecordFactory(organization=world.haishu_branch, topic="本月的", started_at=month_start)
    RecordFactory(organization=world.haishu_branch, topic="去年的", started_at=now - dt.timedelta(days=370))
    url = reverse("brands:branch_detail", args=[world.haishu_branch.pk])
    response = client.get(url, {"month": f"{now:%Y-%m}"})
    assert [r.topic for r in response.context["page"].object_list] == ["本月的"]


def test_the_roster_includes_members_who_joined_the_branch_later(world, client):
    MemberFactory(organization=world.haishu_branch, name="新党员")
    client.force_login(world.haishu_secretary)
    response = client.get(create_url(world))
    assert response.context["roster_size"] == 4
    assert "新党员" in response.content.decode()


def test_the_secretary_swaps_a_photo_on_the_edit_page(world, client):
    client.force_login(world.haishu_secretary)
    client.post(create_url(world), form_data(photos=[jpeg("a.jpg"), jpeg("b.jpg")]))
    activity = ActivityRecord.objects.get()
    old, kept = activity.photos.all()
    edit = reverse("brands:activity_edit", args=[activity.pk])
    assert old.thumbnail.url in client.get(edit).content.decode()

    response = client.post(edit, form_data(remove_photos=[old.pk], photos=[jpeg("c.jpg")]))
    assert response.status_code == 302
    photos = list(activity.photos.all())
    assert len(photos) == 2 and kept in photos and old not in photos
    assert activity.history.latest("history_date").history_change_reason == "新增照片 1 张，删除照片 1 张"
