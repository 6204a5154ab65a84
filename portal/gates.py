"""Gates: the named questions that decide who may open a kind of page.

A page is guarded by ``portal.pages.require(gate)``, and its menu entry and the buttons that lead
to it ask the same gate object, so a link is shown exactly to those whose click would not be
refused. What a user may do to one object is the scoping module's ``can(...)``; a gate only says
whether the user may come to the page at all (e.g. "holds a change right somewhere").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portal.scoping import Action, has_any


@dataclass(frozen=True)
class Gate:
    name: str
    test: Callable[[Any], bool]

    def __call__(self, user: Any) -> bool:
        # Anonymous visitors pass no gate: ``require`` sends them to the login page instead.
        return bool(getattr(user, "is_authenticated", False)) and self.test(user)

    def __repr__(self) -> str:
        return f"<Gate {self.name}>"


def holds(action: Action) -> Gate:
    """Holding ``action`` over some region or organization (one query, cached for the request)."""
    return Gate(action.value, lambda user: has_any(user, action))


# Pages of one object: the scoped query decides, and what lies outside the user's scope is a 404
# (never a 403 that would confirm it exists); the object-level rule is then ``can(...)``.
SIGNED_IN = Gate("signed_in", lambda user: True)
# Staff and branch secretaries: the pages whose objects are then cut to the user's scope.
STAFF_VIEW = holds(Action.VIEW)
CHANGE = holds(Action.CHANGE)
EXPORT = holds(Action.EXPORT)
REVIEW = holds(Action.REVIEW)
MANAGE_ROLES = holds(Action.MANAGE_ROLES)
# The API docs are public (partners read them before they hold a key); the menu offers them to
# those who can call the API with their session.
API_DOCS = Gate("api_docs", lambda user: user.is_staff or has_any(user, Action.VIEW))


def _may_volunteer(user) -> bool:
    """Only holders of the volunteer role (given at registration, whatever the status) have a
    profile to look up: everyone else pays no query for the volunteer menu entries on every page.
    Superusers' roles are not read (they hold every right): they are looked up."""
    from portal.scoping import held_roles

    roles = held_roles(user)
    return roles is None or "volunteer" in roles


def _volunteer(user) -> object:
    from volunteers.selectors import volunteer_of

    return volunteer_of(user) if _may_volunteer(user) else None


def _active_volunteer(user) -> object:
    from volunteers.selectors import active_volunteer_of

    return active_volunteer_of(user) if _may_volunteer(user) else None


# A person with a volunteer profile (any status: an applicant sees their own page and why they
# wait); an active (approved) volunteer may sign up, take a post, join teams and claim wishes.
VOLUNTEER = Gate("volunteer", lambda user: _volunteer(user) is not None)
ACTIVE_VOLUNTEER = Gate("active_volunteer", lambda user: _active_volunteer(user) is not None)


def _manages_webhooks(user) -> bool:
    from portal.webhooks import may_manage

    return may_manage(user)


# Partners' webhook endpoints are registered by admins and city staff.
WEBHOOKS = Gate("webhooks", _manages_webhooks)
