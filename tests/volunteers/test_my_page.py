"""我的志愿: the star level and hours to the next, confirmed hours by month, certificates by name, and
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
