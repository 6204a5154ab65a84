from rest_framework.routers import BaseRouter

from wishes.api import claims


def register(router: BaseRouter) -> None:
    claims.register(router)
