from django.urls import path

from brands.views import activities, brands

app_name = "brands"

urlpatterns = [
    # --- brands (brand wall, brand pages, staff brand pages) ---
    # --- end brands ---
    # --- activities (activity records, branch pages, organizational-life bases) ---
    # --- end activities ---
]
