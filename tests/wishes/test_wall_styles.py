"""The wall's cards are styled by the stylesheets the wall loads: the badge row of a wish card
(category, step) was unstyled, a bulleted list indented by 40 px on a phone, while its rule lived
only in brands.css, which the wishes pages do not load."""

import re
from pathlib import Path

from django.conf import settings

from tests.wishes.factories import WishFactory
from wishes.models import WishStatus

STATIC = Path(settings.BASE_DIR) / "static"


def test_every_class_of_a_wish_card_is_styled_on_the_wall(client, world):
    WishFactory(community=world.haishu_community, status=WishStatus.PUBLISHED)
    page = client.get("/wishes/").content.decode()
    sheets = re.findall(r'<link rel="stylesheet" href="/static/([^"?]+)', page)
    css = "".join((STATIC / sheet).read_text(encoding="utf-8") for sheet in sheets)
    card = re.search(r'<article class="card wish-card">.*?</article>', page, re.DOTALL).group(0)
    classes = {c for attr in re.findall(r'class="([^"]+)"', card) for c in attr.split()}
    assert classes and not {c for c in classes if f".{c}" not in css}
