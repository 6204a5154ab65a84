"""A year of organizational life for every branch of the city (``seed_demo --scale city``).

Each grid branch records 主题党日 every month and 党员大会 and 党课 once a quarter; a branch of
seven members or more (党章: only those elect a 支部委员会) holds a 支委会 every month; a 党小组
holds its 党小组会. Branches differ in how reliably they keep to it (most nearly always, some
patchily, a few rarely), and everyone meets less around the Spring Festival and in summer, so
the compliance pages and dashboards have real gaps to find. About 300,000 records and 3.5 million
attendee rows for the city's 14,700 grid branches.

Rows are written with PostgreSQL's COPY (ids drawn from the sequence first, so attendees can
point at their records): the ORM's bulk_create took minutes for the attendees alone. Other
databases get bulk_create. Idempotent like the rest of the demo: a branch that has any record
gets none.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from brands.models import ActivityKind, ActivityRecord
from grids.models import BRANCH_KINDS, OrgKind, PartyMember, PartyOrganization, street_codes

Log = Callable[[str], None]

MONTHS = 12
COMMITTEE_AT_LEAST = 7  # members a branch needs to elect a 支部委员会 (党章 第三十条)
# How reliably a branch keeps to the schedule: (share of meetings held, share of branches).
DILIGENCE = ((0.95, 55), (0.6, 30), (0.3, 15))
# Spring Festival and the summer heat: fewer meetings everywhere.
SLOW_MONTHS = {1: 0.85, 2: 0.6, 7: 0.85, 8: 0.75}
HOURS = (9, 14, 19)
COPY_CHUNK = 200_000  # attendee rows per COPY
SAVE_CHUNK = 50_000  # records per batch of ids


@dataclass(frozen=True)
class Branch:
    pk: int
    region_id: int
    kind: str
    place: str
    members: Sequence[int]  # the secretary first, then the rest by id


@dataclass(frozen=True)
class Meeting:
    kind: str
    topics: Sequence[str]
    quarterly: bool
    share: tuple[float, float]  # of the branch's members who attend


def schedule(topics: dict[str, Sequence[str]], branch: Branch) -> list[Meeting]:
    """The meetings a branch owes: what 三会一课 and 主题党日 ask of its kind and size."""
    if branch.kind == OrgKind.GROUP:
        return [Meeting(ActivityKind.GROUP_MEETING, topics[ActivityKind.GROUP_MEETING], False, (0.7, 1.0))]
    meetings = [
        Meeting(ActivityKind.THEME_DAY, topics[ActivityKind.THEME_DAY], False, (0.7, 0.95)),
        Meeting(ActivityKind.GENERAL_MEETING, topics[ActivityKind.GENERAL_MEETING], True, (0.8, 1.0)),
        Meeting(ActivityKind.PARTY_LECTURE, topics[ActivityKind.PARTY_LECTURE], True, (0.7, 0.95)),
    ]
    if len(branch.members) >= COMMITTEE_AT_LEAST:
        # Attended by the committee (3 to 5 members, the secretary first): share is unused.
        meetings.append(
            Meeting(ActivityKind.COMMITTEE_MEETING, topics[ActivityKind.COMMITTEE_MEETING], False, (0, 0))
        )
    return meetings


def months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months ending with the current one, oldest first."""
    index = today.year * 12 + today.month - 1
    return [dt.date((index - n) // 12, (index - n) % 12 + 1, 1) for n in range(count - 1, -1, -1)]


def _moment(rng: random.Random, month: dt.date, yesterday: dt.date) -> dt.datetime | None:
    last = min(
        (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1), yesterday
    )
    if last < month:
        return None
    day = month + dt.timedelta(days=rng.randrange((last - month).days + 1))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice(HOURS), rng.choice((0, 30)))))


@dataclass
class Row:
    organization_id: int
    region_id: int
    kind: str
    topic: str
    place: str
    started_at: dt.datetime
    member_count: int
    people_served: int
    attendees: list[int]


def branch_year(branch: Branch, topics: dict[str, Sequence[str]], today: dt.date, base: int) -> Iterator[Row]:
    """The branch's records over the last twelve months; the same branch and seed, the same year."""
    rng = random.Random(f"{base}/{branch.pk}/life")
    held = rng.choices([d for d, _ in DILIGENCE], [w for _, w in DILIGENCE])[0]
    months = months_back(today, MONTHS)
    yesterday = today - dt.timedelta(days=1)
    for meeting in schedule(topics, branch):
        # A quarterly meeting falls in one month of its quarter, chosen per quarter.
        quarter_month = {q: rng.randrange(3) for q in range(4)}
        for index, month in enumerate(months):
            if meeting.quarterly and (month.month - 1) % 3 != quarter_month[(month.month - 1) // 3]:
                continue
            if rng.random() >= held * SLOW_MONTHS.get(month.month, 1.0):
                continue
            start = _moment(rng, month, yesterday)
            if start is None:
                continue
            topic = meeting.topics[
                (month.month - 1 if meeting.kind == ActivityKind.THEME_DAY else index) % len(meeting.topics)
            ]
            yield Row(
                organization_id=branch.pk,
                region_id=branch.region_id,
                kind=meeting.kind,
                topic=topic[:120],
                place=branch.place,
                started_at=start,
                member_count=len(branch.members),
                people_served=rng.randint(10, 40) if meeting.kind == ActivityKind.THEME_DAY else 0,
                attendees=_attendees(rng, meeting, branch.members),
            )


def _attendees(rng: random.Random, meeting: Meeting, members: Sequence[int]) -> list[int]:
    if not members:
        return []
    if meeting.kind == ActivityKind.COMMITTEE_MEETING:
        return list(members[: rng.randint(3, 5)])
    return rng.sample(members, k=max(1, round(len(members) * rng.uniform(*meeting.share))))


# --- Which branches, with their members ----------------------------------------------------------


def branches_without_records(city_path: str) -> list[Branch]:
    """Branches and 党小组 of the city that have no record yet, with their members (three queries)."""
    recorded = set(ActivityRecord.objects.order_by().values_list("organization_id", flat=True).distinct())
    kinds = [*BRANCH_KINDS, OrgKind.GROUP]
    orgs = [
        row
        for row in PartyOrganization.objects.filter(kind__in=kinds, region__path__startswith=city_path)
        .values_list("pk", "region_id", "kind", "secretary_id", "region__parent__name")
        .order_by("pk")
        if row[0] not in recorded
    ]
    members: dict[int, list[int]] = defaultdict(list)
    wanted = {pk for pk, *_ in orgs}
    rows = PartyMember.objects.filter(region__path__startswith=city_path).order_by("organization_id", "id")
    for org_id, member_id in rows.values_list("organization_id", "id").iterator(chunk_size=20_000):
        if org_id in wanted:
            members[org_id].append(member_id)
    branches = []
    for pk, region_id, kind, secretary_id, community in orgs:
        ids = members.get(pk, [])
        if secretary_id in ids:  # the secretary first: the one who attends every 支委会
            ids.remove(secretary_id)
            ids.insert(0, secretary_id)
        branches.append(Branch(pk, region_id, kind, f"{community or ''}党群服务中心", ids))
    return branches


# --- Writing ----------------------------------------------------------------------------------------


def save(rows: list[Row], codes: dict[int, str]) -> int:
    """Write the records and their attendees; COPY on PostgreSQL, bulk_create elsewhere.

    ``codes`` maps region ids to street codes (grids.models.street_codes)."""
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        _copy(rows, codes)
    else:
        _bulk_create(rows, codes)
    return len(rows)


@contextmanager
def _foreign_keys_checked_once(*models: type[Model]) -> Iterator[None]:
    """Drop the tables' foreign keys for the load and add them back, in the same transaction.

    Each row inserted otherwise queues one deferred trigger per foreign key, checked at commit:
    9 million for the city's records and attendees, 2 to 3 minutes of the seed. Adding a
    constraint back checks all the rows at once with one join (PostgreSQL's "Populating a
    Database" advice); a row that breaks it fails the whole seed, as the triggers would have.
    """
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Rows written earlier in the transaction have their checks pending, and PostgreSQL
        # alters no table with pending trigger events: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        constraints = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them: checked at commit


def _copy(rows: list[Row], codes: dict[int, str]) -> None:
    ids = _reserve_ids(ActivityRecord, len(rows))
    now = timezone.now().isoformat()
    columns = (
        "id", "organization_id", "region_id", "street_code", "kind", "topic", "place", "summary", "started_at",
        "ended_at", "attendee_count", "member_count", "other_participants", "people_served", "created_at",
        "updated_at",
    )  # fmt: skip
    records = (
        (pk, r.organization_id, r.region_id, codes[r.region_id], r.kind, r.topic, r.place, "",
         r.started_at.isoformat(),
         (r.started_at + dt.timedelta(hours=1.5)).isoformat(), len(r.attendees), r.member_count, 0,
         r.people_served, now, now)
        for pk, r in zip(ids, rows, strict=True)
    )  # fmt: skip
    _copy_rows(ActivityRecord._meta.db_table, columns, records)
    through = ActivityRecord.attendees.through._meta.db_table
    attendees = ((pk, member) for pk, r in zip(ids, rows, strict=True) for member in r.attendees)
    _copy_rows(through, ("activityrecord_id", "partymember_id"), attendees)


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's sequence (safe beside concurrent inserts)."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    buffer, pending = io.StringIO(), 0
    with connection.cursor() as cursor:
        for row in rows:
            buffer.write("\t".join(_copy_value(v) for v in row))
            buffer.write("\n")
            pending += 1
            if pending == COPY_CHUNK:
                _flush(cursor, sql, buffer)
                buffer, pending = io.StringIO(), 0
        if pending:
            _flush(cursor, sql, buffer)


def _flush(cursor: object, sql: str, buffer: io.StringIO) -> None:
    buffer.seek(0)
    cursor.copy_expert(sql, buffer)  # type: ignore[attr-defined]  # psycopg2, through Django's wrapper


def _copy_value(value: object) -> str:
    if value is None:
        return r"\N"
    text = str(value)
    # COPY's text format: backslash, tab and newlines are escaped.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _bulk_create(rows: list[Row], codes: dict[int, str]) -> None:
    records = [
        ActivityRecord(
            organization_id=r.organization_id,
            region_id=r.region_id,
            street_code=codes[r.region_id],
            kind=r.kind,
            topic=r.topic,
            place=r.place,
            started_at=r.started_at,
            ended_at=r.started_at + dt.timedelta(hours=1.5),
            attendee_count=len(r.attendees),
            member_count=r.member_count,
            people_served=r.people_served,
        )  # fmt: skip
        for r in rows
    ]
    saved = ActivityRecord.objects.bulk_create(records, batch_size=2000)
    through = ActivityRecord.attendees.through
    links = [
        through(activityrecord_id=record.pk, partymember_id=member)
        for record, row in zip(saved, rows, strict=True)
        for member in row.attendees
    ]
    through.objects.bulk_create(links, batch_size=5000)


def seed_life(*, city_path: str, topics: dict[str, Sequence[str]], base: int, log: Log) -> int:
    """Records for every branch of the city without any: returns how many records were added."""
    today = timezone.localdate()
    rows = [
        row
        for branch in branches_without_records(city_path)
        for row in branch_year(branch, topics, today, base)
    ]
    # Records are entered after the meeting, all districts at once: ids follow the dates, as in
    # production, and an id-ordered list (the API's) is not a district-by-district walk.
    rows.sort(key=lambda row: row.started_at)
    if not rows:
        return 0
    loading = (
        _foreign_keys_checked_once(ActivityRecord, ActivityRecord.attendees.through)
        if connection.vendor == "postgresql"
        else nullcontext()
    )
    codes = street_codes()
    with loading:
        return sum(save(rows[i : i + SAVE_CHUNK], codes) for i in range(0, len(rows), SAVE_CHUNK))
