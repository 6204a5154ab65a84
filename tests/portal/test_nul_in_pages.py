"""A NUL character in a page's path or query string is a 400 or a 404, never a 500: PostgreSQL's
text cannot hold one, so a raw value that reaches a query unfiltered would crash it there."""

import pytest

URLS = [
    "/wishes/new/regions/?street=%00",
    "/wishes/new/regions/?district=33%00",
    "/wishes/new/?community=%00",
    "/wishes/new/?district=%00&street=%00",
    "/wishes/track/%00/",
    "/wishes/track/?code=%00",
    "/volunteers/verify/%00/",
    "/volunteers/verify/?number=%00",
    "/dashboard/%00/",
    "/wishes/market/?region=%00",
    "/wishes/?after=%00",
    "/volunteers/?name=%00",
    "/open311/v2/services/%00.json",
    "/open311/v2/requests/%00.json",
    "/open311/v2/tokens/1-%00.json",
    "/open311/v2/requests.json?service_code=%00&status=open%00",
    "/volunteers/certificates/%00/",
    "/volunteers/certificates/%00/pdf/",
    "/volunteers/events/1/checkin/%00/",
    "/dashboard/330203%00/export.xlsx",
    "/api/v1/stats/?region=%00",
    "/api/v1/volunteers/?specialty=%00",
]


@pytest.mark.parametrize("url", URLS)
def test_a_nul_is_never_a_500(client, world, url):
    client.force_login(world.city_staff)
    assert client.get(url).status_code in (200, 302, 400, 404)


def test_a_nul_in_the_wish_forms_place_is_never_a_500(client, world):
    response = client.post("/wishes/new/", {"community": "\x00", "district": "\x00", "street": "\x00"})
    assert response.status_code in (200, 302, 400)
