from django.urls import path

from volunteers.views import events

app_name = "volunteers"

urlpatterns = [
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
