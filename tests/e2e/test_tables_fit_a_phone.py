"""Staff tables scroll inside their own box on a phone; the page itself never scrolls sideways.

A table's hidden column header ("操作", for screen readers) is positioned absolutely: unless the
table's scroll box is its containing block, it escapes the box and widens the whole page.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from brands.models import BrandStatus
from tests.brands.factories import BrandFactory
from tests.e2e.conftest import login

PASSWORD = "pass-1234-word"
# Wide tables a district's staff see: role grants (five columns) and the review queue (five).
PAGES = ["/roles/", "/brands/manage/review/"]


@pytest.mark.parametrize("path", PAGES)
def test_a_wide_staff_table_does_not_widen_the_page(page, live_server, world, path):
    BrandFactory(
        name="楼道红管家",
        organization=world.haishu_branch,
        status=BrandStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    login(page, live_server.url, "haishu", PASSWORD)
    page.goto(live_server.url + path)
    # Measured against the table's own box, not the phone: how wide the cells are depends on the
    # fonts installed (with no CJK font the characters are narrower boxes).
    table_width, box_width = page.evaluate(
        "(() => { const box = document.querySelector('.table-wrap'); return [box.scrollWidth, box.clientWidth]; })()"
    )
    assert table_width > box_width, "the table should overflow its box (else this test proves nothing)"
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow == 0, f"{path} scrolls sideways by {overflow}px on a 375px phone"
