from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views, webhook_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/new/", views.role_create, name="role_create"),
    path("roles/<id:pk>/revoke/", views.role_revoke, name="role_revoke"),
    path("messages/", views.message_list, name="message_list"),
    path("messages/read-all/", views.messages_read_all, name="messages_read_all"),
    path("messages/<id:pk>/open/", views.message_open, name="message_open"),
    path("messages/<id:pk>/read/", views.message_read, name="message_read"),
    path("webhooks/", webhook_views.endpoint_list, name="webhook_list"),
    path("webhooks/new/", webhook_views.endpoint_create, name="webhook_create"),
    path("webhooks/<id:pk>/", webhook_views.endpoint_detail, name="webhook_detail"),
    path("webhooks/<id:pk>/rotate/", webhook_views.endpoint_rotate, name="webhook_rotate"),
    path("webhooks/<id:pk>/toggle/", webhook_views.endpoint_toggle, name="webhook_toggle"),
    path("webhooks/deliveries/<id:pk>/resend/", webhook_views.delivery_resend, name="webhook_resend"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("grids/", include("grids.urls")),
    path("brands/", include("brands.urls")),
    path("volunteers/", include("volunteers.urls")),
    path("wishes/", include("wishes.urls")),
    path("dashboard/", include("portal.stats.urls")),
    path("fengling/", include("fengling.urls")),
    path("api/v1/", include("portal.api.urls")),
    path("open311/v2/", include("wishes.open311_urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
