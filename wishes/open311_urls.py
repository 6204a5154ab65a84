"""/open311/v2/: GeoReport v2 for micro-wishes (see wishes.open311); the format is the suffix."""

from django.urls import re_path

from wishes import open311

FMT = open311.FORMAT_PATTERN
# Path parts up to 100 characters reach the views, which answer a bad one with the spec's 404 error
# (a longer id or token would otherwise get Django's HTML 404 page).

urlpatterns = [
    re_path(rf"^services\.{FMT}$", open311.ServiceList.as_view(), name="open311-services"),
    re_path(
        rf"^services/(?P<code>[^/]{{1,100}})\.{FMT}$",
        open311.ServiceDefinitionView.as_view(),
        name="open311-service",
    ),
    re_path(rf"^requests\.{FMT}$", open311.RequestList.as_view(), name="open311-requests"),
    re_path(
        rf"^requests/(?P<request_id>[^/]{{1,100}})\.{FMT}$",
        open311.RequestDetail.as_view(),
        name="open311-request",
    ),
    re_path(rf"^tokens/(?P<token>[^/]{{1,100}})\.{FMT}$", open311.TokenView.as_view(), name="open311-token"),
]
