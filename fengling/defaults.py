"""The shipped indicator sets (``defaults/indicators.json``): six fields, each with the 4 dimensions'
16 behaviours, their default points and monthly limits. Loaded by migration 0002 and by seed_demo;
a set or behaviour that exists already is left as the city's staff have edited it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULTS = Path(__file__).resolve().parent / "defaults" / "indicators.json"


def load(indicator_set_model: Any = None, behaviour_model: Any = None) -> int:
    """Create the missing sets and behaviours; returns how many behaviours were added."""
    if indicator_set_model is None:
        from fengling.models import Behaviour, IndicatorSet

        indicator_set_model, behaviour_model = IndicatorSet, Behaviour
    added = 0
    for spec in json.loads(DEFAULTS.read_text(encoding="utf-8")):
        indicator_set, _ = indicator_set_model.objects.get_or_create(
            field=spec["field"], defaults={"name": spec["name"]}
        )
        for item in spec["behaviours"]:
            _, created = behaviour_model.objects.get_or_create(
                indicator_set=indicator_set,
                code=item["code"],
                defaults={k: item[k] for k in ("dimension", "name", "points", "monthly_limit")},
            )
            added += created
    return added
