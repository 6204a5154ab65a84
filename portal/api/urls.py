from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from brands.api import register as register_brands
from fengling.api import register as register_fengling
from grids.api import register as register_grids
from portal.api.errors import not_found
from portal.api.messages import register as register_messages
from portal.stats.api import register as register_stats
from volunteers.api import register as register_volunteers
from wishes.api import register as register_wishes

# Path converters, not regexes: detail ids are <id:pk> as in every page's urls.py (portal.ids).
router = DefaultRouter(use_regex_path=False)
register_grids(router)
register_brands(router)
register_messages(router)
register_volunteers(router)
register_wishes(router)
register_stats(router)
register_fengling(router)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html"),
        name="api-redoc",
    ),
    *router.urls,
    # Last: an unknown endpoint answers in the JSON error shape. Only paths ending in "/", so
    # that "/api/v1/regions" still gets Django's redirect to "/api/v1/regions/".
    re_path(r"^.*/$", not_found),
]
