from django.urls import path

from wishes.views import moderation, submission

app_name = "wishes"

urlpatterns = [
    # --- submitting and tracking (residents, no account) ---
    path("new/", submission.wish_new, name="wish_new"),
    path("new/done/", submission.wish_done, name="wish_done"),
    path("new/regions/", submission.regions, name="wish_regions"),
    path("privacy/", submission.privacy, name="privacy"),
    path("track/", submission.track, name="track"),
    path("track/<str:code>/", submission.track_wish, name="track_wish"),
    # --- moderation (staff and branch secretaries) ---
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/<id:pk>/", moderation.wish_detail, name="moderation_wish"),
    path("moderation/<id:pk>/approve/", moderation.approve, name="moderation_approve"),
    path("moderation/<id:pk>/edit/", moderation.edit, name="moderation_edit"),
    path("moderation/<id:pk>/reject/", moderation.reject, name="moderation_reject"),
    # --- end moderation ---
]
