"""The Fengling pages' gates (see ``portal.gates``): the menu entry and its page ask the same one."""

from portal.gates import Gate


def _edits_indicators(user: object) -> bool:
    from fengling.services import may_edit_indicators

    return may_edit_indicators(user)


def _may_have_a_score(user: object) -> bool:
    from portal.models import Role
    from portal.scoping import roles_of
    from volunteers.selectors import volunteer_of

    roles = roles_of(user)
    if Role.BRANCH_SECRETARY in roles:
        return True
    volunteer = volunteer_of(user) if Role.VOLUNTEER in roles else None
    return volunteer is not None and volunteer.member_id is not None


# The indicator sets are the city's: staff holding a change right over the whole city.
INDICATORS = Gate("fengling_indicators", _edits_indicators)
# "我的锋领积分": branch secretaries (members of their branch) and volunteers whose profile is linked
# to a member record. Decided from what the menu reads anyway (the role assignments, the volunteer
# profile), at no further query; the page says so when a secretary's account is linked to no member.
MY_SCORE = Gate("fengling_me", _may_have_a_score)
