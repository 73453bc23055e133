"""The import engine: read → parse every row → sort by as-of → apply in committed chunks.

Shape of a run (called by :func:`collections_app.services.placements.placement_run`):

1. The file is read (:mod:`.readers`) and bound to its profile (:mod:`.profiles`); an unreadable
   file or missing required columns raise :class:`~.readers.FileRefused` before anything is
   written.
2. Every row is parsed; a row with a bad cell is rejected with its line number and reason.
3. Parsed rows are ordered by as-of date, stable by line, so one file may carry several months
   of the same account and they apply in date order.
4. Rows are applied in chunks of ``PLACEMENT_CHUNK_ROWS`` (default 10,000), each chunk in one
   transaction together with its row errors and the placement's progress, so a job that dies
   midway leaves whole rows only and can be run again (applied rows are then "already applied").
   A dry run applies everything inside one transaction and rolls it back.
"""
from __future__ import annotations

import contextlib
import gc
import time
from collections import Counter
from operator import attrgetter
from typing import Any, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.dates import local_today

from ..models import Placement, PlacementRowError
from ..services.classification import Classifier
from .batch import BatchApplier
from .parsers import FieldError
from .profiles import Record, profile_get
from .readers import REPLACEMENT_CHARACTER, FileRefused, cell_text, read_table
from .writers import writer_for

COUNT_KEYS = (
    "rows_read", "cases_created", "cases_updated", "cases_cured", "cases_reopened", "accounts_created",
    "accounts_updated", "payments_created", "skipped", "rejected",
)
CREDITOR_LOCK_NAMESPACE = 73010
DEFAULT_CHUNK_ROWS = 10000
SKIPPED_ROWS_KEPT = 1000  # skipped rows kept row by row per placement; all are counted by reason

__all__ = ["FileRefused", "ImportRun"]


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while parsing: it allocates millions of long-lived objects
    (cells, records, decimals) and no reference cycles, so collections would only rescan them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _row_keys(headers: list[Any]) -> list[str]:
    """Column keys for stored rows: the trimmed header, ``column n`` for a blank one, and
    ``header (n)`` for a repeated one, so no cell of a rejected row is lost or overwritten."""
    keys: list[str] = []
    for i, header in enumerate(headers):
        key = str(header if header is not None else "").replace("\ufeff", "").strip() or _("column %(n)s") % {"n": i + 1}
        keys.append(f"{key} ({i + 1})" if key in keys else key)
    return keys


class ImportRun:
    """One execution of a placement's import. ``counts`` is filled as rows are applied."""

    def __init__(self, placement: Placement, *, chunk_rows: int | None = None) -> None:
        self.placement = placement
        self.profile = profile_get(placement.profile)
        self.classifier = Classifier.load()
        self.now = timezone.now()
        self.today = local_today(self.now)
        self.writer = writer_for(now=self.now)
        self.chunk_rows = chunk_rows or getattr(settings, "PLACEMENT_CHUNK_ROWS", DEFAULT_CHUNK_ROWS)
        self.counts: Counter[str] = Counter({k: 0 for k in COUNT_KEYS})
        self.skip_reasons: Counter[str] = Counter()
        self.updated_case_ids: set[int] = set()
        self.created_case_ids: set[int] = set()
        self.headers: list[str] = []
        self.pending_errors: list[tuple] = []
        self.processed = 0
        self.seconds: dict[str, float] = {}
        self.ALREADY_APPLIED = _("already applied")
        self.NOT_PAST_DUE = _("not past due")

    # -- row outcomes (called by the batch applier) ---------------------------------------------
    def skip(self, record: Record, reason: str) -> None:
        """A skipped row is counted by reason; only the first :data:`SKIPPED_ROWS_KEPT` are kept
        row by row (a monthly full-book feed skips most of its rows every month)."""
        if self.counts["skipped"] < SKIPPED_ROWS_KEPT:
            self.pending_errors.append((record.line, record.account_number or "", True, reason, record.cells))
        self.counts["skipped"] += 1
        self.skip_reasons[reason] += 1

    def reject(self, record: Record, reason: str) -> None:
        self._reject_raw(record.line, record.account_number, reason, record.cells)

    def _reject_raw(self, line: int, account: Any, reason: str, cells: list[Any]) -> None:
        self.pending_errors.append((line, cell_text(account)[:64], False, reason, cells))
        self.counts["rejected"] += 1

    # -- the run --------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        """Import the placement's file; returns :meth:`summary`. Raises :class:`FileRefused`."""
        placement = self.placement
        started = time.perf_counter()
        storage_file = placement.source_file.storage.open(placement.source_file.name, "rb")
        try:
            binary = getattr(storage_file, "file", storage_file)
            table = read_table(binary, placement.original_filename)
            bound = self.profile.bind(
                table.headers, default_as_of=placement.as_of or self.today, today=self.today, date1904=table.date1904,
                default_product=placement.creditor.default_product,
            )
            self.headers = _row_keys(table.headers)
            with _cyclic_gc_paused():
                records = self._parse(table.rows, bound, check_damage=table.has_replacement_character)
        finally:
            storage_file.close()
        self.counts["rows_read"] = len(records) + self.counts["rejected"]
        records = self._drop_duplicates(records)
        records.sort(key=attrgetter("as_of"))
        self.seconds["read_parse"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        Placement.objects.filter(pk=placement.pk).update(rows_total=self.counts["rows_read"], rows_processed=0)
        applier = BatchApplier(self)
        # The parsed rows live until the end of the run: move them out of the cyclic garbage
        # collector's sight, so that its collections do not rescan a million records every time.
        gc.freeze()
        try:
            self._apply(records, applier)
        finally:
            gc.unfreeze()
        self.seconds["apply"] = round(time.perf_counter() - started, 2)
        return self.summary()

    def _apply(self, records: list[Record], applier: BatchApplier) -> None:
        """Apply ``records`` (in as-of order): committed chunks, or one rolled-back transaction for a dry run."""
        placement = self.placement
        if placement.dry_run:
            with transaction.atomic():
                for batch in self._batches(records):
                    applier.apply(batch)
                transaction.set_rollback(True)
            self.processed = self.counts["rows_read"]
            with transaction.atomic():
                self._flush()
        else:
            with transaction.atomic():
                self.processed = self.counts["rejected"]
                self._flush()
            for start in range(0, len(records), self.chunk_rows):
                chunk = records[start:start + self.chunk_rows]
                with self._tallies_follow_rollback(), transaction.atomic():
                    self._lock_creditor()
                    for batch in self._batches(chunk):
                        applier.apply(batch)
                    self.processed += len(chunk)
                    self._flush()

    @contextlib.contextmanager
    def _tallies_follow_rollback(self) -> Iterator[None]:
        """A chunk that fails is rolled back; so are the counts and pending row errors it added,
        so the failed placement reports what was really applied."""
        saved = (Counter(self.counts), Counter(self.skip_reasons), set(self.updated_case_ids), set(self.created_case_ids),
                 list(self.pending_errors))
        try:
            yield
        except BaseException:
            self.counts, self.skip_reasons, self.updated_case_ids, self.created_case_ids, self.pending_errors = saved
            raise

    def summary(self) -> dict[str, Any]:
        """The ``Placement.counts`` JSON: the :data:`COUNT_KEYS` counts, ``skip_reasons``
        (reason → rows), ``columns`` (the file's header row, for the rejected-rows CSV) and
        ``seconds`` (wall time of the read/parse and apply stages)."""
        counts: dict[str, Any] = {k: self.counts[k] for k in COUNT_KEYS}
        counts["cases_updated"] = len(self.updated_case_ids - self.created_case_ids)
        counts["skip_reasons"] = dict(self.skip_reasons)
        counts["columns"] = self.headers
        counts["seconds"] = dict(self.seconds)
        return counts

    # -- steps ----------------------------------------------------------------------------------
    def _parse(self, rows: Iterator[tuple[int, list[Any]]], bound, *, check_damage: bool) -> list[Record]:
        records: list[Record] = []
        append, parse = records.append, bound.parse
        damaged = _("the row contains the replacement character � (U+FFFD): its text was damaged before it reached us")
        for line, cells in rows:
            if check_damage and any(isinstance(c, str) and REPLACEMENT_CHARACTER in c for c in cells):
                self._reject_raw(line, bound.value(cells, "account_number"), damaged, cells)
                continue
            try:
                append(parse(line, cells))
            except FieldError as exc:
                self._reject_raw(line, bound.value(cells, "account_number"), exc.message, cells)
        return records

    def _drop_duplicates(self, records: list[Record]) -> list[Record]:
        """Reject every further row for an account and as-of date already given by an earlier
        line of the same file: which of two different statements of one day is right is the
        creditor's call, not ours."""
        first_line: dict[tuple[str, Any], int] = {}
        kept: list[Record] = []
        duplicate = _("duplicate row: account %(account)s with as-of %(as_of)s is already given on line %(line)s of this file")
        for record in records:
            key = (record.account_number, record.as_of)
            line = first_line.setdefault(key, record.line)
            if line == record.line:
                kept.append(record)
            else:
                self.reject(record, duplicate % {"account": record.account_number, "as_of": record.as_of, "line": line})
        return kept

    @staticmethod
    def _batches(records: list[Record]) -> Iterator[list[Record]]:
        """Split ``records`` (in as-of order) so that no account appears twice in one batch."""
        batch: list[Record] = []
        seen: set[str] = set()
        for record in records:
            if record.account_number in seen:
                yield batch
                batch, seen = [], set()
            batch.append(record)
            seen.add(record.account_number)
        if batch:
            yield batch

    def _lock_creditor(self) -> None:
        """Serialise concurrent imports for the same creditor (PostgreSQL; SQLite writes are
        serialised by the database lock anyway). The chunk commits without waiting for its WAL
        flush (``synchronous_commit = off`` for this transaction only): a server crash can lose
        the last chunks committed, never corrupt them, and re-running the placement re-applies
        them (docs/import-format.md, "Decisions")."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CREDITOR_LOCK_NAMESPACE, self.placement.creditor_id])
                cursor.execute("SET LOCAL synchronous_commit TO OFF")

    def _raw(self, cells: list[Any]) -> dict[str, str]:
        """A rejected row as ``{column key: cell text}``; cells past the header get ``column n``."""
        keys = self.headers
        if len(cells) > len(keys):
            keys = keys + [_("column %(n)s") % {"n": i + 1} for i in range(len(keys), len(cells))]
        return dict(zip(keys, (c if type(c) is str else cell_text(c) for c in cells)))

    def _flush(self) -> None:
        """Write the pending row errors and the progress, inside the caller's transaction."""
        if self.pending_errors:
            self.writer.insert(
                PlacementRowError, ("placement_id", "line_number", "account_number", "is_skip", "reason", "raw"),
                [(self.placement.pk, line, account[:64], is_skip, reason, self._raw(cells))
                 for line, account, is_skip, reason, cells in self.pending_errors],
            )
            self.pending_errors = []
        Placement.objects.filter(pk=self.placement.pk).update(rows_processed=self.processed, counts=self.summary())

