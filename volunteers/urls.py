from django.urls import path, re_path

from volunteers.views import me, posts, registration, staff

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
]
