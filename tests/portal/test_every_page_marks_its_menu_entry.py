"""A page a menu entry leads to marks that entry (aria-current and the folded phone menu's label).

The bases page marked 活动记录 and the import pages marked nothing: their views named a section
the menu does not have ("import") or another one's.
"""

import re

import pytest
from django.urls import reverse

from portal.context_processors import MENU


@pytest.mark.parametrize(
    ("url_name", "entry"),
    [
        ("brands:base_list", "组织生活基地"),
        ("grids:member_import", "党员"),
        ("wishes:market_create", "公益集市"),
        ("stats:overview", "数据看板"),
        ("volunteers:event_list", "服务活动"),
    ],
)
def test_the_page_marks_its_own_menu_entry(world, client, url_name, entry):
    client.force_login(world.haishu_staff)
    html = client.get(reverse(url_name)).content.decode()
    assert re.findall(r'aria-current="page">([^<]+)</a>', html) == [entry]


def test_every_view_names_a_menu_entry():
    # Every nav_active a view passes is a key of MENU (else nothing is marked).
    from pathlib import Path

    keys = {entry.key for entry in MENU}
    root = Path(__file__).resolve().parents[2]
    used = set()
    apps = [p for p in root.iterdir() if (p / "apps.py").exists()]
    for path in (path for app in apps for path in app.rglob("*.py")):
        used |= set(re.findall(r'"nav_active": "(\w+)"', path.read_text()))
        used |= set(re.findall(r"^\w*NAV = \"(\w+)\"", path.read_text(), re.M))
    assert used and used <= keys, used - keys
