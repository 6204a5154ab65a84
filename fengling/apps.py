from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FenglingConfig(AppConfig):
    name = "fengling"
    verbose_name = _("锋领指数")

    def ready(self) -> None:
        # Registers the export job kind with portal.jobs (the sweep must know it in every process).
        from fengling import exports  # noqa: F401
