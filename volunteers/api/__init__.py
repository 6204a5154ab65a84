from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    from volunteers.api import volunteers

    router.register("volunteers", volunteers.VolunteerViewSet, basename="volunteer")
