from django.urls import path

from portal.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("rebuild/", views.rebuild_start, name="rebuild"),
    path("rebuild/<id:pk>/", views.rebuild_job, name="rebuild_job"),
    path("rebuild/<id:pk>/progress/", views.rebuild_progress, name="rebuild_progress"),
    path("<str:code>/", views.overview, name="node"),
    path("<str:code>/export.xlsx", views.export, name="export"),
]
