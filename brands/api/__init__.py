from rest_framework.routers import BaseRouter

from brands.api import activities, brands


def register(router: BaseRouter) -> None:
    brands.register(router)
    activities.register(router)
