from django.urls import path, re_path

from volunteers.views import (
    certificates,
    events,
    exports,
    hours,
    me,
    posts,
    registration,
    staff,
    team_admin,
    teams,
)

app_name = "volunteers"

urlpatterns = [
    # Registration, profile, 一人一岗 (vreg).
    path("", staff.volunteer_list, name="volunteer_list"),
    path("<id:pk>/", staff.volunteer_detail, name="volunteer_detail"),
    re_path(
        r"^(?P<pk>[0-9]{1,18})/(?P<action>approve|suspend|archive)/$",
        staff.volunteer_status,
        name="volunteer_status",
    ),
    path("register/", registration.register, name="register"),
    path("privacy/", registration.privacy, name="privacy"),
    path("me/", me.me, name="me"),
    path("me/edit/", me.profile_edit, name="profile_edit"),
    path("posts/", posts.post_list, name="post_list"),
    re_path(r"^posts/(?P<pk>[0-9]{1,18})/(?P<action>take|switch)/$", posts.post_action, name="post_action"),
    path("posts/leave/", posts.post_action, {"pk": 0, "action": "leave"}, name="post_leave"),
    path("posts/manage/", posts.post_manage, name="post_manage"),
    path("posts/<id:pk>/edit/", posts.post_edit, name="post_edit"),
    # --- events (service events, sign-ups, attendance) ---
    path("events/", events.event_list, name="event_list"),
    path("events/new/", events.event_create, name="event_create"),
    path("events/<id:pk>/", events.event_detail, name="event_detail"),
    path("events/<id:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<id:pk>/cancel/", events.event_cancel, name="event_cancel"),
    path("events/<id:pk>/signup/", events.event_signup, name="event_signup"),
    path("events/<id:pk>/withdraw/", events.event_withdraw, name="event_withdraw"),
    path("events/<id:pk>/signups/", events.event_signups, name="event_signups"),
    path("events/<id:pk>/signups/<id:signup_pk>/approve/", events.signup_approve, name="signup_approve"),
    path("events/<id:pk>/signups/<id:signup_pk>/decline/", events.signup_decline, name="signup_decline"),
    path("events/<id:pk>/attendance/", events.event_attendance, name="event_attendance"),
    path("events/<id:pk>/checkin/<str:code>/", events.event_checkin, name="event_checkin"),
    # --- end events ---
    # --- hours, teams and certificates (vhours) ---
    path("hours/review/", hours.review_queue, name="hours_review"),
    path("hours/export/", exports.hours_export, name="hours_export"),
    path("hours/exports/", exports.export_start, name="hours_export_start"),
    path("hours/exports/<id:pk>/", exports.export_job, name="hours_export_job"),
    path("hours/exports/<id:pk>/progress/", exports.export_progress, name="hours_export_progress"),
    path("hours/exports/<id:pk>/download/", exports.export_download, name="hours_export_download"),
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
    # --- stations and teams kept by staff (vgap) ---
    path("teams/new/", team_admin.team_create, name="team_create"),
    path("teams/<id:pk>/edit/", team_admin.team_edit, name="team_edit"),
    path("stations/", team_admin.station_list, name="station_list"),
    path("stations/new/", team_admin.station_create, name="station_create"),
    path("stations/<id:pk>/edit/", team_admin.station_edit, name="station_edit"),
    # --- end vgap ---
]
