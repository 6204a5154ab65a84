"""SQL pieces the aggregation needs on both databases: a median aggregate and hours between two times.

PostgreSQL has ``percentile_cont``; SQLite (development and the quick test suite) gets a ``median``
aggregate registered on each new connection, so the job's GROUP BYs are the same on both.
"""

from statistics import median
from typing import Any

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, F, FloatField, Func


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        return self.as_sql(compiler, connection, function="MEDIAN", template="%(function)s(%(expressions)s)")


class HoursBetween(Func):
    """Hours from ``start`` to ``end`` (a float), for the medians of waiting times."""

    output_field = FloatField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(start), F(end))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0"
        start, end = self.source_expressions
        sql_end, p_end = compiler.compile(end)
        sql_start, p_start = compiler.compile(start)
        return template % {"expressions": f"{sql_end} - {sql_start}"}, [*p_end, *p_start]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        start, end = self.source_expressions
        sql_end, p_end = compiler.compile(end)
        sql_start, p_start = compiler.compile(start)
        return f"((julianday({sql_end}) - julianday({sql_start})) * 24.0)", [*p_end, *p_start]


class _MedianAggregate:
    def __init__(self) -> None:
        self.values: list[float] = []

    def step(self, value: float | None) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self) -> float | None:
        return float(median(self.values)) if self.values else None


def _sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _MedianAggregate)


connection_created.connect(_sqlite_functions, dispatch_uid="portal.stats.sql.median")
