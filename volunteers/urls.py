from django.urls import path, re_path

from volunteers.views import events, me, posts, registration, staff

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
]
