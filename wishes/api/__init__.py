from rest_framework.routers import BaseRouter

from wishes.api import market


def register(router: BaseRouter) -> None:
    market.register(router)
