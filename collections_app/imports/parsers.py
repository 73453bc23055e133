"""Typed field parsers for placement and status-feed files (QUALITY.md field inputs 3–5).

Each parser takes a raw cell — a ``str`` from a CSV, or whatever openpyxl gives for an XLSX cell
(``str``, ``int``, ``float``, ``datetime``) — and returns the typed value, ``None`` for an empty
cell, or raises :class:`FieldError` with a message for the people who sent the file. Nothing is
ever "repaired": a value that could mean two things is rejected. The common, clean forms take a
fast path (one regex or ``fromisoformat``) because an import runs them a million times.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric

from common.validators import id_number_normalize, mobile_normalize

from ..choices import ProductType

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999999999.99")


class FieldError(Exception):
    """A cell that cannot be accepted; ``message`` is shown to the sender with the line number."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- text -----------------------------------------------------------------------------------------

def parse_text(value: Any, *, max_length: int = 255) -> str | None:
    """Trimmed text (ASCII and full-width spaces); numbers from XLSX become their digits."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip(" \t\r\n\u3000")
    if len(text) > max_length:
        raise FieldError(_("%(value)s… is longer than %(max)s characters.") % {"value": text[:20], "max": max_length}, "too_long")
    return text or None


def parse_reference(value: Any) -> str | None:
    """An account number or customer reference: text of at most 64 characters, no spaces inside."""
    text = parse_text(value, max_length=64)
    if text is not None and isinstance(value, float):
        raise FieldError(_("Reference %(value)s was stored as a decimal number in Excel.") % {"value": value}, "reference_number")
    return text


# --- amounts --------------------------------------------------------------------------------------

_PLAIN_AMOUNT = re.compile(r"-?\d+(?:\.\d{1,2})?\Z")
_GROUPED_AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?\Z")
_EUROPEAN_AMOUNT = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?\Z|-?\d+,\d{1,2}\Z")
_CURRENCY_MARKS = re.compile(r"[¥元\s]|RMB|CNY|人民币", re.IGNORECASE)


def parse_amount(value: Any, *, allow_negative: bool = True) -> Decimal | None:
    """A CNY amount with at most two decimals: ``¥1,234.56``, ``1,234.56元`` and full-width
    ``￥１，２３４．５６`` all give ``Decimal("1234.56")``.

    ``1.234,56`` (comma as decimal mark) and ``1.234`` (three decimals, or a dot as thousands
    separator) are rejected, never mis-scaled. Raises :class:`FieldError`.
    """
    if type(value) is str and _PLAIN_AMOUNT.match(value):
        number = Decimal(value)
        if number < 0 and not allow_negative:
            raise FieldError(_("Amount %(value)s must not be negative.") % {"value": value}, "amount_negative")
        if abs(number) > MAX_AMOUNT:
            raise FieldError(_("Amount %(value)s is too large.") % {"value": value}, "amount_too_large")
        return number.quantize(CENT)
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number != number.quantize(CENT):
            raise FieldError(_("Amount %(value)s has more than two decimal places.") % {"value": value}, "amount_precision")
    else:
        text = str(value).strip()
        if not text:
            return None
        if _PLAIN_AMOUNT.match(text):
            number = Decimal(text)
        else:
            text = _CURRENCY_MARKS.sub("", unicodedata.normalize("NFKC", text))
            if _PLAIN_AMOUNT.match(text):
                number = Decimal(text)
            elif _GROUPED_AMOUNT.match(text):
                number = Decimal(text.replace(",", ""))
            elif _EUROPEAN_AMOUNT.match(text):
                raise FieldError(
                    _("Amount %(value)s is ambiguous: a dot or comma before three digits may be a thousands separator or a decimal mark (amounts have at most two decimals); write it as 1234.56.")
                    % {"value": value},
                    "amount_ambiguous",
                )
            elif re.fullmatch(r"-?[\d,]*\.\d{3,}", text):
                raise FieldError(_("Amount %(value)s has more than two decimal places.") % {"value": value}, "amount_precision")
            else:
                raise FieldError(_("%(value)s is not an amount.") % {"value": value}, "amount_invalid")
    if not allow_negative and number < 0:
        raise FieldError(_("Amount %(value)s must not be negative.") % {"value": value}, "amount_negative")
    if abs(number) > MAX_AMOUNT:
        raise FieldError(_("Amount %(value)s is too large.") % {"value": value}, "amount_too_large")
    return number.quantize(CENT)


# --- integers -------------------------------------------------------------------------------------

_INT = re.compile(r"[+-]?\d+\Z")


def parse_int(value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """A whole number (full-width digits accepted); ``3.0`` from XLSX is 3, ``3.5`` is an error."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise FieldError(_("%(value)s is not a whole number.") % {"value": value}, "int_invalid")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise FieldError(_("%(value)s is not a whole number.") % {"value": value}, "int_invalid")
        number = int(value)
    else:
        text = str(value).strip()
        if not text:
            return None
        if not _INT.match(text):
            text = unicodedata.normalize("NFKC", text).strip()
            if not _INT.match(text):
                raise FieldError(_("%(value)s is not a whole number.") % {"value": value}, "int_invalid")
        number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise FieldError(_("%(value)s is out of range.") % {"value": value}, "int_range")
    return number


# --- dates ----------------------------------------------------------------------------------------

EXCEL_1900_EPOCH = dt.date(1899, 12, 30)  # serial 61 = 1900-03-01 (Excel's fictitious 1900-02-29 is serial 60)
EXCEL_1904_EPOCH = dt.date(1904, 1, 1)
_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\Z")
_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?\Z")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})\Z")
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?\Z")
_YEAR_LAST = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}(?:\s.*)?\Z")
MIN_YEAR, MAX_YEAR = 1900, 2100


def excel_serial_to_date(serial: float, *, date1904: bool = False) -> dt.date:
    """An Excel serial day number (time of day ignored) in the 1900 or the 1904 date system."""
    days = int(serial)
    if date1904:
        return EXCEL_1904_EPOCH + dt.timedelta(days=days)
    if days < 61:
        raise FieldError(_("Excel date number %(value)s is before March 1900.") % {"value": serial}, "date_serial_range")
    return EXCEL_1900_EPOCH + dt.timedelta(days=days)


def _checked(year: int, month: int, day: int, value: Any) -> dt.date:
    try:
        result = dt.date(year, month, day)
    except ValueError:
        raise FieldError(_("%(value)s is not a real date.") % {"value": value}, "date_invalid") from None
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise FieldError(_("Date %(value)s is out of range.") % {"value": value}, "date_range")
    return result


def parse_date(value: Any, *, date1904: bool = False) -> dt.date | None:
    """A local date from ``2024-01-05``, ``2024/1/5``, ``2024.01.05``, ``2024年1月5日``,
    ``20240105``, an Excel serial number (``45296``; 1900 system unless ``date1904``) or an XLSX
    date cell. ``01/05/2024`` (day and month order unknown) is rejected as ambiguous.
    Raises :class:`FieldError`."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        result = excel_serial_to_date(value, date1904=date1904)
        return _checked(result.year, result.month, result.day, value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            result = dt.date.fromisoformat(text)
        except ValueError:
            pass  # full-width digits or an impossible date: the general path below decides
        else:
            if MIN_YEAR <= result.year <= MAX_YEAR:
                return result
    text = unicodedata.normalize("NFKC", text).strip()
    if match := _YMD.match(text):
        return _checked(int(match[1]), int(match[3]), int(match[4]), value)
    if match := _CHINESE.match(text):
        return _checked(int(match[1]), int(match[2]), int(match[3]), value)
    if match := _COMPACT.match(text):
        return _checked(int(match[1]), int(match[2]), int(match[3]), value)
    if _SERIAL.match(text):
        result = excel_serial_to_date(float(text), date1904=date1904)
        return _checked(result.year, result.month, result.day, value)
    if _YEAR_LAST.match(text):
        raise FieldError(
            _("Date %(value)s is ambiguous (day and month order unknown); write it as 2024-01-05.") % {"value": value},
            "date_ambiguous",
        )
    raise FieldError(_("%(value)s is not a date.") % {"value": value}, "date_invalid")


# --- identity and contact -------------------------------------------------------------------------

_ID_NUMBER_FAST = re.compile(r"\d{17}[\dX]\Z", re.ASCII)


def parse_id_number(value: Any) -> str | None:
    """A mainland ID number validated by :func:`common.validators.id_number_normalize`; a number
    cell from XLSX is rejected (Excel keeps 15 significant digits, so the number is already
    damaged), and so are scientific notation and Excel-rounded ``…000`` numbers.

    Fast path: an already clean ``17 digits + digit/X`` text whose check character
    (``ric.calc_check_digit``) and embedded birth date are right is returned as it is, which is
    exactly what ``id_number_normalize`` returns for it (pinned by a test); anything else,
    including every invalid number, goes through ``id_number_normalize`` for its reason."""
    if type(value) is str and _ID_NUMBER_FAST.match(value) and ric.calc_check_digit(value) == value[17]:
        try:
            dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        except ValueError:
            pass
        else:
            return value
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise FieldError(
            _("ID number %(value)s was stored as a number in Excel, which keeps only 15 digits; "
              "format the column as text and send the original numbers.")
            % {"value": value},
            "id_number_excel_numeric",
        )
    try:
        return id_number_normalize(value)
    except ValidationError as exc:
        raise FieldError(exc.messages[0], exc.code or "id_number_invalid") from None


_MOBILE_FAST = re.compile(r"1[3-9]\d{9}\Z")


def parse_mobile(value: Any) -> str | None:
    """A mainland mobile in E.164 (``+8613800138000``) via :func:`common.validators.mobile_normalize`.

    Fast path: a bare 11-digit ``1[3-9]…`` number gives ``"+86" + number``, which is exactly what
    ``mobile_normalize`` returns for it (pinned by a test)."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if _MOBILE_FAST.match(text):
        return "+86" + text
    try:
        return mobile_normalize(text)
    except ValidationError as exc:
        raise FieldError(exc.messages[0], exc.code or "mobile_invalid") from None


_PRODUCTS = {
    "loan": ProductType.LOAN, "贷款": ProductType.LOAN, "消费贷": ProductType.LOAN, "消费贷款": ProductType.LOAN,
    "card": ProductType.CARD, "credit_card": ProductType.CARD, "信用卡": ProductType.CARD,
}


def parse_product(value: Any) -> str | None:
    """``loan``/``贷款``/``消费贷`` → loan; ``card``/``信用卡`` → card."""
    if is_blank(value):
        return None
    key = str(value).strip().casefold().replace(" ", "_")
    try:
        return _PRODUCTS[key]
    except KeyError:
        raise FieldError(_("Unknown product %(value)s (use loan/贷款 or card/信用卡).") % {"value": value}, "product_invalid") from None
