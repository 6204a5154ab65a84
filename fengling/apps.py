from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FenglingConfig(AppConfig):
    name = "fengling"
    verbose_name = _("锋领指数")
