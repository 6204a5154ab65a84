from django.http import HttpRequest, HttpResponse

# Placeholder views: replaced by the member import/export work.


def _todo(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse("todo")


member_export = member_import = import_template = import_job = import_progress = _todo
