from rest_framework.routers import BaseRouter

from wishes.api import wishes


def register(router: BaseRouter) -> None:
    wishes.register(router)
