"""The timeline stores codes and names; its labels are rendered in the reader's language.

A moderator's step is stored as ("moderator", "林*英") and read "审核人 林*英" by a Chinese reader
and "Moderator 林*英" by an English one, in the pages and in the API alike. The migration parses the
rows written before, when the sentence itself was stored.
"""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.utils import timezone, translation

from tests.harness import session_client
from tests.wishes.claim_helpers import claimed
from tests.wishes.factories import WishFactory
from wishes.models import WishEvent, WishStatus
from wishes.services.claims import claim_release, claims_expire
from wishes.services.moderation import wish_reject

pytestmark = pytest.mark.django_db

migration = importlib.import_module("wishes.migrations.0004_claim_timeline_codes")


def test_a_moderators_step_reads_in_the_readers_language(world):
    wish = WishFactory(community=world.haishu_community, status=WishStatus.SUBMITTED, published_at=None)
    wish_reject(actor=world.haishu_community_staff, wish=wish, reason="请到社区服务中心办理")
    client = session_client(world.haishu_secretary)

    chinese = client.get(f"/api/v1/wishes/{wish.pk}/").json()["timeline"]
    english = client.get(f"/api/v1/wishes/{wish.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["timeline"]

    assert [(e["actor"], e["actor_kind"]) for e in chinese] == [("审核人 林*英", "moderator")]
    assert [e["actor"] for e in english] == ["Moderator 林*英"]
    assert english[0]["note"] == "请到社区服务中心办理"  # people's words are shown as written


def test_the_expiry_note_is_a_code_shown_in_the_readers_language(world):
    claim = claimed(world)
    claims_expire(now=timezone.now() + dt.timedelta(days=30))

    event = WishEvent.objects.get(wish=claim.wish, kind="released")

    assert (event.actor_kind, event.note_code, event.note) == ("system", "expired", "")
    assert event.note_display == "超过完成期限未完成，自动释放回心愿墙。"
    with translation.override("en"):
        assert event.note_display.startswith("Not fulfilled by its deadline")


def test_giving_a_claim_up_without_a_reason_stores_the_code(world):
    claim = claimed(world)
    claim_release(claim=claim, actor=claim.claimed_by)

    event = WishEvent.objects.get(wish=claim.wish, kind="released")

    assert (event.actor_kind, event.note_code) == ("claimant", "given_up")
    with translation.override("en"):
        assert event.note_display == "The claimant gave it up."


def test_the_migration_parses_the_sentences_stored_before(world):
    wish = WishFactory(community=world.haishu_community)
    staff = world.haishu_community_staff
    old = {
        "moderator": WishEvent.objects.create(
            wish=wish, kind="approved", actor=staff, actor_label="审核人 林*英"
        ),
        "resident": WishEvent.objects.create(wish=wish, kind="submitted", actor_label="居民 王*梅"),
        "partner": WishEvent.objects.create(
            wish=wish, kind="submitted", actor_label="宁波12345（代居民 王*梅 提交）"
        ),
        "english": WishEvent.objects.create(
            wish=wish, kind="rejected", actor=staff, actor_label="Moderator 林*英"
        ),
        "edited": WishEvent.objects.create(
            wish=wish,
            kind="edited",
            actor=staff,
            actor_label="审核人 林*英",
            note="修改了：心愿标题、估计价值（元）",
        ),
        "expired": WishEvent.objects.create(
            wish=wish, kind="released", note="超过完成期限未完成，自动释放回心愿墙。"
        ),
        "by_code": WishEvent.objects.create(wish=wish, kind="confirmed", actor_label="居民"),
        "odd": WishEvent.objects.create(wish=wish, kind="rejected", actor=staff, actor_label="某人"),
    }

    migration.forward(apps, None)

    rows = {name: WishEvent.objects.get(pk=event.pk) for name, event in old.items()}
    stored = {
        name: (e.actor_kind, e.actor_label, e.actor_via, e.note_code, e.note) for name, e in rows.items()
    }
    assert stored == {
        "moderator": ("moderator", "林*英", "", "", ""),
        "resident": ("resident", "王*梅", "", "", ""),
        "partner": ("partner", "王*梅", "宁波12345", "", ""),
        "english": ("moderator", "林*英", "", "", ""),
        "edited": ("moderator", "林*英", "", "edited", "title,value"),
        "expired": ("system", "", "", "expired", ""),
        "by_code": ("resident", "", "", "", ""),
        "odd": ("", "某人", "", "", ""),  # matches nothing: kept, and shown as it is
    }
    # Chinese readers see exactly what they saw before (the English row now reads in Chinese too).
    for name, event in old.items() - {("english", old["english"])}:
        assert (rows[name].actor_display, rows[name].note_display) == (event.actor_label, event.note), name
