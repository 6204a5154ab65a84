from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from grids.models import PartyOrganization, Region
from portal.models import Role, RoleAssignment, User


class Command(BaseCommand):
    help = "Grant a role to a user at a region (by code) or organization (by id), e.g. the first city administrator."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--region", help="region code, e.g. 330200 for 宁波市")
        parser.add_argument("--organization", type=int, help="party organization id (branch secretaries)")

    def handle(
        self, *args: Any, username: str, role: str, region: str | None, organization: int | None, **opts: Any
    ):
        try:
            user = User.objects.get(username=username)
            place = Region.objects.get(code=region) if region else None
            org = PartyOrganization.objects.get(pk=organization) if organization else None
        except (User.DoesNotExist, Region.DoesNotExist, PartyOrganization.DoesNotExist) as error:
            raise CommandError(str(error)) from None
        assignment = RoleAssignment(user=user, role=role, region=place, organization=org)
        try:
            assignment.full_clean(exclude=["granted_by"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        assignment.save()
        self.stdout.write(self.style.SUCCESS(f"Granted: {assignment}"))
