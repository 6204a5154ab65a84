"""Certificates (志愿服务证明): issued for a period, printable and as a PDF, and verifiable by anyone
with only the masked name, hours, issuer and date; a forged or altered number reads as not found."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.errors import DomainError, NotAllowed
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import approved_record
from volunteers.models import Certificate
from volunteers.services.certificates import (
    ALPHABET,
    NUMBER_LENGTH,
    certificate_find,
    certificate_issue,
    display_number,
    new_number,
    normalize_number,
)


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.haishu_community, name="王小梅", mobile="13812341234")


@pytest.fixture
def certificate(world, volunteer) -> Certificate:
    approved_record(volunteer, world.haishu_staff, hours=Decimal("3"), description="社区助老")
    approved_record(volunteer, world.haishu_staff, hours=Decimal("1.5"), description="垃圾分类宣传")
    today = timezone.localdate()
    return certificate_issue(
        actor=volunteer.user,
        volunteer=volunteer,
        period_start=today - dt.timedelta(days=30),
        period_end=today,
    )


def test_a_certificate_sums_the_approved_hours_of_the_period(world, certificate):
    assert certificate.hours == Decimal("4.5") and certificate.records == 2
    assert certificate.issuer.startswith("宁波市海曙区") and certificate.issuer.endswith(
        world.haishu_community.name
    )


def test_numbers_carry_80_random_bits_and_a_check_symbol():
    numbers = {new_number() for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert len(number) == NUMBER_LENGTH == 17 and set(number) <= set(ALPHABET)
        assert normalize_number(number) == number
        assert normalize_number(display_number(number).lower()) == number  # typed with dashes, in lower case


def test_any_single_changed_symbol_fails_the_check():
    number = new_number()
    for position in range(NUMBER_LENGTH):
        for symbol in ALPHABET:
            if symbol != number[position]:
                altered = number[:position] + symbol + number[position + 1 :]
                assert normalize_number(altered) is None, altered


def test_the_verification_page_shows_only_masked_data(client, certificate, volunteer):
    response = client.get(reverse("volunteers:verify", args=[display_number(certificate.number)]))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="verified"' in html
    assert "王*梅" in html and "4.50" in html and certificate.issuer in html
    for secret in ("王小梅", volunteer.id_number_masked, "1234", "社区助老"):
        assert secret not in html


@pytest.mark.parametrize("how", ["altered", "forged", "garbage", "long"])
def test_a_forged_or_altered_number_is_not_found(client, certificate, how):
    number = certificate.number
    given = {
        "altered": number[:-2] + ("1" if number[-2] != "1" else "2") + number[-1],
        "forged": new_number(),  # well-formed, never issued
        "garbage": "<script>",
        "long": "A" * 500,
    }[how]
    response = client.get(reverse("volunteers:verify_form"), {"number": given})
    assert response.status_code == 404
    assert 'id="not-found"' in response.content.decode() and "王*梅" not in response.content.decode()
    assert certificate_find(given) is None


def test_the_owner_gets_the_printable_page_and_a_pdf(client, certificate, volunteer):
    client.force_login(volunteer.user)
    page = client.get(reverse("volunteers:certificate_detail", args=[certificate.number]))
    assert page.status_code == 200 and "<svg" in page.content.decode() and "社区助老" in page.content.decode()
    pdf = client.get(reverse("volunteers:certificate_pdf", args=[certificate.number]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content


@pytest.mark.parametrize(
    ("who", "status"), [("haishu_staff", 200), ("jiangbei_staff", 404), ("volunteer", 404)]
)
def test_others_see_a_certificate_only_in_scope(client, world, certificate, who, status):
    client.force_login(getattr(world, who))
    assert (
        client.get(reverse("volunteers:certificate_detail", args=[certificate.number])).status_code == status
    )
    assert client.get(reverse("volunteers:certificate_pdf", args=[certificate.number])).status_code == status


def test_a_certificate_is_refused_for_an_empty_period_or_another_person(world, volunteer):
    today = timezone.localdate()
    with pytest.raises(DomainError):
        certificate_issue(actor=volunteer.user, volunteer=volunteer, period_start=today, period_end=today)
    other = VolunteerFactory(community=world.haishu_community)
    with pytest.raises(NotAllowed):
        certificate_issue(actor=other.user, volunteer=volunteer, period_start=today, period_end=today)
    with pytest.raises(DomainError):
        certificate_issue(
            actor=volunteer.user,
            volunteer=volunteer,
            period_start=today,
            period_end=today + dt.timedelta(days=1),
        )
    assert not Certificate.objects.exists()


def test_the_volunteer_requests_one_from_my_hours(client, world, volunteer):
    approved_record(volunteer, world.haishu_staff)
    client.force_login(volunteer.user)
    today = timezone.localdate()
    response = client.post(
        reverse("volunteers:certificate_request"),
        {"period_start": (today - dt.timedelta(days=60)).isoformat(), "period_end": today.isoformat()},
    )
    certificate = Certificate.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{certificate.number}/")
