"""Helpers for the placement-import tests: write a file, import it through the services."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any, Sequence

from django.core.files import File
from stdnum.cn import ric

from collections_app.models import Creditor, Placement
from collections_app.services.placements import placement_create, placement_run

STANDARD_HEADER = ["账号", "姓名", "身份证号", "手机号", "逾期天数", "逾期金额", "剩余本金", "数据日期"]


def id_number(body17: str) -> str:
    """A checksum-valid 18-character ID number from its first 17 digits."""
    return body17 + ric.calc_check_digit(body17 + "0")


def csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_text(header, rows).encode(encoding))
    return path


def import_file(
    path: Path, creditor: Creditor, *, profile: str = "standard", as_of: dt.date | None = None, dry_run: bool = False,
) -> Placement:
    """Create and run a placement for the file at ``path`` (synchronously)."""
    with open(path, "rb") as handle:
        placement = placement_create(
            creditor=creditor, profile=profile, uploaded_file=File(handle, name=path.name), original_filename=path.name,
            actor=None, as_of=as_of, dry_run=dry_run, dispatch=False,
        )
    return placement_run(placement_id=placement.pk)


def import_rows(
    tmp_path: Path, creditor: Creditor, rows: Sequence[Sequence[Any]], *, header: Sequence[str] = STANDARD_HEADER,
    name: str = "placement.csv", encoding: str = "utf-8", **kwargs: Any,
) -> Placement:
    return import_file(write_csv(tmp_path / name, header, rows, encoding=encoding), creditor, **kwargs)


def errors_by_line(placement: Placement) -> dict[int, str]:
    return dict(placement.row_errors.values_list("line_number", "reason"))
