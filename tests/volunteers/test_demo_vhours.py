"""The hours demo: volunteers at every star level, totals equal to their approved records, the demo
account with confirmed and pending hours and a certificate; a second run adds nothing."""

import random

from django.db.models import Sum

from volunteers import demo_vhours
from volunteers.models import Certificate, RecordStatus, ServiceRecord, Team, Volunteer


def test_the_demo_has_every_star_level_and_runs_twice(world):
    demo_vhours.seed(scale="small", rng=random.Random(7), log=lambda _line: None)
    counts = (ServiceRecord.objects.count(), Team.objects.count(), Certificate.objects.count())
    demo_vhours.seed(scale="small", rng=random.Random(7), log=lambda _line: None)
    assert (ServiceRecord.objects.count(), Team.objects.count(), Certificate.objects.count()) == counts
    assert {v.stars for v in Volunteer.objects.all()} >= {0, 1, 2, 3, 4, 5}
    for volunteer in Volunteer.objects.all():
        approved = volunteer.records.filter(status=RecordStatus.APPROVED).aggregate(s=Sum("hours"))["s"] or 0
        assert volunteer.hours_total == approved
    mine = Volunteer.objects.get(user=world.volunteer)
    assert set(mine.records.values_list("status", flat=True)) == {RecordStatus.APPROVED, RecordStatus.PENDING}
    assert mine.certificates.count() == 1 and Team.objects.count() == 4
