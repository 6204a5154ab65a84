from django.urls import path

from grids import export_views, import_views, views

app_name = "grids"

urlpatterns = [
    path("tree/", views.tree, name="tree"),
    path("tree/<str:code>/", views.tree_node, name="tree_node"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<id:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<id:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("members/", views.member_list, name="member_list"),
    path("members/export.xlsx", import_views.member_export, name="member_export"),
    path("members/exports/", export_views.export_start, name="export_start"),
    path("members/exports/<id:pk>/", export_views.export_job, name="export_job"),
    path("members/exports/<id:pk>/progress/", export_views.export_progress, name="export_progress"),
    path("members/exports/<id:pk>/download/", export_views.export_download, name="export_download"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<id:pk>/", views.member_detail, name="member_detail"),
    path("members/<id:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/import/", import_views.member_import, name="member_import"),
    path("members/import/template.xlsx", import_views.import_template, name="import_template"),
    path("members/import/<id:pk>/", import_views.import_job, name="import_job"),
    path("members/import/<id:pk>/progress/", import_views.import_progress, name="import_progress"),
]
