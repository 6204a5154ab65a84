"""What the vreg tests share: a valid sign-up, posted as a visitor or a signed-in user would."""

import datetime as dt

from grids.models import Region
from tests.factories import make_id_number


def signup_data(place: Region, **overrides: object) -> dict[str, object]:
    data = {
        "name": "欧阳娜娜",
        "id_number": make_id_number(dt.date(1990, 2, 28)),
        "mobile": "13912345678",
        "district": place.parent.parent.code,
        "street": place.parent.code,
        "community": place.code,
        "specialties": [],
        "work_unit": "",
        "username": "nana",
        "password": "Zhiyuan-2026-fuwu",
        "password_again": "Zhiyuan-2026-fuwu",
        "consent": "on",
    }
    data.update(overrides)
    return data
