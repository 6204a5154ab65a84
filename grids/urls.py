from django.urls import path

from grids import export_views, import_views, views

app_name = "grids"

urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("tree/<str:code>/", views.tree_node, name="tree_node"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/export.xlsx", import_views.member_export, name="member_export"),
    path("members/exports/", export_views.export_start, name="export_start"),
    path("members/exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("members/exports/<int:pk>/progress/", export_views.export_progress, name="export_progress"),
    path("members/exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/import/", import_views.member_import, name="member_import"),
    path("members/import/template.xlsx", import_views.import_template, name="import_template"),
    path("members/import/<int:pk>/", import_views.import_job, name="import_job"),
    path("members/import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
]
