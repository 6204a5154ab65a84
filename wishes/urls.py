from django.urls import path

from wishes.views import claims

app_name = "wishes"

urlpatterns = [
    # --- claims (the wall, claiming, my claims, confirming) ---
    path("", claims.wall, name="wall"),
    path("live/", claims.wall_live, name="wall_live"),
    path("<id:pk>/claim/", claims.wish_claim, name="claim"),
    path("<id:pk>/confirm/", claims.staff_confirm, name="staff_confirm"),
    path("batch/", claims.batch_claim, name="batch_claim"),
    path("mine/", claims.my_claims, name="mine"),
    path("claims/<id:pk>/fulfil/", claims.claim_fulfil, name="claim_fulfil"),
    path("claims/<id:pk>/release/", claims.claim_release, name="claim_release"),
    path("track/<str:code>/confirm/", claims.resident_confirm, name="resident_confirm"),
    # --- end claims ---
]
