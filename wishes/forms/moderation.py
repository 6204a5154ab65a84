"""The moderator's forms: correct a wish before publishing it, or say why it is turned down."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wishes.models import Wish, WishCategory
from wishes.services.moderation import REASON_MAX


class EditForm(forms.Form):
    category = forms.ChoiceField(label=_("心愿类别"), choices=WishCategory.choices)
    title = forms.CharField(label=_("心愿标题"), max_length=60)
    description = forms.CharField(
        label=_("心愿描述"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5})
    )
    value = forms.DecimalField(label=_("估计价值（元）"), min_value=0, max_digits=8, decimal_places=2)

    def __init__(self, *args: Any, wish: Wish, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "category": wish.category,
                "title": wish.title,
                "description": wish.description,
                "value": wish.value,
            },
        )
        super().__init__(*args, **kwargs)
        # The cap is the service's rule; the browser is only told of it.
        self.fields["value"].widget.attrs["max"] = settings.WISH_VALUE_CAP


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因（居民会看到）"),
        max_length=REASON_MAX,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("如：该需求属于低保救助范围，请到社区服务中心办理。")}
        ),
    )
