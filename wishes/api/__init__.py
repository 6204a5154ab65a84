from rest_framework.routers import BaseRouter

from wishes.api import claims, market, wishes


def register(router: BaseRouter) -> None:
    market.register(router)
    wishes.register(router)
    claims.register(router)
