"""Values the API answers with null are declared nullable, and ids a client sends are bounded in the
schema (found by the schemathesis step of CI: a response that breaks its schema breaks clients)."""

from django.test import Client

from portal.ids import MAX_ID


def schema() -> dict:
    return Client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_the_city_without_a_parent_and_a_record_without_a_brand_are_declared_nullable(db):
    components = schema()["components"]["schemas"]

    assert components["Region"]["properties"]["parent"]["nullable"] is True
    assert components["Activity"]["properties"]["brand_name"]["nullable"] is True


def test_every_id_parameter_is_a_bounded_positive_integer(db):
    parameters = [
        p
        for operations in schema()["paths"].values()
        for operation in operations.values()
        for p in operation.get("parameters", [])
        if p["name"] in ("id", "organization", "parent", "brand") and p["in"] in ("path", "query")
    ]

    assert parameters
    for p in parameters:
        if p["name"] == "parent" and p["schema"]["type"] == "string":
            continue  # /regions/?parent= takes a region code
        assert p["schema"] | {"minimum": 1, "maximum": MAX_ID} == p["schema"], p
