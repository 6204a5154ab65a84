"""The claim pages: claim from the wall (or be told 已被认领), my claims with the fulfil form,
the resident's confirm page behind the tracking code, and staff confirming only in their scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.wishes.claim_helpers import _media_in_tmp, claimed, fulfilled, published, upload, volunteer  # noqa: F401
from wishes.models import ClaimStatus, WishClaim, WishStatus

pytestmark = pytest.mark.django_db


def test_a_volunteer_claims_from_the_wall_and_finds_it_in_my_claims(client, world):
    wish = published(world, title="想要一台洗衣机")
    me = volunteer(world)
    client.force_login(me.user)
    response = client.post(reverse("wishes:claim", args=[wish.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("wishes:mine")
    html = response.content.decode()
    assert "认领成功" in html and "想要一台洗衣机" in html and "提交完成情况" in html


def test_the_loser_is_told_on_the_wall_never_an_error_page(client, world):
    wish = published(world)
    claimed(world, wish=wish)
    client.force_login(volunteer(world).user)
    response = client.post(reverse("wishes:claim", args=[wish.pk]), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("wishes:wall")
    assert "已被认领" in response.content.decode()


def test_visitors_are_sent_to_log_in_and_staff_without_a_profile_get_403(client, world):
    wish = published(world)
    assert client.post(reverse("wishes:claim", args=[wish.pk]))["Location"].startswith("/accounts/login/")
    client.force_login(world.haishu_staff)
    assert client.post(reverse("wishes:claim", args=[wish.pk])).status_code == 403
    assert client.get(reverse("wishes:mine")).status_code == 403
    assert not WishClaim.objects.exists()


def test_a_wish_not_yet_published_is_404(client, world):
    wish = published(world, status=WishStatus.SUBMITTED)
    client.force_login(volunteer(world).user)
    assert client.get(reverse("wishes:claim", args=[wish.pk])).status_code == 404


def test_the_claimant_fulfils_with_a_photo(client, world):
    claim = claimed(world)
    client.force_login(claim.claimed_by)
    url = reverse("wishes:claim_fulfil", args=[claim.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": "已送到", "hours": "2", "evidence": upload()})
    assert response.status_code == 302
    assert WishClaim.objects.get(pk=claim.pk).status == ClaimStatus.FULFILLED


def test_a_non_image_or_missing_photo_is_refused_with_a_message(client, world):
    claim = claimed(world)
    client.force_login(claim.claimed_by)
    url = reverse("wishes:claim_fulfil", args=[claim.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("a.jpg", b"GIF89a nope", content_type="image/jpeg")
    response = client.post(url, {"note": "好", "hours": "2", "evidence": fake})
    assert response.status_code == 200 and "无法识别为图片" in response.content.decode()
    response = client.post(url, {"note": "好", "hours": "99"})
    assert response.status_code == 200
    assert WishClaim.objects.get(pk=claim.pk).status == ClaimStatus.ACTIVE


def test_another_volunteers_claim_is_404(client, world):
    claim = claimed(world)
    client.force_login(volunteer(world).user)
    assert client.get(reverse("wishes:claim_fulfil", args=[claim.pk])).status_code == 404
    assert client.post(reverse("wishes:claim_release", args=[claim.pk])).status_code == 404


def test_the_resident_confirms_with_the_tracking_code(client, world):
    claim = fulfilled(world)
    url = reverse("wishes:resident_confirm", args=[claim.wish.tracking_code_display])
    page = client.get(url)
    assert page.status_code == 200 and "送到了" in page.content.decode()
    response = client.post(url, {"rating": "satisfied", "thanks": "太感谢了"}, follow=True)
    assert "感谢您的确认和评价" in response.content.decode()
    claim.wish.refresh_from_db()
    assert (claim.wish.status, claim.wish.thanks) == (WishStatus.CONFIRMED, "太感谢了")
    assert "太感谢了" in client.get(reverse("wishes:wall")).content.decode()


def test_the_tracking_page_leads_to_the_confirmation_once_the_wish_is_fulfilled(client, world):
    # The SMS says "请用查询码确认并评价": the code opens the tracking page, which must lead on.
    claim = claimed(world)
    confirm = reverse("wishes:resident_confirm", args=[claim.wish.tracking_code])
    track = reverse("wishes:track_wish", args=[claim.wish.tracking_code])
    assert confirm not in client.get(track).content.decode()
    claim = fulfilled(world)
    html = client.get(reverse("wishes:track_wish", args=[claim.wish.tracking_code])).content.decode()
    confirm = reverse("wishes:resident_confirm", args=[claim.wish.tracking_code])
    assert f'href="{confirm}"' in html and "确认并评价" in html


def test_a_bad_code_is_404_and_lookups_are_rate_limited(client, world):
    assert client.get(reverse("wishes:resident_confirm", args=["NOPE"])).status_code == 404
    assert client.get(reverse("wishes:resident_confirm", args=["3333333333"])).status_code == 404
    statuses = [
        client.get(reverse("wishes:resident_confirm", args=["3333333333"])).status_code for _ in range(12)
    ]
    assert statuses[-1] == 429


def test_staff_confirm_only_in_their_scope(client, world):
    claim = fulfilled(world)
    url = reverse("wishes:staff_confirm", args=[claim.wish.pk])
    client.force_login(world.jiangbei_staff)
    assert client.get(url).status_code == 404
    assert client.post(url, {"rating": "satisfied"}).status_code == 404
    client.force_login(world.haishu_staff)
    assert client.post(url, {"rating": "mostly"}).status_code == 302
    claim.wish.refresh_from_db()
    assert claim.wish.rating == "mostly"


def test_the_confirm_page_never_shows_the_residents_full_name_or_mobile(client, world):
    claim = fulfilled(world)
    html = client.get(reverse("wishes:resident_confirm", args=[claim.wish.tracking_code])).content.decode()
    assert "王小梅" not in html and claim.wish.resident_mobile not in html and "王*梅" in html


def test_the_template_tags_show_my_claims_and_wishes_for_me(world, django_assert_num_queries):
    from django.template import engines

    claim = claimed(world)
    published(world, title="附近的心愿")
    template = engines["django"].from_string("{% load wishes_tags %}{% my_wishes v %}{% wishes_for_you v %}")
    html = template.render({"v": claim.volunteer})
    assert claim.wish.title in html and "附近的心愿" in html


def test_a_secretary_claims_a_batch_for_the_branch_all_or_none(client, world):
    from tests.volunteers.factories import VolunteerFactory

    # A secretary who registered as a volunteer holds the volunteer role too.
    VolunteerFactory(user=world.haishu_secretary, community=world.haishu_community)
    free, other, taken = published(world), published(world), published(world)
    claimed(world, wish=taken)
    client.force_login(world.haishu_secretary)
    assert "单位批量认领" in client.get(reverse("wishes:wall")).content.decode()
    url = reverse("wishes:batch_claim")
    org = f"org:{world.haishu_branch.pk}"
    refused = client.post(url, {"organization": org, "wishes": [free.pk, taken.pk]})
    assert refused.status_code == 200 and "已被认领" in refused.content.decode()
    free.refresh_from_db()
    assert free.status == WishStatus.PUBLISHED
    done = client.post(url, {"organization": org, "wishes": [free.pk, other.pk]})
    assert done.status_code == 302
    assert WishClaim.objects.filter(organization=world.haishu_branch).count() == 2
    bad = client.post(url, {"organization": org, "wishes": [str(10**30)]})
    assert bad.status_code == 200


def test_a_plain_volunteer_has_no_batch_page(client, world):
    client.force_login(volunteer(world).user)
    assert "单位批量认领" not in client.get(reverse("wishes:wall")).content.decode()
    assert client.get(reverse("wishes:batch_claim")).status_code == 403
