from rest_framework.routers import BaseRouter

from volunteers.api import events


def register(router: BaseRouter) -> None:
    events.register(router)
