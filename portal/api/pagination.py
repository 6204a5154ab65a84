from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Cursor pages stay fast and stable on long lists (300,000 members) that change while read."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200
