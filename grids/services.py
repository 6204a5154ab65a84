"""Writes to regions, organizations and members. Callers have checked nothing; these check scope."""

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grids.models import PartyMember, PartyOrganization, Region, district_code_of
from portal import history
from portal.errors import NotAllowed
from portal.privacy import hash_id_number, mask_id_number
from portal.scoping import Action, Actor, can
from portal.services import model_update
from portal.validators import (
    id_birth_date,
    id_gender,
    normalize_id_number,
    normalize_mobile,
    normalize_person_name,
    validate_id_number,
)


class MemberDetails(TypedDict, total=False):
    """A member's own fields, as the form, the import and the API give them."""

    name: str
    gender: str
    birth_date: dt.date
    join_date: dt.date
    status: str
    mobile: str
    is_central_household: bool
    is_in_service: bool
    work_unit: str
    is_mobile_member: bool


class MemberChanges(MemberDetails, total=False):
    organization: PartyOrganization


class OrganizationChanges(TypedDict, total=False):
    name: str
    kind: str
    region: Region
    parent: PartyOrganization | None
    secretary: PartyMember | None


# The order of the member's history entries.
MEMBER_FIELDS = (
    "name", "gender", "birth_date", "join_date", "status", "organization", "mobile",
    "is_central_household", "is_in_service", "work_unit", "is_mobile_member",
)  # fmt: skip
ORGANIZATION_FIELDS = tuple(OrganizationChanges.__annotations__)
ID_NUMBER_TAKEN = gettext_lazy("该身份证号已登记过党员信息。")


def _require(actor: Actor, action: str, obj: Any) -> None:
    if not can(actor, action, obj):
        raise NotAllowed()


def _known(given: Mapping[str, Any], allowed: type) -> None:
    unknown = set(given) - set(allowed.__annotations__)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


def region_create(*, parent: Region | None, code: str, name: str, level: str) -> Region:
    region = Region(parent=parent, code=code, name=name, level=level)
    region.full_clean(exclude=["path"])
    region.save()
    return region


def _path(pk: int, parent: PartyOrganization | None) -> str:
    return f"{parent.path if parent else ''}{pk}/"


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    region: Region,
    parent: PartyOrganization | None = None,
    secretary: PartyMember | None = None,
) -> PartyOrganization:
    org = PartyOrganization(name=name, kind=kind, region=region, parent=parent, secretary=secretary)
    # Creating inside a parent needs change rights there; a top organization needs them on its region.
    _require(actor, Action.CHANGE, parent or region)
    org.full_clean(exclude=["path"])
    history.attribute(org, actor=actor)
    org.save()
    # The path holds the organization's own id: known only once it is saved.
    PartyOrganization.objects.filter(pk=org.pk).update(path=_path(org.pk, parent))
    org.refresh_from_db(fields=["path"])
    return org


@transaction.atomic
def organization_update(
    *, actor: Actor, organization: PartyOrganization, **changes: Unpack[OrganizationChanges]
) -> PartyOrganization:
    _known(changes, OrganizationChanges)
    _require(actor, Action.CHANGE, organization)
    parent = changes.get("parent", organization.parent)
    region = changes.get("region", organization.region)
    # Moving an organization needs rights where it lands; renaming it only rights over itself.
    if (parent.pk if parent else None, region.pk) != (organization.parent_id, organization.region_id):
        _require(actor, Action.CHANGE, parent or region)
    old_path, old_region = organization.path, organization.region_id
    history.attribute(organization, actor=actor)
    model_update(
        instance=organization,
        fields=(*ORGANIZATION_FIELDS, "path"),
        data={**changes, "path": _path(organization.pk, parent)},
        clean_exclude=["path"],
    )
    if organization.path != old_path:
        _move_subtree(old_path, organization.path)
    if organization.region_id != old_region:
        PartyMember.objects.filter(organization=organization).update(
            region=organization.region, district_code=district_code_of(organization.region.path)
        )
    return organization


def _move_subtree(old: str, new: str) -> None:
    descendants = PartyOrganization.objects.filter(path__startswith=old).exclude(path=old)
    for org in descendants:
        org.path = new + org.path[len(old) :]
    PartyOrganization.objects.bulk_update(descendants, ["path"], batch_size=500)


def id_number_fields(id_number: str) -> dict[str, str]:
    """What is stored of an ID number: a keyed hash (finds duplicates) and a masked copy (for display)."""
    id_number = normalize_id_number(id_number)
    try:
        validate_id_number(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.error_list}) from None
    return {"id_number_hash": hash_id_number(id_number), "id_number_masked": mask_id_number(id_number)}


def check_id_number_agrees(*, id_number: str, birth_date: dt.date | None, gender: str | None) -> None:
    """The number encodes birth date and sex: a mismatch is a typo in one or the other.

    The one statement of the rule: the member form, the import and the services all ask it.
    ``id_number`` must already be valid.
    """
    errors = {}
    if birth_date and birth_date != id_birth_date(id_number):
        errors["birth_date"] = _("出生日期与身份证号不一致。")
    if gender and gender != id_gender(id_number):
        errors["gender"] = _("性别与身份证号不一致。")
    if errors:
        raise ValidationError(errors)


def _check_duplicate(id_number_hash: str | None, member: PartyMember) -> None:
    if not id_number_hash:
        return
    duplicates = PartyMember.objects.filter(id_number_hash=id_number_hash).exclude(pk=member.pk)
    if duplicates.exists():
        raise ValidationError({"id_number": ID_NUMBER_TAKEN})


def registered_id_hashes(hashes: Collection[str]) -> set[str]:
    """Which of these ID number hashes are already registered: ``_check_duplicate`` for many at once."""
    return set(PartyMember.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", flat=True))


def _tidy(details: Mapping[str, Any]) -> dict[str, Any]:
    tidy = dict(details)
    if "name" in tidy:
        tidy["name"] = normalize_person_name(tidy["name"])
    if "mobile" in tidy:
        tidy["mobile"] = normalize_mobile(tidy["mobile"])
    return tidy


def build_member(
    *,
    organization: PartyOrganization,
    id_number: str = "",
    check_database: bool = True,
    **details: Unpack[MemberDetails],
) -> PartyMember:
    """An unsaved, fully validated member (used by the form, the API and the importer).

    Missing details are reported by the model's validation, with every other error of the row.
    ``check_database=False`` leaves out the two checks that query, for a caller that makes them in
    bulk (the importer): that the organization exists (it must come from the database) and that the
    ID number is not registered yet (``registered_id_hashes``).
    """
    _known(details, MemberDetails)
    id_number = normalize_id_number(id_number)
    member = PartyMember(
        organization=organization,
        region_id=organization.region_id,
        district_code=district_code_of(organization.region.path),
        **_tidy(details),
    )
    errors: dict[str, Any] = {}
    if id_number:
        for name, value in id_number_fields(id_number).items():
            setattr(member, name, value)
        try:
            check_id_number_agrees(id_number=id_number, birth_date=member.birth_date, gender=member.gender)
        except ValidationError as error:
            errors.update(error.error_dict)
    try:
        member.full_clean(
            exclude=["region", "id_number_hash", *(() if check_database else ("organization",))]
        )
    except ValidationError as error:
        for name, messages in error.error_dict.items():
            errors.setdefault(name, messages)
    if errors:
        raise ValidationError(errors)
    if check_database:
        _check_duplicate(member.id_number_hash, member)
    return member


@transaction.atomic
def member_create(
    *, actor: Actor, organization: PartyOrganization, id_number: str = "", **details: Unpack[MemberDetails]
) -> PartyMember:
    member = build_member(organization=organization, id_number=id_number, **details)
    _require(actor, Action.CHANGE, member.organization)
    history.attribute(member, actor=actor)
    member.save()
    return member


@transaction.atomic
def member_update(
    *, actor: Actor, member: PartyMember, id_number: str = "", **changes: Unpack[MemberChanges]
) -> PartyMember:
    """Change the fields given; an empty ``id_number`` keeps the stored one."""
    _known(changes, MemberChanges)
    _require(actor, Action.CHANGE, member)
    organization = changes.get("organization", member.organization)
    _require(actor, Action.CHANGE, organization)
    data = {
        **_tidy(changes),
        "region": organization.region,
        "district_code": district_code_of(organization.region.path),
    }
    if id_number:
        data.update(id_number_fields(id_number))
        check_id_number_agrees(
            id_number=normalize_id_number(id_number),
            birth_date=data.get("birth_date", member.birth_date),
            gender=data.get("gender", member.gender),
        )
        _check_duplicate(data["id_number_hash"], member)
    history.attribute(member, actor=actor)
    model_update(
        instance=member,
        fields=(*MEMBER_FIELDS, "region", "district_code", "id_number_hash", "id_number_masked"),
        data=data,
        clean_exclude=["region", "id_number_hash"],
    )
    return member
