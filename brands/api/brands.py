from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Brand endpoints: written by the brands work."""
