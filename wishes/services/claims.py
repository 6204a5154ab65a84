"""Claiming a wish, fulfilling it and confirming it: the transitions after a wish is on the wall.

Exactly one claim wins. The winner is decided by one conditional UPDATE of the wish
(``status = 'published'`` → ``'claimed'``) whose row count says who won; on PostgreSQL the UPDATE
locks the wish's row until commit, so a rush of claimants queues on it and every later one finds
the status changed. The partial unique index ``one_live_claim_per_wish`` backs the rule: no wish
ever has two live claims, whatever a bug in Python might do.

Locks are always taken in one order — the wish (or the claim, then its wish), then the claimant —
so claims, confirmations, releases and the expiry job never wait on each other in a cycle.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.images import ProcessedImage
from grids.models import PartyOrganization
from portal import media, webhooks
from portal.errors import Conflict, DomainError, IllegalTransition, NotAllowed
from portal.models import Role, User
from portal.notifications import notify
from portal.scoping import Action, can
from volunteers.models import (
    MembershipStatus,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerYear,
)
from wishes.models import (
    ClaimantKind,
    ClaimStatus,
    EventActor,
    EventNote,
    Rating,
    WelfareOrganization,
    Wish,
    WishClaim,
    WishEvent,
    WishEventKind,
    WishStatus,
)
from wishes.services import resident_sms

# An organization may claim this many wishes in one batch ("all or none").
MAX_BATCH = 50
EXPIRY_REASON = gettext_lazy("超过完成期限未完成，自动释放回心愿墙。")


class WishAlreadyClaimed(Conflict):
    code = "already_claimed"
    default_message = gettext_lazy("该心愿已被认领，请看看其他心愿。")


class TooManyOpenClaims(Conflict):
    code = "too_many_claims"
    default_message = gettext_lazy("认领中的心愿已达上限，请先完成已认领的心愿。")


class NotTeamMember(DomainError):
    code = "not_team_member"
    default_message = gettext_lazy("只能勾选本团队已加入的队员。")


# At most this many members ticked on one fulfilment (ids from outside are bounded in number too).
MAX_PARTICIPANTS = 100

Claimant = Team | PartyOrganization | WelfareOrganization | None


@dataclass(frozen=True)
class ClaimFor:
    """Who a claim is for: the kind and the one foreign key that names it."""

    kind: str
    fields: dict[str, object]
    name: str
    limit: int


# --- Who may claim ------------------------------------------------------------------------------


def _claim_for(*, volunteer: Volunteer, claimant: Claimant) -> ClaimFor:
    """Check that ``volunteer`` may claim for ``claimant`` (themself when None) and say how."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise NotAllowed(_("只有已认证的志愿者可以认领心愿。"))
    one = settings.WISH_MAX_OPEN_CLAIMS
    many = settings.WISH_MAX_OPEN_CLAIMS_ORGANIZATION
    if claimant is None:
        return ClaimFor(ClaimantKind.VOLUNTEER, {}, volunteer.masked_name, one)
    if isinstance(claimant, Team):
        if claimant.leader_id != volunteer.pk:
            raise NotAllowed(_("只有队长可以为“%(team)s”认领心愿。") % {"team": claimant.name})
        return ClaimFor(ClaimantKind.TEAM, {"team": claimant}, claimant.name, one)
    if isinstance(claimant, PartyOrganization):
        if not can(volunteer.user, Action.CHANGE, claimant):
            raise NotAllowed(_("您不能代表“%(org)s”认领心愿。") % {"org": claimant.name})
        return ClaimFor(ClaimantKind.ORGANIZATION, {"organization": claimant}, claimant.name, many)
    if isinstance(claimant, WelfareOrganization):
        represents = claimant.representatives.filter(pk=volunteer.user_id).exists()
        if not (claimant.is_active and represents):
            raise NotAllowed(_("您不能代表“%(org)s”认领心愿。") % {"org": claimant.name})
        return ClaimFor(ClaimantKind.WELFARE_ORG, {"welfare_org": claimant}, claimant.name, many)
    raise TypeError(f"cannot claim for {claimant!r}")


def _check_open_claims(volunteer: Volunteer, claim_for: ClaimFor, adding: int) -> None:
    """At most ``limit`` live claims per claimant, counted under a lock of the claimant's row.

    The lock makes the count race-free: two claims by the same claimant queue here, and the
    second counts the first one's committed claim (READ COMMITTED reads afresh per statement).
    """
    target = claim_for.fields.get("team") or claim_for.fields.get("organization")
    target = target or claim_for.fields.get("welfare_org") or volunteer
    type(target).objects.select_for_update().filter(pk=target.pk).values_list("pk").first()
    mine = Q(kind=claim_for.kind) & (Q(**claim_for.fields) if claim_for.fields else Q(volunteer=volunteer))
    # Open = not yet fulfilled: a claimant who handed in their work may take the next wish.
    open_claims = WishClaim.objects.filter(mine, status=ClaimStatus.ACTIVE).count()
    if open_claims + adding > claim_for.limit:
        raise TooManyOpenClaims(
            _("认领中的心愿最多 %(limit)d 个，请先完成已认领的心愿。") % {"limit": claim_for.limit}
        )


# --- Claiming -----------------------------------------------------------------------------------


def wish_claim(*, wish: Wish, volunteer: Volunteer, claimant: Claimant = None) -> WishClaim:
    """``volunteer`` claims ``wish`` (as read in this request) for themself or for a team they lead
    or an organization they represent. Raises ``WishAlreadyClaimed`` when someone else was first."""
    claim_for = _claim_for(volunteer=volunteer, claimant=claimant)
    if wish.status != WishStatus.PUBLISHED:
        # Already taken when it was read: in a rush nearly every attempt ends here, told so with no
        # transaction (BEGIN, UPDATE, ROLLBACK: three round trips). Only the UPDATE below ever
        # grants a win, so a stale "published" still loses there, and a stale "claimed" means the
        # wish was claimed a moment ago, which is what the answer says.
        raise WishAlreadyClaimed
    return _claim_one(wish, volunteer, claim_for)


@transaction.atomic
def _claim_one(wish: Wish, volunteer: Volunteer, claim_for: ClaimFor) -> WishClaim:
    now = timezone.now()
    won = Wish.objects.filter(pk=wish.pk, status=WishStatus.PUBLISHED).update(
        status=WishStatus.CLAIMED, claimed_at=now, updated_at=now
    )
    if not won:
        raise WishAlreadyClaimed
    _check_open_claims(volunteer, claim_for, adding=1)
    claim = _create_claim(wish, volunteer, claim_for, now, batch=None)
    wish.status, wish.claimed_at = WishStatus.CLAIMED, now
    _after_claim(wish, claim, claim_for)
    return claim


@transaction.atomic
def wishes_claim_batch(
    *, wishes: Sequence[Wish], volunteer: Volunteer, organization: PartyOrganization | WelfareOrganization
) -> list[WishClaim]:
    """An organization claims several wishes at once: all of them, or none (``WishAlreadyClaimed``)."""
    claim_for = _claim_for(volunteer=volunteer, claimant=organization)
    ordered = sorted({w.pk: w for w in wishes}.values(), key=lambda w: w.pk)
    if not ordered or len(ordered) > MAX_BATCH:
        raise Conflict(_("一次可认领 1 到 %(max)d 个心愿。") % {"max": MAX_BATCH})
    now = timezone.now()
    # One statement: the rows are locked in id order, so two overlapping batches never deadlock.
    won = Wish.objects.filter(pk__in=[w.pk for w in ordered], status=WishStatus.PUBLISHED).update(
        status=WishStatus.CLAIMED, claimed_at=now, updated_at=now
    )
    if won != len(ordered):
        # Leaving the block by an exception rolls back the wishes this statement did take.
        raise WishAlreadyClaimed(_("其中有心愿已被认领，本次未认领任何心愿，请重新选择。"))
    _check_open_claims(volunteer, claim_for, adding=len(ordered))
    batch = uuid.uuid4()
    claims = []
    for wish in ordered:
        claim = _create_claim(wish, volunteer, claim_for, now, batch=batch)
        wish.status, wish.claimed_at = WishStatus.CLAIMED, now
        _after_claim(wish, claim, claim_for)
        claims.append(claim)
    return claims


def _create_claim(
    wish: Wish, volunteer: Volunteer, claim_for: ClaimFor, now: dt.datetime, batch: uuid.UUID | None
) -> WishClaim:
    # No savepoint of its own: an IntegrityError leaves as WishAlreadyClaimed, which rolls back the
    # caller's transaction (or savepoint) with it, so nothing runs on the aborted transaction.
    try:
        claim = WishClaim.objects.create(
            wish=wish,
            kind=claim_for.kind,
            volunteer=volunteer,
            claimed_by_id=volunteer.user_id,
            deadline=now + dt.timedelta(days=settings.WISH_CLAIM_DAYS),
            batch=batch,
            **claim_for.fields,
        )
    except IntegrityError:
        # The index refuses a second live claim; the UPDATE above should have refused it first.
        raise WishAlreadyClaimed from None
    if Volunteer.user.is_cached(volunteer):
        claim.claimed_by = volunteer.user
    return claim


def _after_claim(wish: Wish, claim: WishClaim, claim_for: ClaimFor) -> None:
    # The timeline and the webhook are written with the claim; the messages are queued after commit
    # anyway, so their recipients are read then too, with the wish's row lock already released (a
    # rush queues on that lock).
    _event(
        wish,
        WishEventKind.CLAIMED,
        actor_id=claim.claimed_by_id,
        actor_kind=EventActor.CLAIMANT,
        label=claim_for.name,
    )
    _emit(WishEventKind.CLAIMED, wish, claim, claimant=claim_for.name)
    transaction.on_commit(lambda: _tell_claimed(wish, claim))


def _tell_claimed(wish: Wish, claim: WishClaim) -> None:
    deadline = timezone.localtime(claim.deadline).strftime("%Y-%m-%d")
    _tell_claimant(
        claim,
        "wishes.claimed",
        _("您已认领心愿“%(title)s”") % {"title": wish.title},
        _("请在 %(deadline)s 前完成，并上传完成照片。") % {"deadline": deadline},
    )
    _tell_moderators(wish, "wishes.claimed", _("心愿“%(title)s”已被认领") % {"title": wish.title})
    _tell_resident(wish, f"claimed:{claim.pk}", _("您的心愿“%(title)s”已被认领。") % {"title": wish.title})


# --- Releasing ----------------------------------------------------------------------------------


def may_act_on(user: User, claim: WishClaim) -> bool:
    """The claimant's own account (for a team, its leader) acts on a claim."""
    return claim.claimed_by_id == user.pk


@transaction.atomic
def claim_release(*, claim: WishClaim, actor: User, reason: str = "") -> WishClaim:
    """The claimant (or staff in scope) gives the wish back to the wall."""
    if not (may_act_on(actor, claim) or can(actor, Action.CHANGE, claim.wish)):
        raise NotAllowed(_("只有认领人可以放弃认领。"))
    kind = EventActor.CLAIMANT if may_act_on(actor, claim) else EventActor.STAFF
    given_up = EventNote.GIVEN_UP if not reason else ""
    if not _release(
        claim, reason=reason or _("认领人放弃认领。"), actor=actor, kind=kind, note_code=given_up
    ):
        raise IllegalTransition(_("该认领已完成或已释放，不能再放弃。"))
    return claim


def _release(
    claim: WishClaim,
    *,
    reason: str,
    actor: User | None,
    kind: str,
    note_code: str = "",
    overdue_at: dt.datetime | None = None,
) -> bool:
    """Release an active claim; False when it is no longer active (or, for the job, no longer
    overdue): a fulfilment or another run got there first."""
    now = timezone.now()
    still = WishClaim.objects.filter(pk=claim.pk, status=ClaimStatus.ACTIVE)
    if overdue_at is not None:
        still = still.filter(deadline__lt=overdue_at)
    if not still.update(status=ClaimStatus.RELEASED, released_at=now, release_reason=reason[:200]):
        return False
    Wish.objects.filter(pk=claim.wish_id, status=WishStatus.CLAIMED).update(
        status=WishStatus.PUBLISHED, claimed_at=None, updated_at=now
    )
    claim.status, claim.released_at, claim.release_reason = ClaimStatus.RELEASED, now, reason[:200]
    wish = claim.wish
    wish.status = WishStatus.PUBLISHED
    _event(
        wish,
        WishEventKind.RELEASED,
        actor_id=actor.pk if actor else None,
        actor_kind=kind,
        note_code=note_code,
        note="" if note_code else reason,
    )
    _emit(WishEventKind.RELEASED, wish, claim, reason=reason)
    _tell_claimant(claim, "wishes.released", _("心愿“%(title)s”已释放") % {"title": wish.title}, reason)
    _tell_moderators(wish, "wishes.released", _("心愿“%(title)s”已回到心愿墙") % {"title": wish.title})
    return True


def claims_expire(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Release the claims past their deadline (the beat job); returns how many it released.

    Safe to run twice, or beside a claimant who is fulfilling: each release is a conditional
    update in its own transaction, and a claim already fulfilled or released is skipped.
    """
    now = now or timezone.now()
    overdue = list(
        WishClaim.objects.filter(status=ClaimStatus.ACTIVE, deadline__lt=now)
        .select_related("wish__community")
        .order_by("deadline", "pk")[:limit]
    )
    released = 0
    for claim in overdue:
        with transaction.atomic():
            released += _release(
                claim,
                reason=str(EXPIRY_REASON),
                actor=None,
                kind=EventActor.SYSTEM,
                note_code=EventNote.EXPIRED,
                overdue_at=now,
            )
    return released


# --- Fulfilling and confirming --------------------------------------------------------------------


@media.atomic()
def wish_fulfil(
    *,
    claim: WishClaim,
    actor: User,
    note: str,
    hours: Decimal,
    evidence: ProcessedImage,
    participants: Sequence[int] = (),
) -> WishClaim:
    """The claimant marks the wish fulfilled, with a note, the hours served and a photo; for a team
    claim, ``participants`` are the ids of the approved members who took part (credited on confirm)."""
    if not may_act_on(actor, claim):
        raise NotAllowed(_("只有认领人可以提交完成情况。"))
    members = _participants(claim, participants)
    now = timezone.now()
    name = media.store(claim, "evidence", "evidence.jpg", evidence.display)
    done = WishClaim.objects.filter(pk=claim.pk, status=ClaimStatus.ACTIVE).update(
        status=ClaimStatus.FULFILLED, fulfilled_at=now, fulfil_note=note[:500], hours=hours, evidence=name
    )
    if not done:
        # The expiry job (or a second click) was first; the photo just stored goes with the rollback.
        raise IllegalTransition(_("该认领已过期释放或已提交完成，不能再提交。"))
    claim.participants.set(members)
    Wish.objects.filter(pk=claim.wish_id, status=WishStatus.CLAIMED).update(
        status=WishStatus.FULFILLED, fulfilled_at=now, updated_at=now
    )
    claim.refresh_from_db()
    wish = claim.wish
    wish.status = WishStatus.FULFILLED
    _event(wish, WishEventKind.FULFILLED, actor_id=actor.pk, actor_kind=EventActor.CLAIMANT, note=note)
    _emit(WishEventKind.FULFILLED, wish, claim, hours=str(hours))
    _tell_moderators(wish, "wishes.fulfilled", _("心愿“%(title)s”已完成，待确认") % {"title": wish.title})
    _tell_resident(
        wish,
        f"fulfilled:{claim.pk}",
        _("您的心愿“%(title)s”已完成，请用查询码 %(code)s 确认并评价。")
        % {"title": wish.title, "code": wish.tracking_code_display},
    )
    return claim


def team_participants(claim: WishClaim):
    """The members the leader may tick: the team's approved members, the leader (credited anyway) not."""
    if not claim.team_id:
        return Volunteer.objects.none()
    return (
        Volunteer.objects.filter(
            memberships__team_id=claim.team_id, memberships__status=MembershipStatus.APPROVED
        )
        .exclude(pk=claim.volunteer_id)
        .select_related("user")
        .order_by("pk")
        .distinct()
    )


def _participants(claim: WishClaim, ids: Sequence[int]) -> list[Volunteer]:
    wanted = set(ids)
    if not wanted:
        return []
    if len(wanted) > MAX_PARTICIPANTS:
        raise NotTeamMember(_("最多勾选 %(n)d 名队员。") % {"n": MAX_PARTICIPANTS})
    members = list(team_participants(claim).filter(pk__in=wanted))
    if len(members) != len(wanted):
        raise NotTeamMember()
    return members


def tracking_code_matches(wish: Wish, code: str) -> bool:
    normalized = code.replace("-", "").replace(" ", "").upper()
    return hmac.compare_digest(normalized.encode(), wish.tracking_code.encode())


@transaction.atomic
def wish_confirm(
    *,
    wish: Wish,
    rating: str,
    thanks: str = "",
    actor: User | None = None,
    tracking_code: str = "",
) -> Wish:
    """The resident (with the tracking code) or staff in scope confirms the fulfilment and rates it;
    the claimant's hours become an approved service record."""
    if actor is None and not tracking_code_matches(wish, tracking_code):
        raise NotAllowed(_("查询码不正确。"))
    if actor is not None and not can(actor, Action.CHANGE, wish):
        raise NotAllowed(_("只有本社区的工作人员可以代为确认。"))
    if rating not in Rating.values:
        raise Conflict(_("请选择评价：满意、基本满意或不满意。"))
    now = timezone.now()
    done = Wish.objects.filter(pk=wish.pk, status=WishStatus.FULFILLED).update(
        status=WishStatus.CONFIRMED, confirmed_at=now, rating=rating, thanks=thanks[:200], updated_at=now
    )
    if not done:
        raise IllegalTransition(_("该心愿尚未完成或已确认，不能确认。"))
    claim = WishClaim.objects.select_related("volunteer", "team", "claimed_by").get(
        wish=wish, status=ClaimStatus.FULFILLED
    )
    claim.wish = wish
    WishClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.CONFIRMED)
    wish.status, wish.confirmed_at, wish.rating, wish.thanks = WishStatus.CONFIRMED, now, rating, thanks[:200]
    if claim.volunteer_id and claim.hours:
        _credit_hours(claim, actor, now, claim.volunteer)
        # The team members who took part: the same record and totals each, in this transaction.
        for member in claim.participants.exclude(pk=claim.volunteer_id).order_by("pk"):
            _credit_hours(claim, actor, now, member)
    if actor is None:  # the resident, with the tracking code
        _event(wish, WishEventKind.CONFIRMED, actor_id=None, actor_kind=EventActor.RESIDENT)
    else:
        label = actor.real_name or actor.username
        _event(wish, WishEventKind.CONFIRMED, actor_id=actor.pk, actor_kind=EventActor.STAFF, label=label)
    _emit(WishEventKind.CONFIRMED, wish, claim, rating=rating)
    _tell_claimant(
        claim,
        "wishes.confirmed",
        _("心愿“%(title)s”已确认：%(rating)s") % {"title": wish.title, "rating": Rating(rating).label},
        thanks,
    )
    return wish


def _credit_hours(
    claim: WishClaim, actor: User | None, now: dt.datetime, volunteer: Volunteer
) -> ServiceRecord:
    """An approved record, and the volunteer's totals moved by F() in this same transaction.
    Called once per volunteer per wish: the confirm that calls it wins the wish's one transition."""
    hours, served = claim.hours, timezone.localdate(claim.fulfilled_at or now)
    record = ServiceRecord.objects.create(
        volunteer=volunteer,
        region_id=claim.wish.community_id,
        team=claim.team,
        source=RecordSource.WISH,
        served_on=served,
        hours=hours,
        description=(_("微心愿：%(title)s") % {"title": claim.wish.title})[:200],
        status=RecordStatus.APPROVED,
        decided_by=actor,
        decided_at=now,
        created_by_id=claim.claimed_by_id,
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(hours_total=F("hours_total") + hours)
    year, _created = VolunteerYear.objects.get_or_create(volunteer=volunteer, year=served.year)
    VolunteerYear.objects.filter(pk=year.pk).update(hours=F("hours") + hours)
    if claim.team_id:
        Team.objects.filter(pk=claim.team_id).update(hours_total=F("hours_total") + hours)
    return record


# --- Timeline, webhooks, messages ---------------------------------------------------------------


def _event(
    wish: Wish,
    kind: str,
    *,
    actor_id: int | None,
    actor_kind: str,
    label: str = "",
    note: str = "",
    note_code: str = "",
) -> None:
    WishEvent.objects.create(
        wish=wish,
        kind=kind,
        actor_id=actor_id,
        actor_kind=actor_kind,
        actor_label=label[:100],
        note=note[:500],
        note_code=note_code,
    )


def _emit(kind: str, wish: Wish, claim: WishClaim, **extra: object) -> None:
    # Masked only: a partner learns the claim, never the resident's name or mobile in full.
    data = {
        "wish_id": wish.pk,
        "status": wish.status,
        "community": wish.community.code,
        "category": wish.category,
        "title": wish.title,
        "resident": wish.masked_name,
        "claim_id": claim.pk,
        "claimant_kind": claim.kind,
        **extra,
    }
    webhooks.emit(f"wish.{kind}", region=wish.community, data=data)


def _tell_claimant(claim: WishClaim, kind: str, title: str, body: str = "") -> None:
    notify(
        recipients=[claim.claimed_by],
        kind=kind,
        title=title[:200],
        body=body,
        link="/wishes/mine/",
        dedupe_key=f"{kind}:{claim.pk}",
    )


def _tell_moderators(wish: Wish, kind: str, title: str) -> None:
    """The community's staff and its branch secretaries (the wish's moderators)."""
    moderators = User.objects.filter(
        Q(assignments__role=Role.COMMUNITY_STAFF, assignments__region_id=wish.community_id)
        | Q(
            assignments__role=Role.BRANCH_SECRETARY,
            assignments__organization__region__path__startswith=wish.community.path,
        ),
        is_active=True,
    )
    notify(
        recipients=moderators,
        kind=kind,
        title=title[:200],
        dedupe_key=f"{kind}:{wish.pk}:{uuid.uuid4().hex[:8]}",
    )


def _tell_resident(wish: Wish, what: str, text: str) -> None:
    """An SMS to the resident, only if they consented; sent by a task after commit."""
    resident_sms.tell_resident(wish=wish, event=what, text=text)


__all__ = [
    "MAX_BATCH",
    "TooManyOpenClaims",
    "WishAlreadyClaimed",
    "claim_release",
    "claims_expire",
    "may_act_on",
    "tracking_code_matches",
    "wish_claim",
    "wish_confirm",
    "wish_fulfil",
    "wishes_claim_batch",
]
