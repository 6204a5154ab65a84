import re

from django.urls import reverse

CJK = re.compile(r"[\u4e00-\u9fff]")
# Bilingual on purpose: the language switch must be findable in either language.
BILINGUAL = "语言 / Language"


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html).replace(BILINGUAL, "")


def test_english_visitors_get_the_public_pages_in_english(client, db):
    for url in (reverse("home"), reverse("login"), reverse("brands:wall")):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert not CJK.findall(visible_text(html).replace("简体中文", "")), url


def test_staff_pages_are_in_english_apart_from_the_data(client, world):
    client.force_login(world.haishu_staff)
    html = client.get(reverse("grids:member_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Party members" in html
    text = visible_text(html).replace("简体中文", "")
    for member in world.haishu_members:  # the data stays as entered
        text = text.replace(member.name, "").replace(member.organization.name, "")
    text = text.replace(world.haishu.name, "").replace(world.haishu_branch.name, "")
    text = text.replace(world.haishu_staff.display_name, "")
    assert not CJK.findall(text)


def test_chinese_is_the_default(client, db):
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "四明党建品牌门户" in html
