from django.urls import path

from fengling import export_views, views

app_name = "fengling"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", export_views.index_export, name="index_export"),
    path("members/<id:pk>/", views.member_detail, name="member"),
    path("members/<id:pk>/record/", views.record, name="record"),
    path("members/<id:pk>/board/", views.board_add, name="board_add"),
    path("events/<id:pk>/correct/", views.correct, name="correct"),
    path("me/", views.me, name="me"),
    path("board/", views.board, name="board"),
    path("board/export.xlsx", export_views.board_export, name="board_export"),
    path("board/<id:pk>/close/", views.board_close, name="board_close"),
    path("organizations/<id:pk>/field/", views.organization_field, name="organization_field"),
    path("exports/", export_views.export_start, name="export_start"),
    path("exports/<id:pk>/", export_views.export_job, name="export_job"),
    path("exports/<id:pk>/progress/", export_views.export_progress, name="export_progress"),
    path("exports/<id:pk>/download/", export_views.export_download, name="export_download"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<id:pk>/", views.indicator_set, name="indicator_set"),
]
