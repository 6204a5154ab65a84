"""The one-time submission token of the wishes app's create forms (pledge, wish)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


def submission_token_field() -> forms.UUIDField:
    """A hidden one-time token rendered with a create form: the row saved from it keeps the token in a
    unique column, so the same form sent from a second tab (or twice by a double click) saves once."""
    return forms.UUIDField(
        label=_("提交凭据"),
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={
            "required": _("页面已过期，请刷新后重新提交。"),
            "invalid": _("页面已过期，请刷新后重新提交。"),
        },
    )
