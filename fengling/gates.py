"""The Fengling pages' gates (see ``portal.gates``): the menu entry and its page ask the same one."""

from portal.gates import Gate


def _edits_indicators(user: object) -> bool:
    from fengling.services import may_edit_indicators

    return may_edit_indicators(user)


def _may_have_a_score(user: object) -> bool:
    from fengling.selectors import is_region_staff

    return not is_region_staff(user)


# The indicator sets are the city's: staff holding a change right over the whole city.
INDICATORS = Gate("fengling_indicators", _edits_indicators)
# "我的锋领积分": everyone signed in who is not staff placed at a region (members, volunteers,
# secretaries). Decided from the role assignments the menu reads anyway, at no further query; the
# page then says so when the account is linked to no member record.
MY_SCORE = Gate("fengling_me", _may_have_a_score)
