from rest_framework.routers import BaseRouter

from volunteers.api import records, teams


def register(router: BaseRouter) -> None:
    teams.register(router)
    records.register(router)
