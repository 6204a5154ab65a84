"""applicant → active (approved by staff in scope) → suspended / archived, with a reason the volunteer
sees and a message telling them."""

import pytest

from portal.errors import IllegalTransition, NotAllowed
from portal.models import Message
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import HoldingStatus, Post, PostHolding, VolunteerStatus
from volunteers.services.status import volunteer_approve, volunteer_archive, volunteer_suspend


@pytest.fixture
def applicant(world):
    return VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)


def test_community_staff_approve_and_the_volunteer_is_told(
    world, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_approve(actor=world.haishu_community_staff, volunteer=applicant)
    applicant.refresh_from_db()
    assert applicant.status == VolunteerStatus.ACTIVE
    assert applicant.status_changed_by == world.haishu_community_staff
    message = Message.objects.get(recipient=applicant.user)
    assert message.title == "您的志愿者注册已通过审核" and message.link == "/volunteers/me/"


def test_a_suspension_carries_the_reason_to_the_volunteer(
    world, applicant, client, django_capture_on_commit_callbacks
):
    volunteer_approve(actor=world.haishu_staff, volunteer=applicant)
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_suspend(actor=world.haishu_staff, volunteer=applicant, reason="多次报名未到场")
    assert "多次报名未到场" in Message.objects.get(recipient=applicant.user, kind="volunteers.suspended").body
    client.force_login(applicant.user)
    assert "多次报名未到场" in client.get("/volunteers/me/").content.decode()


def test_a_reason_is_required_to_suspend(world, applicant):
    volunteer_approve(actor=world.haishu_staff, volunteer=applicant)
    with pytest.raises(IllegalTransition):
        volunteer_suspend(actor=world.haishu_staff, volunteer=applicant, reason="  ")


def test_staff_of_another_district_cannot_approve(world, applicant):
    with pytest.raises(NotAllowed):
        volunteer_approve(actor=world.jiangbei_staff, volunteer=applicant)
    applicant.refresh_from_db()
    assert applicant.status == VolunteerStatus.APPLICANT


@pytest.mark.parametrize("who", ["volunteer", "haishu_secretary"])
def test_volunteers_and_secretaries_cannot_approve(world, applicant, who):
    with pytest.raises(NotAllowed):
        volunteer_approve(actor=getattr(world, who), volunteer=applicant)


def test_an_archived_volunteer_cannot_be_approved_again(world, applicant):
    volunteer_archive(actor=world.haishu_staff, volunteer=applicant, reason="本人申请注销")
    with pytest.raises(IllegalTransition):
        volunteer_approve(actor=world.haishu_staff, volunteer=applicant)


def test_archiving_frees_the_post_held(world):
    volunteer = VolunteerFactory(community=world.haishu_community, is_in_service=True)
    post = Post.objects.create(community=world.haishu_community, name="治安巡逻", capacity=2, taken=1)
    PostHolding.objects.create(post=post, volunteer=volunteer)
    volunteer_archive(actor=world.haishu_staff, volunteer=volunteer, reason="搬离本社区")
    post.refresh_from_db()
    assert post.taken == 0
    assert PostHolding.objects.get().status == HoldingStatus.ENDED


def test_the_approve_button_works_through_the_page(client, world, applicant):
    client.force_login(world.haishu_community_staff)
    page = client.get(f"/volunteers/{applicant.pk}/").content.decode()
    assert "审核通过" in page
    response = client.post(f"/volunteers/{applicant.pk}/approve/")
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == VolunteerStatus.ACTIVE


def test_a_suspension_without_reason_shows_the_form_again(client, world, applicant):
    volunteer_approve(actor=world.haishu_staff, volunteer=applicant)
    client.force_login(world.haishu_community_staff)
    response = client.post(f"/volunteers/{applicant.pk}/suspend/", {"reason": ""})
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.status == VolunteerStatus.ACTIVE
