"""``manage.py import_placement PATH --creditor CODE --profile NAME [--as-of DATE] [--dry-run] [--json]``

The command door to the placement service: it creates the placement from a local file
(``placement_create``), runs it synchronously (``placement_run``) and prints the summary — or,
with ``--json``, one JSON object. Exits non-zero when the file is refused as a whole.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser

from collections_app.choices import PlacementStatus
from collections_app.imports.profiles import PROFILES
from collections_app.models import Creditor, Placement
from collections_app.services.placements import placement_create, placement_run

SHOW_REJECTED = 20
SUMMARY_LINES = (
    ("rows_read", "rows read"), ("cases_created", "cases created"), ("cases_updated", "cases updated"),
    ("cases_cured", "cases cured"), ("cases_reopened", "cases re-opened"), ("accounts_created", "accounts created"),
    ("accounts_updated", "accounts updated"), ("payments_created", "payments created"), ("skipped", "skipped"),
    ("rejected", "rejected"),
)


class Command(BaseCommand):
    help = "Import a placement or status-feed file (.csv or .xlsx) for a creditor, synchronously."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .csv or .xlsx file")
        parser.add_argument("--creditor", required=True, help="creditor code")
        parser.add_argument("--profile", required=True, choices=sorted(PROFILES), help="mapping profile")
        parser.add_argument("--as-of", dest="as_of", help="as-of date (YYYY-MM-DD) for rows without their own")
        parser.add_argument("--dry-run", action="store_true", help="check and count everything, write nothing")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of the summary")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            creditor = Creditor.objects.get(code=options["creditor"])
        except Creditor.DoesNotExist:
            raise CommandError(f"No creditor with code {options['creditor']!r}.") from None
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"--as-of {options['as_of']!r} is not a YYYY-MM-DD date.") from None
        if not os.path.isfile(path):
            raise CommandError(f"No file at {path}.")
        name = os.path.basename(path)
        with open(path, "rb") as handle:
            try:
                placement = placement_create(
                    creditor=creditor, profile=options["profile"], uploaded_file=File(handle, name=name),
                    original_filename=name, actor=None, as_of=as_of, dry_run=options["dry_run"], dispatch=False,
                )
            except ValidationError as exc:
                raise CommandError("; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())) from None
        placement = placement_run(placement_id=placement.pk)
        if options["json"]:
            self.stdout.write(json.dumps(self.as_json(placement), ensure_ascii=False))
        else:
            self.print_summary(placement)
        if placement.status == PlacementStatus.FAILED:
            raise CommandError(f"Import failed: {placement.error_message}")

    def first_rejected(self, placement: Placement) -> list[dict[str, Any]]:
        return [
            {"line": line, "account": account, "reason": reason}
            for line, account, reason in placement.row_errors.filter(is_skip=False)
            .order_by("line_number", "id").values_list("line_number", "account_number", "reason")[:SHOW_REJECTED]
        ]

    def as_json(self, placement: Placement) -> dict[str, Any]:
        counts = {k: v for k, v in (placement.counts or {}).items() if k != "columns"}
        return {
            "placement": placement.pk, "status": placement.status, "file": placement.original_filename,
            "creditor": placement.creditor.code, "profile": placement.profile, "dry_run": placement.dry_run,
            "error": placement.error_message, "counts": counts, "rejected_rows": self.first_rejected(placement),
        }

    def print_summary(self, placement: Placement) -> None:
        counts = placement.counts or {}
        out = self.stdout
        out.write(f"Placement #{placement.pk} {placement.original_filename} ({placement.profile}, creditor "
                  f"{placement.creditor.code}){' [dry run: nothing written]' if placement.dry_run else ''}: {placement.status}")
        if placement.error_message:
            out.write(f"  {placement.error_message}")
        for key, label in SUMMARY_LINES:
            if key in counts:
                line = f"  {label:<18}{counts[key]:>10,}"
                if key == "skipped" and counts.get("skip_reasons"):
                    line += "  (" + "; ".join(f"{reason}: {n:,}" for reason, n in counts["skip_reasons"].items()) + ")"
                out.write(line)
        rejected = self.first_rejected(placement)
        if rejected:
            out.write(f"First {len(rejected)} rejected rows:")
            for row in rejected:
                out.write(f"  line {row['line']}: {row['reason']}")
