from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class Cursor(CursorPagination):
    """Cursor pages stay fast and stable on long lists (300,000 members) that change while read.

    The ``ordering`` query parameter (the view's ``ordering_fields``) picks the cursor field.
    """

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_ordering(self, request: Request, queryset: QuerySet, view: object) -> tuple[str, ...]:
        ordering = super().get_ordering(request, queryset, view)
        first = ordering[0].lstrip("-")
        if first != "pk" and not queryset.model._meta.get_field(first).unique:
            # Rows tied on a non-unique cursor field (join_date, name) must come in one fixed
            # order, or a page boundary inside the tie repeats some rows and skips others.
            ordering = (*ordering, "-pk" if ordering[0].startswith("-") else "pk")
        return ordering
