import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import RequestFactory

from portal.errors import Conflict
from portal.pages import add_service_error, found_or_404, paginate


class NameForm(forms.Form):
    name = forms.CharField()


def test_a_found_object_is_returned_and_a_missing_one_is_a_404():
    assert found_or_404("支部") == "支部"
    with pytest.raises(Http404):
        found_or_404(None)


@pytest.mark.parametrize(("asked", "shown"), [("2", 2), ("99", 3), ("abc", 1), (None, 1)])
def test_any_page_number_gives_a_page_to_show(asked, shown):
    request = RequestFactory().get("/", {"page": asked} if asked else {})
    page = paginate(request, list(range(25)), 10)
    assert page.number == shown


@pytest.mark.parametrize(
    ("error", "field_errors", "form_errors"),
    [
        (Conflict("已被他人认领。"), [], ["已被他人认领。"]),
        (ValidationError({"name": "名称已被使用。"}), ["名称已被使用。"], []),
        (ValidationError({"region": "不在辖区内。"}), [], ["不在辖区内。"]),  # not a field of this form
        (ValidationError("整份文件无效。"), [], ["整份文件无效。"]),
    ],
)
def test_a_services_refusal_lands_on_its_field_or_above_the_form(error, field_errors, form_errors):
    form = NameForm({"name": "小板凳工作法"})
    assert form.is_valid()
    add_service_error(form, error)
    assert (form.errors.get("name", []), form.non_field_errors()) == (field_errors, form_errors)
