from django.urls import path

from wishes.views import claims, market, moderation, submission

app_name = "wishes"

urlpatterns = [
    # --- market (公益集市: projects, pledges, organizations) ---
    path("market/", market.market, name="market"),
    path("market/new/", market.project_create, name="market_create"),
    path("market/mine/", market.my_projects, name="market_mine"),
    path("market/register/", market.register, name="market_register"),
    path("market/organizations/", market.organizations, name="market_organizations"),
    path("market/organizations/<id:pk>/approve/", market.organization_approve, name="market_org_approve"),
    path("market/organizations/<id:pk>/reject/", market.organization_reject, name="market_org_reject"),
    path("market/<id:pk>/", market.project_detail, name="market_project"),
    path("market/<id:pk>/pledge/", market.pledge, name="market_pledge"),
    path("market/<id:pk>/manage/", market.project_manage, name="market_manage"),
    path("market/<id:pk>/edit/", market.project_edit, name="market_edit"),
    path("market/<id:pk>/close/", market.project_close, name="market_close"),
    path("market/pledges/<id:pk>/withdraw/", market.pledge_withdraw, name="market_withdraw"),
    path("market/pledges/<id:pk>/receive/", market.pledge_receive, name="market_receive"),
    # --- end market ---
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
