"""The sign-up and privacy pages are open to visitors: in English under Accept-Language: en."""

import pytest

from tests.portal.test_i18n import CJK, visible_text
from volunteers.models import Specialty


@pytest.mark.parametrize("url", ["/volunteers/register/", "/volunteers/privacy/"])
def test_visitors_get_the_sign_up_pages_in_english(client, db, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    text = visible_text(html).replace("简体中文", "").replace("王*梅", "")
    for name in Specialty.objects.values_list("name", flat=True):  # data, as entered
        text = text.replace(name, "")
    assert not CJK.findall(text), CJK.findall(text)
