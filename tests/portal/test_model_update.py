"""``model_update``: the one way services change an existing row, and ``history.attribute``."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.models import PartyOrganization
from portal import history
from portal.scoping import Grant, Principal
from portal.services import model_update


def test_it_saves_only_the_changed_fields_and_the_update_time(world):
    org = world.haishu_branch
    before = org.updated_at
    with CaptureQueriesContext(connection) as queries:
        org, changed = model_update(
            instance=org, fields=["name", "kind"], data={"name": "新名字党支部", "kind": org.kind}
        )
    assert changed
    update = next(q["sql"] for q in queries if q["sql"].startswith("UPDATE"))
    assert '"name"' in update and '"updated_at"' in update and '"kind"' not in update
    org.refresh_from_db()
    assert org.name == "新名字党支部" and org.updated_at > before


def test_an_unchanged_instance_is_not_saved_and_leaves_no_history(world):
    org = world.haishu_branch
    records = org.history.count()
    org, changed = model_update(
        instance=org, fields=["name", "parent"], data={"name": org.name, "parent": org.parent}
    )
    assert not changed
    assert org.history.count() == records


def test_it_validates_the_whole_row_before_saving(world):
    org = world.haishu_branch
    with pytest.raises(ValidationError) as error:
        # A branch placed in another district than its parent committee: the model's clean() refuses.
        model_update(instance=org, fields=["region"], data={"region": world.jiangbei_grid})
    assert "region" in error.value.message_dict
    assert PartyOrganization.objects.get(pk=org.pk).region_id == world.haishu_grid.pk


def test_it_refuses_a_field_the_caller_did_not_allow(world):
    with pytest.raises(TypeError, match="path"):
        model_update(instance=world.haishu_branch, fields=["name"], data={"path": "1/"})


def test_history_names_the_user_who_saved(world):
    org = world.haishu_branch
    history.attribute(org, actor=world.haishu_staff, reason="改名")
    model_update(instance=org, fields=["name"], data={"name": "改过的党支部"})
    record = org.history.latest("history_date")
    assert (record.history_user, record.history_change_reason) == (world.haishu_staff, "改名")


def test_history_names_a_partner_key_in_the_reason_not_as_a_user(world):
    org = world.haishu_branch

    class Key(Principal):
        def __str__(self) -> str:
            return "海曙区智慧党建平台"

    history.attribute(org, actor=Key(grants=[Grant(frozenset())]), reason="同步")
    model_update(instance=org, fields=["name"], data={"name": "同步的党支部"})
    record = org.history.latest("history_date")
    assert record.history_user is None
    assert record.history_change_reason == "合作系统：海曙区智慧党建平台；同步"


def test_no_module_names_a_history_author_but_portal_history():
    # One way to say who made a change: history.attribute (API keys and tasks have no request user).
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if path.parts[len(root.parts)] not in {"tests", ".venv"}
        and path.relative_to(root) != Path("portal/history.py")
        and any(
            f".{name} =" in path.read_text(encoding="utf-8") for name in ("_history_user", "_change_reason")
        )
    ]
    assert offenders == []
