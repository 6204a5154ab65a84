import pytest

from portal.stats import runs
from tests.harness import key_client, session_client

pytestmark = pytest.mark.django_db


def test_a_partner_key_sees_its_regions_snapshots_only(small_world):
    w = small_world
    runs.run_full()
    client = key_client(w.haishu)
    body = client.get("/api/v1/stats/", {"period": "month", "page_size": 200}).json()
    regions = {row["region"] for row in body["results"]}
    assert regions and all(code.startswith("330203") for code in regions)
    assert client.get("/api/v1/stats/", {"region": w.jiangbei.code}).json()["results"] == []
    other = key_client(w.jiangbei).get("/api/v1/stats/", {"region": w.haishu.code, "period": "month"})
    assert other.status_code == 200 and other.json()["results"] == []
    haishu_row = client.get("/api/v1/stats/", {"region": w.haishu.code, "period": "month"}).json()["results"][
        0
    ]
    jiangbei_client = key_client(w.jiangbei)
    assert jiangbei_client.get(f"/api/v1/stats/{haishu_row['id']}/").status_code == 404
    assert client.get(f"/api/v1/stats/{haishu_row['id']}/").json()["members"] == 3


def test_filters_and_bad_input(small_world):
    runs.run_full()
    client = session_client(small_world.city_staff)
    assert client.get("/api/v1/stats/", {"level": "district", "period": "day"}).status_code == 200
    assert client.get("/api/v1/stats/", {"since": "not-a-date"}).status_code == 400
    assert client.get("/api/v1/stats/", {"period": "week"}).status_code == 400
    assert client.get(f"/api/v1/stats/{10**30}/").status_code == 404
    # A region code longer than any code (a district's is 6 digits, a grid's 12) is refused.
    assert client.get("/api/v1/stats/", {"region": "9" * 30}).status_code == 400
