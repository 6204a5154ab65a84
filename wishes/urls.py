from django.urls import path

from wishes.views import market

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
]
