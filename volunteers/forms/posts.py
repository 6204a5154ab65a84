"""Posts (岗位) that community staff define: the services check scope and places."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grids.models import Region, RegionLevel
from portal.scoping import Action, Actor

COMMUNITY_SELECT_LIMIT = 300


class PostForm(forms.Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Region.objects.none())
    name = forms.CharField(label=_("岗位名称"), max_length=40)
    description = forms.CharField(label=_("岗位职责"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=500, initial=5)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communities = Region.objects.visible_to(actor, Action.CHANGE).filter(level=RegionLevel.COMMUNITY)
        field = self.fields["community"]
        field.queryset = communities
        options = list(communities.order_by("path")[: COMMUNITY_SELECT_LIMIT + 1])
        # By code, never by id: a typed value reaches no integer column (portal.ids).
        field.to_field_name = "code"
        if len(options) > COMMUNITY_SELECT_LIMIT:
            # A district has hundreds of communities: its staff type the code shown on the tree.
            field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
            field.label = _("社区（区划代码）")
        else:
            field.choices = [("", "—"), *((c.code, c.name) for c in options)]
            if len(options) == 1:
                field.initial = options[0].code


class PostEditForm(forms.Form):
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=500)
    is_open = forms.BooleanField(label=_("开放认领"), required=False)
    description = forms.CharField(label=_("岗位职责"), max_length=200, required=False)
