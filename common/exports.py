"""Writing user data out to spreadsheets safely (QUALITY.md input 12: formula injection).

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab / carriage return, which some
spreadsheet programs strip before reading the formula) is written as text by prefixing ``'``;
numbers stay numbers, including negative ones such as ``-1234.56``. Reports and exports reuse
:func:`escape_cell`; CSV downloads use :func:`csv_bytes` (UTF-8 with BOM so Excel on Chinese
Windows opens it with the right encoding). Source: OWASP "CSV Injection".
"""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any, Iterable, Iterator, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
UTF8_BOM = "\ufeff"


def escape_cell(value: Any) -> Any:
    """Return ``value`` safe to put in a spreadsheet cell.

    ``int``/``float``/``Decimal`` and ``None`` are returned unchanged; a string that is a plain
    number (``-1234.56``, ``+5``) is returned unchanged; any other string starting with one of
    :data:`FORMULA_PREFIXES` gets a leading ``'`` so the spreadsheet shows it as text.
    """
    if value is None or isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not _NUMBER.match(text):
        return "'" + text
    return text


def csv_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, chunk_rows: int = 1000) -> Iterator[bytes]:
    """Stream a CSV file (UTF-8 with BOM, CRLF line ends) of ``header`` and ``rows``, every cell
    passed through :func:`escape_cell`. Yields ``bytes`` chunks (for ``StreamingHttpResponse`` or
    ``b"".join``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(UTF8_BOM)
    writer.writerow([escape_cell(v) for v in header])
    pending = 0
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    tail = buffer.getvalue()
    if tail:
        yield tail.encode("utf-8")


def csv_download_response(content, *, filename: str):
    """An attachment response for CSV ``content`` (bytes/str, or an iterator of chunks, streamed)."""
    from django.http import HttpResponse, StreamingHttpResponse

    if isinstance(content, (bytes, str)):
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    else:
        response = StreamingHttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
