"""Reading placement files: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX (openpyxl read-only).

QUALITY.md input 1: the encoding is decided by strict decoding of the whole file in the order
UTF-8 (with or without BOM), then GB18030 (a superset of GBK and GB2312, so ``王䶮`` survives);
a file valid in neither is refused as a whole with the position of the first bad byte. A row
that carries U+FFFD (text already damaged before it reached us) is refused row by row, so no row
is ever stored with ``�``. Line numbers are the row numbers a spreadsheet shows (header = 1).
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any, Iterator

from django.utils.translation import gettext as _

REPLACEMENT_CHARACTER = "\ufffd"
_BLOCK = 1 << 20


class FileRefused(Exception):
    """The whole file is refused (encoding, format, missing columns); ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    """A file's header row and an iterator of ``(line_number, cells)`` for its data rows."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    encoding: str = ""
    date1904: bool = False
    has_replacement_character: bool = True
    close: Any = field(default=None, repr=False)


def _strict_decode_error(binary: IO[bytes], encoding: str) -> str | None:
    """``None`` when the whole stream decodes strictly as ``encoding``, else a description of
    the first bad byte."""
    binary.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    offset = 0
    while True:
        block = binary.read(_BLOCK)
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as exc:
            bad = exc.object[exc.start:exc.start + 1]
            return _("invalid byte 0x%(byte)s at byte %(offset)s") % {"byte": bad.hex().upper(), "offset": offset + exc.start + 1}
        if not block:
            return None
        offset += len(block)


def detect_encoding(binary: IO[bytes]) -> str:
    """``"utf-8-sig"`` (UTF-8, BOM or not) or ``"gb18030"``; raises :class:`FileRefused`."""
    utf8_error = _strict_decode_error(binary, "utf-8")
    if utf8_error is None:
        return "utf-8-sig"
    gb_error = _strict_decode_error(binary, "gb18030")
    if gb_error is None:
        return "gb18030"
    raise FileRefused(
        _("The file is neither valid UTF-8 (%(utf8)s) nor valid GB18030/GBK (%(gb)s). Save it from Excel as "
          "\"CSV UTF-8\" or as CSV on Chinese Windows, and do not convert it with other tools.")
        % {"utf8": utf8_error, "gb": gb_error}
    )


def _has_replacement_character(binary: IO[bytes], encoding: str) -> bool:
    binary.seek(0)
    needle = REPLACEMENT_CHARACTER.encode("gb18030" if encoding == "gb18030" else "utf-8")
    tail = b""
    while block := binary.read(_BLOCK):
        if needle in tail + block:
            return True
        tail = block[-8:]
    return False


def read_csv(binary: IO[bytes]) -> Table:
    """Open a CSV placement file held in the binary stream ``binary`` (seekable)."""
    encoding = detect_encoding(binary)
    damaged = _has_replacement_character(binary, encoding)
    binary.seek(0)
    text = io.TextIOWrapper(binary, encoding=encoding, newline="", errors="strict")
    reader = csv.reader(text)
    try:
        headers = next(reader)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    except csv.Error as exc:
        raise FileRefused(_("The file is not a readable CSV file: %(error)s") % {"error": exc}) from None

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        try:
            for cells in reader:
                line += 1
                if cells and any(cells):
                    yield line, cells
        except csv.Error as exc:
            raise FileRefused(_("Line %(line)s is not readable CSV: %(error)s") % {"line": line + 1, "error": exc}) from None

    return Table(headers=headers, rows=rows(), encoding=encoding, has_replacement_character=damaged, close=text.detach)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def read_xlsx(binary: IO[bytes]) -> Table:
    """Open the first worksheet of an XLSX workbook: cells keep their types (numbers, dates),
    so the parsers can tell an Excel-damaged number from text."""
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    binary.seek(0)
    try:
        workbook = load_workbook(binary, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise FileRefused(_("The file is not a readable XLSX workbook: %(error)s") % {"error": exc}) from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    line = 0
    headers: list[str] | None = None
    for values in iterator:
        line += 1
        if values and any(v not in (None, "") for v in values):
            headers = ["" if v is None else str(v) for v in values]
            break
    if headers is None:
        workbook.close()
        raise FileRefused(_("The file is empty."))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        number = line
        for values in iterator:
            number += 1
            if values and any(v not in (None, "") for v in values):
                yield number, [_xlsx_cell(v) for v in values]
        workbook.close()

    return Table(
        headers=headers, rows=rows(), encoding="xlsx", date1904=workbook.epoch == CALENDAR_MAC_1904,
        has_replacement_character=True, close=workbook.close,
    )


def read_table(binary: IO[bytes], filename: str) -> Table:
    """Dispatch on the file name's extension (``.csv`` or ``.xlsx``)."""
    name = filename.lower()
    if name.endswith(".csv"):
        return read_csv(binary)
    if name.endswith(".xlsx"):
        return read_xlsx(binary)
    raise FileRefused(_("Only .csv and .xlsx files can be imported."))


def cell_text(value: Any) -> str:
    """A cell as text for the row-error report (``None`` → empty)."""
    if value is None:
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)
