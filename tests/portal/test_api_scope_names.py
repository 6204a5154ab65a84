"""API key scopes are spelled once (portal.models.ApiScope) and named from there everywhere else."""

import re
from pathlib import Path

from portal.api.auth import SCOPE_ACTIONS
from portal.api.urls import router
from portal.api.viewsets import PortalViewSetMixin
from portal.models import ApiScope
from portal.scoping import Action

ROOT = Path(__file__).resolve().parents[2]


def test_no_module_spells_a_scope_name_itself():
    spelled = re.compile("|".join(rf"[\"']{re.escape(scope.value)}[\"']" for scope in ApiScope))
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/**/*.py")
        if path.parts[len(ROOT.parts)] not in {"tests", ".venv", "bench"}
        and "migrations" not in path.parts
        and path.relative_to(ROOT) != Path("portal/models.py")
        and spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_scope_grants_something():
    assert set(SCOPE_ACTIONS) == set(ApiScope)
    assert SCOPE_ACTIONS[ApiScope.READ] == {Action.VIEW}


def test_every_endpoint_reads_through_its_own_selector():
    # The base class refuses to guess: each viewset says which selector it reads from.
    for _prefix, viewset, _basename in router.registry:
        assert viewset.get_queryset is not PortalViewSetMixin.get_queryset, viewset
        assert getattr(viewset, "queryset", None) is None, viewset
