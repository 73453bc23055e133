"""Placements (分案 / status feeds): one service behind the three doors (upload page, API,
``manage.py import_placement``).

``placement_create`` validates and stores the file and dispatches ``placement_run_task`` on
commit; ``placement_run`` runs the import (``collections_app.imports``) with status
pending → running → succeeded/failed and progress committed per chunk; the rejected-rows CSV
gives the sender back every refused or skipped row with its line number and reason. The file
format is documented in ``docs/import-format.md``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
from typing import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import audit_event_record
from common.dates import local_today
from common.exports import csv_bytes
from teams.models import User

from ..choices import PlacementStatus
from ..imports.engine import ImportRun
from ..imports.profiles import PROFILES
from ..imports.readers import FileRefused
from ..models import Creditor, Placement

logger = logging.getLogger(__name__)

PLACEMENT_EXTENSIONS = (".csv", ".xlsx")
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
RUN_LOCK_NAMESPACE = 73011


def placement_max_upload_bytes() -> int:
    """``settings.PLACEMENT_MAX_UPLOAD_BYTES`` (default 200 MB)."""
    return int(getattr(settings, "PLACEMENT_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


@transaction.atomic
def placement_create(
    *,
    creditor: Creditor,
    profile: str,
    uploaded_file: File,
    original_filename: str,
    actor: User | None,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    dispatch: bool = True,
) -> Placement:
    """Store ``uploaded_file`` in the private storage and create its :class:`Placement` (status
    pending); on commit, ``placement_run_task`` imports it (``dispatch=False`` leaves running it to
    the caller, as the management command does).

    ``as_of`` is the local date used for rows without their own as-of column (default: today).
    Raises ``ValidationError`` with field keys ``profile`` (unknown profile name), ``file`` (not
    .csv/.xlsx, empty, or over ``PLACEMENT_MAX_UPLOAD_BYTES``), ``creditor`` (inactive) and
    ``as_of`` (in the future).
    """
    errors: dict[str, list[str]] = {}
    if profile not in PROFILES:
        errors["profile"] = [
            _("Unknown mapping profile %(name)s; choose one of: %(names)s.") % {"name": profile, "names": ", ".join(PROFILES)}
        ]
    name = os.path.basename((original_filename or getattr(uploaded_file, "name", "") or "").replace("\\", "/"))
    size = getattr(uploaded_file, "size", None)
    limit = placement_max_upload_bytes()
    if not name.lower().endswith(PLACEMENT_EXTENSIONS):
        errors["file"] = [_("Only .csv and .xlsx files can be imported (got %(name)s).") % {"name": name or "—"}]
    elif not size:
        errors["file"] = [_("The file is empty.")]
    elif size > limit:
        errors["file"] = [
            _("The file is %(size)s MB; the limit is %(limit)s MB.") % {"size": round(size / 1048576, 1), "limit": limit // 1048576}
        ]
    if not creditor.is_active:
        errors["creditor"] = [_("Creditor %(creditor)s is not active.") % {"creditor": creditor}]
    if as_of is not None and as_of > local_today():
        errors["as_of"] = [_("The as-of date cannot be in the future.")]
    if errors:
        raise ValidationError(errors)

    placement = Placement(
        creditor=creditor, profile=profile, original_filename=name[:255], as_of=as_of, dry_run=dry_run,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    placement.source_file.save(name, uploaded_file, save=False)
    placement.save()
    audit_event_record(
        actor=actor, verb="placement_created", target=placement,
        data={"creditor": creditor.code, "profile": profile, "file": name, "bytes": size, "dry_run": dry_run},
    )
    if dispatch and getattr(settings, "PLACEMENT_RUN_IN_THREAD", False):
        transaction.on_commit(lambda: _placement_run_in_thread(placement.pk))
    elif dispatch:
        from ..tasks import placement_run_task

        placement_run_task.delay_on_commit(placement.pk)
    return placement


def _placement_run_in_thread(placement_id: int) -> None:
    """Embedded mode (no Celery worker): import in a background thread of the web process, so the
    upload page answers at once and its progress bar moves. A thread killed with the process
    leaves a placement that can be run again (``placement_run`` is safe to re-run)."""

    def target() -> None:
        from django.db import connections

        try:
            placement_run(placement_id=placement_id)
        except Exception:  # noqa: BLE001 - recorded on the placement; nothing else to tell here
            logger.exception("placement %s failed in its background thread", placement_id)
        finally:
            connections.close_all()

    threading.Thread(target=target, name=f"placement-{placement_id}", daemon=True).start()


@contextlib.contextmanager
def _run_lock(placement_id: int) -> Iterator[bool]:
    """A session-level advisory lock on PostgreSQL so two workers never run one placement at
    once (it is released if the worker dies, which is how a dead "running" job is told apart).
    Elsewhere (SQLite, one process) always granted."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_NAMESPACE, placement_id])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_NAMESPACE, placement_id])


def placement_run(*, placement_id: int) -> Placement:
    """Import placement ``placement_id`` and return it with its final status.

    Safe to run twice: a succeeded placement is returned untouched, one being run by another
    worker is returned as it is; a pending, failed or dead (running, nobody holding its lock) one
    is (re-)run from the start, its previous row errors replaced. Rows applied by an earlier,
    interrupted run are then skipped as "already applied". A file refused as a whole (encoding,
    format, missing columns) ends ``failed`` with ``error_message``; an unexpected error too, with
    the rows of committed chunks kept (consistent, whole rows only).
    """
    with _run_lock(placement_id) as acquired:
        if not acquired:
            return Placement.objects.get(pk=placement_id)
        with transaction.atomic():
            placement = Placement.objects.select_for_update().select_related("creditor").get(pk=placement_id)
            if placement.status == PlacementStatus.SUCCEEDED:
                return placement
            placement.status = PlacementStatus.RUNNING
            placement.started_at = timezone.now()
            placement.finished_at = None
            placement.error_message = ""
            placement.rows_processed = 0
            placement.counts = {}
            placement.save(update_fields=["status", "started_at", "finished_at", "error_message", "rows_processed", "counts"])
            placement.row_errors.all().delete()
        run = ImportRun(placement)
        status, error, counts = PlacementStatus.SUCCEEDED, "", None
        try:
            counts = run.run()
        except FileRefused as exc:
            status, error = PlacementStatus.FAILED, exc.message
        except Exception as exc:  # noqa: BLE001 - the job row must say what happened
            logger.exception("placement %s failed", placement_id)
            status = PlacementStatus.FAILED
            error = _("The import stopped after %(rows)s rows: %(error)s. Rows already applied are kept; run it again to continue.") % {
                "rows": run.processed, "error": exc,
            }
        with transaction.atomic():
            placement = Placement.objects.select_for_update().select_related("creditor").get(pk=placement_id)
            placement.status = status
            placement.error_message = error
            placement.finished_at = timezone.now()
            placement.counts = counts if counts is not None else run.summary()
            if status == PlacementStatus.SUCCEEDED:
                placement.rows_processed = placement.rows_total
            placement.save(update_fields=["status", "error_message", "finished_at", "counts", "rows_processed"])
            audit_event_record(
                actor=None, verb="placement_imported" if status == PlacementStatus.SUCCEEDED else "placement_failed",
                target=placement, data={k: v for k, v in placement.counts.items() if k != "columns"} | {"error": error},
            )
    return placement


def placement_rejected_rows_csv(*, placement: Placement, actor: User | None = None, include_skipped: bool = True) -> Iterator[bytes]:
    """The rejected (and, unless ``include_skipped`` is false, skipped) rows of ``placement`` as a
    CSV download: UTF-8 with BOM, columns ``line``, ``reason`` then the file's own columns, cells
    escaped against formula injection (``common.exports.escape_cell``). Yields ``bytes`` chunks.

    The rows are the file's own cells, unmasked (the uploader corrects and re-sends them), so a
    download by ``actor`` is audited like a reveal (``placement_rejected_rows_downloaded``)."""
    if actor is not None:
        audit_event_record(actor=actor, verb="placement_rejected_rows_downloaded", target=placement, data={"include_skipped": include_skipped})
    errors = placement.row_errors.order_by("line_number", "id")
    if not include_skipped:
        errors = errors.filter(is_skip=False)
    columns = list((placement.counts or {}).get("columns") or [])
    if not columns:
        seen: dict[str, None] = {}
        for raw in errors.values_list("raw", flat=True)[:1000]:
            seen.update(dict.fromkeys(raw or {}))
        columns = list(seen)
    header = [_("line"), _("reason"), *columns]

    def rows() -> Iterator[list]:
        for line, reason, raw in errors.values_list("line_number", "reason", "raw").iterator(chunk_size=2000):
            raw = raw or {}
            yield [line, reason, *(raw.get(c, "") for c in columns)]

    return csv_bytes(header, rows())
