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


def _volunteer(user) -> object:
    from volunteers.selectors import volunteer_of

    return volunteer_of(user)


def _active_volunteer(user) -> object:
    from volunteers.selectors import active_volunteer_of

    return active_volunteer_of(user)


# A person with a volunteer profile (any status: an applicant sees their own page and why they
# wait); an active (approved) volunteer may sign up, take a post, join teams and claim wishes.
VOLUNTEER = Gate("volunteer", lambda user: _volunteer(user) is not None)
ACTIVE_VOLUNTEER = Gate("active_volunteer", lambda user: _active_volunteer(user) is not None)


def _manages_webhooks(user) -> bool:
    from portal.webhooks import may_manage

    return may_manage(user)


# Partners' webhook endpoints are registered by admins and city staff.
WEBHOOKS = Gate("webhooks", _manages_webhooks)


def _holds_over_regions(action: Action) -> Callable[[Any], bool]:
    from portal.scoping import grants_for

    def test(user: Any) -> bool:
        return any(action in g.actions and (g.everything or g.region_path) for g in grants_for(user))

    return test


# Volunteers are placed by their community only: staff holding a region see them; a branch
# secretary's organization grant covers none, so the volunteer list is not offered to them.
VOLUNTEER_STAFF = Gate("volunteer_staff", _holds_over_regions(Action.VIEW))
POST_STAFF = Gate("post_staff", _holds_over_regions(Action.CHANGE))
# Stations and teams are created and edited by staff placed at a region (the objects then cut to it).
TEAM_STAFF = Gate("team_staff", _holds_over_regions(Action.CHANGE))
# Signed in without a volunteer profile: the "成为志愿者" link.
NOT_VOLUNTEER = Gate("not_volunteer", lambda user: _volunteer(user) is None)
# --- The public-welfare market (公益集市) ---


def _represents_welfare_org(user) -> bool:
    from wishes.selectors.market import welfare_orgs_of

    return bool(welfare_orgs_of(user))


def _market_staff(user) -> bool:
    # Staff placed at a region (not a branch secretary, whose grants name an organization).
    from portal.scoping import grants_for

    return any(Action.CHANGE in g.actions and (g.region_path or g.everything) for g in grants_for(user))


def _market_poster(user) -> bool:
    from wishes.models import WelfareOrgKind
    from wishes.selectors.market import welfare_orgs_of

    social = any(org.kind == WelfareOrgKind.SOCIAL for org in welfare_orgs_of(user))
    return social or _market_staff(user)


# A representative (经办人) of an approved welfare organization: pledges and withdraws.
WELFARE_REPRESENTATIVE = Gate("welfare_representative", _represents_welfare_org)
# Posts, edits and closes projects: community staff, or an approved social organization.
MARKET_POST = Gate("market_post", _market_poster)
# Approves organizations' registrations (review rights over their region) and confirms receipts.
MARKET_STAFF = Gate("market_staff", lambda user: _market_staff(user) and has_any(user, Action.REVIEW))
# Moderating residents' wishes: staff, and branch secretaries for their branch's community (the
# queue is then cut to the scope; portal.scoping ScopeSpec.community).
MODERATE_WISHES = Gate("moderate_wishes", lambda user: has_any(user, Action.CHANGE))


def _sees_regions(user) -> bool:
    from portal.scoping import grants_for

    return any(Action.VIEW in g.actions and (g.everything or g.region_path) for g in grants_for(user))


def _rebuilds_stats(user) -> bool:
    from portal.scoping import grants_for

    return any(
        Action.CHANGE in g.actions and (g.everything or (g.region_path or "").count("/") == 1)
        for g in grants_for(user)
    )


# Dashboards (portal.stats): staff placed at a region (a secretary's grant is an organization, with
# no region node to show); the city-wide "rebuild now" needs a change right over the whole city.
DASHBOARD = Gate("dashboard", _sees_regions)
STATS_REBUILD = Gate("stats_rebuild", _rebuilds_stats)
# Service events: staff see their area's events, volunteers (any status) the public calls and
# their own sign-ups; an event's organizer pages are then decided by can(...) on the event.
EVENTS = Gate("events", lambda user: has_any(user, Action.VIEW) or _volunteer(user) is not None)


def _reviews_hours(user) -> bool:
    from portal.scoping import has_any
    from volunteers.services.hours import reviews_hours

    # Staff review by their role; otherwise only volunteers organize events or lead teams.
    return has_any(user, Action.REVIEW) or (_volunteer(user) is not None and reviews_hours(user))


# Service hours are confirmed by staff with the review right, an event's organizer or a team's
# leader (volunteers.services.hours.may_review); the queue and its menu entry ask this.
HOURS_REVIEW = Gate("hours_review", _reviews_hours)
