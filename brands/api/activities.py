from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Activity and base endpoints: written by the activities work."""
