"""``manage.py allocate``: run the allocation engine now, synchronously, and print its figures."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Sequence

from django.core.management.base import BaseCommand, CommandError, CommandParser

from collections_app.choices import AllocationRunStatus
from collections_app.services.allocation import allocation_run


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today must be YYYY-MM-DD, got {value!r}") from exc


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A plain text table; numbers right-aligned (CJK names count as one column per character)."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in cells) if cells else False for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in cells]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


class Command(BaseCommand):
    help = "Allocate open cases to collectors now (DOMAIN.md \"Allocation\") and print the run's figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=_date, default=None, help="Local business date YYYY-MM-DD (default: today in Asia/Shanghai)"
        )
        parser.add_argument("--json", action="store_true", help="Print the run's result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = allocation_run(today=options["today"])
        except Exception as exc:  # the run row records the failure; say so and exit non-zero
            raise CommandError(f"Allocation failed: {exc}") from exc
        if run.status != AllocationRunStatus.SUCCEEDED:
            raise CommandError(f"Allocation run #{run.pk} ended {run.status}: {run.error_message}")
        result = run.result
        if options["json"]:
            self.stdout.write(json.dumps({"run_id": run.pk, "status": run.status, **result}, ensure_ascii=False, indent=2))
            return
        regroup = "yes" if result["month_start_regroup"] else "no"
        out = [
            f"Allocation run #{run.pk} for {result['today']}: {result['assigned']} assigned of {result['candidates']} "
            f"candidates (strategy {result['strategy']}, month-start regroup: {regroup})",
            "",
            "By reason: " + (", ".join(f"{k} {v}" for k, v in sorted(result["by_reason"].items())) or "none"),
            "",
            "Teams",
            *_table(
                ["team", "open cases", "overdue amount (CNY)", "new cases", "new amount (CNY)"],
                [[t["code"], t["cases"], t["overdue_amount"], t["new_cases"], t["new_overdue_amount"]] for t in result["teams"]],
            ),
            "",
            "Collectors",
            *_table(
                ["team", "collector", "open cases", "overdue amount (CNY)", "new cases", "new amount (CNY)", "capacity", "today"],
                [
                    [
                        c["team_code"], c["username"], c["open_cases"], c["open_overdue_amount"], c["new_cases"],
                        c["new_overdue_amount"], "" if c["capacity"] is None else c["capacity"], c["assigned_today"],
                    ]
                    for c in result["collectors"]
                ],
            ),
            "",
            "Unallocated",
            *_table(["reason", "cases"], [[k, v] for k, v in result["unallocated"].items()]),
            f"(of which still with their previous collector: {result['unallocated_kept_by_previous_collector']})",
        ]
        self.stdout.write("\n".join(out))
