"""Writes to regions, organizations and members. Callers have checked nothing; these check scope."""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from grids.models import PartyMember, PartyOrganization, Region
from portal.errors import NotAllowed
from portal.privacy import hash_id_number, mask_id_number
from portal.scoping import Action, can
from portal.validators import normalize_id_number, normalize_mobile, validate_id_number

MEMBER_FIELDS = (
    "name", "gender", "birth_date", "join_date", "status", "organization", "mobile",
    "is_central_household", "is_in_service", "work_unit", "is_mobile_member",
)  # fmt: skip
ORGANIZATION_FIELDS = ("name", "kind", "region", "parent", "secretary")
ID_NUMBER_TAKEN = gettext_lazy("该身份证号已登记过党员信息。")


def _require(actor: Any, action: str, obj: Any) -> None:
    if not can(actor, action, obj):
        raise NotAllowed()


def region_create(*, parent: Region | None, code: str, name: str, level: str) -> Region:
    region = Region(parent=parent, code=code, name=name, level=level)
    region.full_clean(exclude=["path"])
    region.save()
    return region


def _place_organization(org: PartyOrganization) -> None:
    org.path = f"{org.parent.path if org.parent_id else ''}{org.pk}/"


@transaction.atomic
def organization_create(*, actor: Any, **fields: Any) -> PartyOrganization:
    org = PartyOrganization(**{k: fields[k] for k in ORGANIZATION_FIELDS if k in fields})
    # Creating inside a parent needs change rights there; a top organization needs them on its region.
    _require(actor, Action.CHANGE, org.parent if org.parent_id else org.region)
    org.full_clean(exclude=["path"])
    org.save()
    _place_organization(org)
    org.save(update_fields=["path"])
    return org


@transaction.atomic
def organization_update(*, actor: Any, organization: PartyOrganization, **fields: Any) -> PartyOrganization:
    _require(actor, Action.CHANGE, organization)
    old_path, old_place = organization.path, (organization.parent_id, organization.region_id)
    for name in ORGANIZATION_FIELDS:
        if name in fields:
            setattr(organization, name, fields[name])
    # Moving an organization needs rights where it lands; renaming it only rights over itself.
    if (organization.parent_id, organization.region_id) != old_place:
        _require(actor, Action.CHANGE, organization.parent or organization.region)
    organization.full_clean(exclude=["path"])
    _place_organization(organization)
    organization.save()
    if organization.path != old_path:
        _move_subtree(old_path, organization.path)
    PartyMember.objects.filter(organization=organization).update(region=organization.region)
    return organization


def _move_subtree(old: str, new: str) -> None:
    descendants = PartyOrganization.objects.filter(path__startswith=old).exclude(path=old)
    for org in descendants:
        org.path = new + org.path[len(old) :]
    PartyOrganization.objects.bulk_update(descendants, ["path"], batch_size=500)


def set_id_number(member: PartyMember, id_number: str) -> None:
    """Store only a keyed hash (finds duplicates) and a masked copy (for display)."""
    id_number = normalize_id_number(id_number)
    validate_id_number(id_number)
    member.id_number_hash = hash_id_number(id_number)
    member.id_number_masked = mask_id_number(id_number)


def _check_duplicate(member: PartyMember) -> None:
    if not member.id_number_hash:
        return
    duplicates = PartyMember.objects.filter(id_number_hash=member.id_number_hash).exclude(pk=member.pk)
    if duplicates.exists():
        raise ValidationError({"id_number": ID_NUMBER_TAKEN})


def registered_id_hashes(hashes: Collection[str]) -> set[str]:
    """Which of these ID number hashes are already registered: ``_check_duplicate`` for many at once."""
    return set(PartyMember.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", flat=True))


def build_member(*, id_number: str = "", check_database: bool = True, **fields: Any) -> PartyMember:
    """An unsaved, fully validated member (used by the form, the API and the importer).

    ``check_database=False`` leaves out the two checks that query, for a caller that makes them in
    bulk (the importer): that the organization exists (it must come from the database) and that the
    ID number is not registered yet (``registered_id_hashes``).
    """
    member = PartyMember(**{k: fields[k] for k in MEMBER_FIELDS if k in fields})
    member.mobile = normalize_mobile(member.mobile)
    if id_number:
        set_id_number(member, id_number)
    member.region_id = member.organization.region_id
    member.full_clean(exclude=["region", "id_number_hash", *(() if check_database else ("organization",))])
    if check_database:
        _check_duplicate(member)
    return member


@transaction.atomic
def member_create(*, actor: Any, id_number: str = "", **fields: Any) -> PartyMember:
    member = build_member(id_number=id_number, **fields)
    _require(actor, Action.CHANGE, member.organization)
    member.save()
    return member


@transaction.atomic
def member_update(*, actor: Any, member: PartyMember, id_number: str = "", **fields: Any) -> PartyMember:
    _require(actor, Action.CHANGE, member)
    for name in MEMBER_FIELDS:
        if name in fields:
            setattr(member, name, fields[name])
    _require(actor, Action.CHANGE, member.organization)
    member.mobile = normalize_mobile(member.mobile)
    if id_number:
        set_id_number(member, id_number)
    member.region_id = member.organization.region_id
    member.full_clean(exclude=["region", "id_number_hash"])
    _check_duplicate(member)
    member.save()
    return member
