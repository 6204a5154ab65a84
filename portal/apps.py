from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self) -> None:
        from portal import media
        from portal.ids import IdConverter

        media.connect_row_deletion()
        # Registered before any urls.py is imported: every path id is <id:...>, never <int:...>.
        register_converter(IdConverter, "id")
