from django.urls import path

from brands.views import activities, brands

app_name = "brands"

urlpatterns = [
    # --- brands (brand wall, brand pages, staff brand pages) ---
    path("", brands.wall, name="wall"),
    path("<id:pk>/", brands.brand_detail, name="brand_detail"),
    path("manage/", brands.brand_list, name="brand_list"),
    path("manage/new/", brands.brand_create, name="brand_create"),
    path("manage/review/", brands.review_queue, name="review_queue"),
    path("manage/<id:pk>/", brands.brand_manage, name="brand_manage"),
    path("manage/<id:pk>/edit/", brands.brand_edit, name="brand_edit"),
    path("manage/<id:pk>/submit/", brands.brand_submit, name="brand_submit"),
    path("manage/<id:pk>/withdraw/", brands.brand_withdraw, name="brand_withdraw"),
    path("manage/<id:pk>/review/", brands.brand_review, name="brand_review"),
    path("manage/<id:pk>/archive/", brands.brand_archive, name="brand_archive"),
    path("manage/<id:pk>/history/", brands.brand_history, name="brand_history"),
    path("manage/<id:pk>/images/", brands.gallery_add, name="gallery_add"),
    path("manage/<id:pk>/images/<id:image_pk>/delete/", brands.gallery_remove, name="gallery_remove"),
    path("manage/<id:pk>/recognitions/", brands.recognition_add, name="recognition_add"),
    path(
        "manage/<id:pk>/recognitions/<id:recognition_pk>/delete/",
        brands.recognition_remove,
        name="recognition_remove",
    ),
    # --- end brands ---
    # --- activities (activity records, branch pages, organizational-life bases) ---
    path("activities/", activities.activity_list, name="activity_list"),
    path("activities/new/", activities.activity_start, name="activity_start"),
    path("activities/<id:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("branches/<id:pk>/", activities.branch_detail, name="branch_detail"),
    path("branches/<id:pk>/activities/new/", activities.activity_create, name="activity_create"),
    path("branches/<id:pk>/bookings/", activities.booking_list, name="booking_list"),
    path("bases/", activities.base_list, name="base_list"),
    path("bases/slots/<id:pk>/book/", activities.book_slot, name="slot_book"),
    path("bases/bookings/<id:pk>/cancel/", activities.cancel_booking, name="booking_cancel"),
    # --- end activities ---
]
