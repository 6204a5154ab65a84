from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("志愿者")

    def ready(self) -> None:
        # Registers the hours export job kind with portal.jobs (the sweep must know it in every process).
        from volunteers import exports  # noqa: F401
