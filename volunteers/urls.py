from django.urls import path

from volunteers.views import certificates, hours, teams

app_name = "volunteers"

urlpatterns = [
    # --- hours, teams and certificates (vhours) ---
    path("hours/review/", hours.review_queue, name="hours_review"),
    path("hours/export/", hours.hours_export, name="hours_export"),
    path("hours/<id:pk>/", hours.record_detail, name="record_detail"),
    path("hours/<id:pk>/approve/", hours.record_approve, name="record_approve"),
    path("hours/<id:pk>/decline/", hours.record_decline, name="record_decline"),
    path("me/hours/", hours.my_hours, name="my_hours"),
    path("me/certificates/new/", certificates.certificate_request, name="certificate_request"),
    path("certificates/<str:number>/", certificates.certificate_detail, name="certificate_detail"),
    path("certificates/<str:number>/pdf/", certificates.certificate_pdf, name="certificate_pdf"),
    path("verify/", certificates.verify, name="verify_form"),
    path("verify/<str:number>/", certificates.verify, name="verify"),
    path("teams/", teams.team_list, name="team_list"),
    path("teams/<id:pk>/", teams.team_detail, name="team_detail"),
    path("teams/<id:pk>/join/", teams.team_join, name="team_join"),
    path("teams/<id:pk>/leave/", teams.team_leave, name="team_leave"),
    path("teams/requests/<id:pk>/", teams.membership_decide, name="membership_decide"),
    # --- end vhours ---
]
