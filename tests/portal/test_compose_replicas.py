"""docker-compose.yml lets web and worker run as several replicas (README: Several web and worker replicas)."""

from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_web_publishes_no_host_port_and_the_proxy_fronts_it():
    # A fixed host port would let only one web replica start.
    assert "ports" not in SERVICES["web"]
    assert SERVICES["proxy"]["ports"] and "web" in SERVICES["proxy"]["depends_on"]
    assert "proxy_pass http://web:8000;" in COMPOSE["configs"]["nginx"]["content"]


def test_replicas_do_not_race_to_migrate():
    assert "migrate" not in SERVICES["web"]["command"]
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_beat_is_single_and_the_optional_minio_stays_out_of_the_default_start():
    assert "deploy" not in SERVICES["beat"] and "scale" not in SERVICES["beat"]
    assert SERVICES["minio"]["profiles"] == SERVICES["minio-bucket"]["profiles"] == ["minio"]
    assert all(
        "profiles" not in SERVICES[name] for name in ("db", "redis", "migrate", "web", "proxy", "worker")
    )


def test_every_replica_reads_the_media_storage_settings():
    env = SERVICES["web"]["environment"]
    assert env["MEDIA_STORAGE"] == "${MEDIA_STORAGE:-filesystem}"
    assert SERVICES["worker"]["environment"] == env
