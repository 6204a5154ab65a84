from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridsConfig(AppConfig):
    name = "grids"
    verbose_name = _("区域与党组织")

    def ready(self) -> None:
        # Registers the member import and export job kinds with portal.jobs (the sweep must know them
        # in every process, whichever modules it happened to import).
        from grids import exports, imports  # noqa: F401
