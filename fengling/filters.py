"""The red/black list's filters: one branch (``?organization=<id>``, with the branches below it) or one
community (``?community=<code>``), and one list (``?kind=red|black``). The page and its Excel export
read the same filterset; a value that is not an id, a code or a list is the form's error, never a 500."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengling.models import BoardEntry, BoardKind
from grids.models import PartyOrganization, Region, RegionLevel
from portal.filters import IdFilter

# Region codes are digits: 6 for a district, 9 for a street, 12 for a community.
CODE_MESSAGE = _("社区代码须为不超过 15 位的数字。")


class BoardFilter(django_filters.FilterSet):
    organization = IdFilter(method="filter_organization", label=_("党组织（含下级）"))
    community = django_filters.CharFilter(
        method="filter_community",
        label=_("社区代码"),
        max_length=15,
        validators=[RegexValidator(r"^[0-9]+\Z", CODE_MESSAGE)],
        error_messages={"max_length": CODE_MESSAGE},
    )
    kind = django_filters.ChoiceFilter(choices=BoardKind.choices, label=_("榜单"))

    class Meta:
        model = BoardEntry
        fields = ["organization", "community", "kind"]

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        # The branch's or the community's name for the heading, once a filter has found it.
        self.place: str | None = None

    def filter_organization(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        # Looked up in the actor's scope: another district's id names nothing, as a missing one.
        organization = (
            PartyOrganization.objects.visible_to(self.actor).filter(pk=value).only("path", "name").first()
        )
        if organization is None:
            return queryset.none()
        self.place = organization.name
        return queryset.filter(organization__path__startswith=organization.path)

    def filter_community(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        community = (
            Region.objects.filter(code=value, level=RegionLevel.COMMUNITY).only("path", "name").first()
        )
        if community is None:
            return queryset.none()
        self.place = community.name
        return queryset.filter(organization__region__path__startswith=community.path)
