from django.http import HttpRequest, HttpResponse

# Placeholder views: replaced by the grids pages work.


def _todo(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse("todo")


tree = organization_create = organization_detail = organization_edit = _todo
member_list = member_create = member_detail = member_edit = _todo
