"""我的志愿: my post, teams and upcoming events, stars and hours to the next, hours by month, certificates, and
"for you" ranked by nearness (community, street, district) and then by specialties."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from grids.models import Region, RegionLevel
from tests.volunteers.factories import EventFactory, VolunteerFactory
from volunteers.models import Certificate, EventStatus, RecordSource, RecordStatus, ServiceRecord, Specialty
from volunteers.selectors import events_for_you


def test_for_you_ranks_by_nearness_then_specialty(world):
    volunteer = VolunteerFactory(community=world.haishu_community, user=world.volunteer)
    medical = Specialty.objects.get(code="medical")
    volunteer.specialties.add(medical)
    other_street = Region.objects.create(
        code="330203002", name="海曙区二街道", level=RegionLevel.STREET, parent=world.haishu
    )
    soon = timezone.now() + dt.timedelta(days=2)
    district = EventFactory(title="区级", region=other_street, starts_at=soon)
    street_plain = EventFactory(title="街道", region=world.haishu_street, starts_at=soon)
    street_medical = EventFactory(
        title="街道义诊", region=world.haishu_street, starts_at=soon + dt.timedelta(days=1)
    )
    street_medical.wanted_specialties.add(medical)
    community = EventFactory(title="社区", region=world.haishu_grid, starts_at=soon + dt.timedelta(days=5))
    EventFactory(title="江北", region=world.jiangbei_community, starts_at=soon)
    EventFactory(title="已取消", region=world.haishu_community, starts_at=soon, status=EventStatus.CANCELLED)
    ranked = [e.title for e in events_for_you(volunteer)]
    assert ranked == [community.title, street_medical.title, street_plain.title, district.title]


def test_my_page_shows_stars_hours_by_month_and_certificates(client, world):
    volunteer = VolunteerFactory(
        community=world.haishu_community, user=world.volunteer, hours_total=Decimal("320")
    )
    today = timezone.localdate()
    for hours, status in ((Decimal("3.5"), RecordStatus.APPROVED), (Decimal("9"), RecordStatus.PENDING)):
        ServiceRecord.objects.create(
            volunteer=volunteer,
            region=world.haishu_community,
            source=RecordSource.DECLARED,
            served_on=today,
            hours=hours,
            description="巡逻",
            status=status,
        )
    Certificate.objects.create(
        number="ZY2026000042",
        volunteer=volunteer,
        period_start=today,
        period_end=today,
        hours=3,
        records=1,
        issuer="海曙区",
    )
    client.force_login(world.volunteer)
    page = client.get("/volunteers/me/").content.decode()
    assert "★★☆☆☆" in page and "距下一星级还差 280.00 小时" in page
    assert f"{today:%Y-%m}" in page and "3.50" in page and "9.00" not in page  # pending hours not counted
    assert "ZY2026000042" in page
    assert 'href="/volunteers/certificates/ZY2026000042/"' in page  # by its number, the page's key
    assert "我认领的心愿" in page and "等您认领的心愿" in page  # the wishes sections


def test_my_page_shows_my_post_my_teams_and_my_upcoming_events(client, world):
    from tests.volunteers.hours_factories import StationFactory, TeamFactory
    from volunteers.models import Post
    from volunteers.services.events import event_signup
    from volunteers.services.posts import post_take
    from volunteers.services.teams import membership_request

    volunteer = VolunteerFactory(
        community=world.haishu_community, user=world.volunteer, is_in_service=True, work_unit="市税务局"
    )
    post_take(
        volunteer=volunteer,
        post=Post.objects.create(community=world.haishu_community, name="治安巡逻", capacity=2),
    )
    leader = VolunteerFactory(community=world.haishu_community)
    team = TeamFactory(
        station=StationFactory(region=world.haishu_street), leader=leader, name="海曙医疗服务队"
    )
    membership_request(volunteer=volunteer, team=team)
    soon = timezone.now() + dt.timedelta(days=3)
    event_signup(
        volunteer=volunteer,
        event=EventFactory(title="周五义诊", region=world.haishu_community, starts_at=soon),
    )
    EventFactory(title="上月的活动", region=world.haishu_community, starts_at=soon - dt.timedelta(days=40))
    client.force_login(world.volunteer)

    page = client.get("/volunteers/me/").content.decode()

    assert "治安巡逻" in page and "起在岗" in page
    assert "海曙医疗服务队" in page  # a pending request shows with its status
    assert "周五义诊" in page and "上月的活动" not in page
