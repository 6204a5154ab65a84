from rest_framework.routers import BaseRouter

from volunteers.api import events, records, teams


def register(router: BaseRouter) -> None:
    from volunteers.api import volunteers

    router.register("volunteers", volunteers.VolunteerViewSet, basename="volunteer")
    events.register(router)
    teams.register(router)
    records.register(router)
