"""Set-based writes for the import engine: many rows per statement, never a ``save()`` per row.

Two implementations behind one interface (``insert`` / ``update``):

* :class:`PostgresCopyWriter` — psycopg 3 ``COPY … FROM STDIN`` straight into the target table
  (ids pre-allocated from the table's sequence, so the engine knows them without ``RETURNING``),
  and ``COPY`` into a temporary staging table + ``UPDATE … FROM`` for updates.
* :class:`SqliteWriter` — ``executemany`` of one prepared ``INSERT`` / ``UPDATE`` (SQLite's C
  loop; ids allocated above ``MAX(id)`` while the write lock is held).

Both take model *attnames* (``case_id``, not ``case``) and fill every other column with the model
field's default (``auto_now``/``auto_now_add`` columns with the run's timestamp), because the
database itself holds no defaults. Call them inside ``transaction.atomic``.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any, Callable, Sequence

from django.db import connections, models

_counter = itertools.count(1)


class BulkWriter:
    vendor = ""

    def __init__(self, using: str = "default", *, now: dt.datetime) -> None:
        self.connection = connections[using]
        self.now = now

    # -- column bookkeeping ---------------------------------------------------------------------
    def _fields(self, model: type[models.Model], attnames: Sequence[str]) -> tuple[list[models.Field], list[models.Field], tuple]:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        given = [by_attname[a] for a in attnames]
        rest = [f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in attnames]
        defaults = tuple(
            self.now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default() for f in rest
        )
        return given, rest, defaults

    def converter(self, field: models.Field) -> Callable[[Any], Any] | None:
        """Per-column Python → database value conversion (``None`` = pass through)."""
        if isinstance(field, models.JSONField):
            return lambda v: None if v is None else json.dumps(v, ensure_ascii=False)
        return None

    def _prepared(self, fields: list[models.Field], rows: Sequence[Sequence[Any]], defaults: tuple) -> list[tuple]:
        converters = [self.converter(f) for f in fields]
        tail_converters = converters[len(converters) - len(defaults):] if defaults else []
        tail = tuple(c(v) if c and v is not None else v for c, v in zip(tail_converters, defaults))
        head_converters = converters[: len(converters) - len(defaults)] if defaults else converters
        if not any(head_converters):
            return [tuple(r) + tail for r in rows]
        indexed = [(i, c) for i, c in enumerate(head_converters) if c]
        prepared = []
        for row in rows:
            values = list(row)
            for i, convert in indexed:
                if values[i] is not None:
                    values[i] = convert(values[i])
            prepared.append(tuple(values) + tail)
        return prepared

    # -- interface ------------------------------------------------------------------------------
    def select_in(
        self, model: type[models.Model], attnames: Sequence[str], key: str, keys: Sequence[Any], **equals: Any
    ) -> list[tuple]:
        """Rows (tuples of ``attnames``) whose ``key`` is in ``keys`` and whose other columns equal
        ``equals`` — the batch look-ups of what already exists."""
        result: list[tuple] = []
        for start in range(0, len(keys), 5000):
            part = list(keys[start:start + 5000])
            result.extend(model._default_manager.filter(**{f"{key}__in": part}, **equals).order_by().values_list(*attnames))
        return result

    def allocate_ids(self, model: type[models.Model], count: int) -> list[int]:
        raise NotImplementedError

    def insert(
        self, model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]], *, with_ids: bool = False
    ) -> list[int]:
        """Insert ``rows`` (tuples in ``attnames`` order). With ``with_ids`` the ids are allocated
        first and returned in row order; otherwise the database assigns them and ``[]`` is returned."""
        if not rows:
            return []
        given, rest, defaults = self._fields(model, attnames)
        fields = given + rest
        ids: list[int] = []
        if with_ids:
            ids = self.allocate_ids(model, len(rows))
            fields = [model._meta.pk] + fields
            rows = [(i, *r) for i, r in zip(ids, rows)]
        self._insert(model, fields, self._prepared(fields, rows, defaults))
        return ids

    def update(self, model: type[models.Model], attnames: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """``rows`` are ``(pk, value, …)`` tuples: set ``attnames`` to the values for each pk."""
        if not rows:
            return
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        fields = [model._meta.pk] + [by_attname[a] for a in attnames]
        self._update(model, fields, self._prepared(fields, rows, ()))

    def _insert(self, model, fields, rows) -> None:
        raise NotImplementedError

    def _update(self, model, fields, rows) -> None:
        raise NotImplementedError


class SqliteWriter(BulkWriter):
    """``executemany`` writer for SQLite (and the fallback for any other backend)."""

    vendor = "sqlite"

    def converter(self, field: models.Field) -> Callable[[Any], Any] | None:
        if isinstance(field, models.DateTimeField):
            return self.connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return dt.date.isoformat
        if isinstance(field, models.DecimalField):
            return str
        return super().converter(field)

    def allocate_ids(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        qn = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX({qn(model._meta.pk.column)}), 0) FROM {qn(table)}")
            top = cursor.fetchone()[0]
            if self.connection.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                seq = cursor.fetchone()
                top = max(top, seq[0] if seq else 0)
        return list(range(top + 1, top + 1 + count))

    def _insert(self, model, fields, rows) -> None:
        qn = self.connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        with self.connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {qn(model._meta.db_table)} ({columns}) VALUES ({marks})", rows)

    def _update(self, model, fields, rows) -> None:
        qn = self.connection.ops.quote_name
        sets = ", ".join(f"{qn(f.column)} = %s" for f in fields[1:])
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(fields[0].column)} = %s",
                [tuple(r[1:]) + (r[0],) for r in rows],
            )


class PostgresCopyWriter(BulkWriter):
    """psycopg 3 ``COPY`` writer for PostgreSQL."""

    vendor = "postgresql"

    _sequences: dict[str, str] = {}

    def select_in(
        self, model: type[models.Model], attnames: Sequence[str], key: str, keys: Sequence[Any], **equals: Any
    ) -> list[tuple]:
        """One ``= ANY(array)`` query (no parameter list to build or parse)."""
        if not keys:
            return []
        qn = self.connection.ops.quote_name
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        columns = ", ".join(qn(by_attname[a].column) for a in attnames)
        where = [f"{qn(by_attname[key].column)} = ANY(%s)"] + [f"{qn(by_attname[a].column)} = %s" for a in equals]
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE {' AND '.join(where)}",
                           [list(keys), *equals.values()])
            return cursor.fetchall()

    def allocate_ids(self, model: type[models.Model], count: int) -> list[int]:
        """``count`` ids from the table's own sequence (safe with concurrent inserts)."""
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            sequence = self._sequences.get(table)
            if sequence is None:
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
                sequence = self._sequences[table] = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [r[0] for r in cursor.fetchall()]

    def _binary_types(self, fields: Sequence[models.Field]) -> list[str] | None:
        """psycopg type names of ``fields`` for a binary ``COPY``; ``None`` when a column needs the
        text format (JSON columns, given as already serialised text, or a type psycopg lacks)."""
        from psycopg import postgres

        names = []
        for field in fields:
            db_type = (field.db_type(self.connection) or "").split("(")[0].strip().lower()
            info = postgres.types.get(db_type)
            if info is None or info.name in ("json", "jsonb"):
                return None
            names.append(info.name)
        return names

    def _copy(self, cursor, table: str, fields: Sequence[models.Field], rows: Sequence[tuple]) -> None:
        """``COPY`` the rows, in PostgreSQL's binary format when every column allows it (about half
        the client and server time of the text format: no escaping, no number parsing); a worker
        thread sends the data (``QueuedLibpqWriter``) while this thread formats the next rows."""
        from psycopg.copy import QueuedLibpqWriter

        qn = self.connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in fields)
        types = self._binary_types(fields)
        options = " (FORMAT BINARY)" if types else ""
        with cursor.copy(f"COPY {qn(table)} ({columns}) FROM STDIN{options}", writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            if types:
                copy.set_types(types)
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def _insert(self, model, fields, rows) -> None:
        with self.connection.cursor() as cursor:
            self._copy(cursor, model._meta.db_table, fields, rows)

    def _update(self, model, fields, rows) -> None:
        qn = self.connection.ops.quote_name
        staging = f"_import_update_{model._meta.model_name}_{next(_counter)}"
        definition = ", ".join(
            f"{qn(f.column)} {'bigint' if f.primary_key else f.db_type(self.connection)}"
            for f in fields
        )
        sets = ", ".join(f"{qn(f.column)} = s.{qn(f.column)}" for f in fields[1:])
        pk = qn(fields[0].column)
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {staging} ({definition}) ON COMMIT DROP")
            self._copy(cursor, staging, fields, rows)
            cursor.execute(f"UPDATE {qn(model._meta.db_table)} AS t SET {sets} FROM {staging} AS s WHERE t.{pk} = s.{pk}")
            cursor.execute(f"DROP TABLE {staging}")


def writer_for(using: str = "default", *, now: dt.datetime) -> BulkWriter:
    """The fastest writer for the database behind ``using``."""
    vendor = connections[using].vendor
    return PostgresCopyWriter(using, now=now) if vendor == "postgresql" else SqliteWriter(using, now=now)
