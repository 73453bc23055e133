"""Typed field parsers: QUALITY.md field inputs 3 (ID numbers), 4 (dates) and 5 (amounts)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from collections_app.imports.parsers import (
    FieldError, parse_amount, parse_date, parse_id_number, parse_int, parse_mobile,
)
from collections_app.imports.profiles import header_key
from common.validators import mobile_normalize

from .import_support import id_number


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- input 4: dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["45296", 45296, 45296.0, "2024-01-05", "2024/1/5", "2024年1月5日", "20240105", "2024.01.05",
                                   "２０２４年１月５日", "2024-01-05 00:00:00", dt.datetime(2024, 1, 5, 0, 0)])
def test_date_formats_from_the_field_parse_to_2024_01_05(value):
    assert parse_date(value) == dt.date(2024, 1, 5)


def test_excel_1904_serial_dates_parse_in_the_1904_system():
    assert parse_date("43834", date1904=True) == dt.date(2024, 1, 5)
    assert parse_date(43834, date1904=True) == dt.date(2024, 1, 5)
    assert parse_date(43834) == dt.date(2020, 1, 4)  # the same number read as 1900 system is another day


@pytest.mark.parametrize("value", ["01/05/2024", "5/1/2024", "01-05-2024"])
def test_day_month_year_order_unknown_is_rejected_as_ambiguous(value):
    with pytest.raises(FieldError) as err:
        parse_date(value)
    assert err.value.code == "date_ambiguous" and "ambiguous" in err.value.message


@pytest.mark.parametrize("value", ["2024-02-30", "20241305", "soon", "2024/13/01"])
def test_impossible_or_unreadable_dates_are_rejected(value):
    with pytest.raises(FieldError):
        parse_date(value)


def test_empty_date_is_none():
    assert parse_date("  ") is None and parse_date(None) is None


# --- input 5: amounts -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["¥1,234.56", "1,234.56元", "￥１，２３４．５６", "1234.56", " 1234.56 ", "RMB 1,234.56", 1234.56])
def test_amount_forms_from_the_field_parse_to_1234_56(value):
    assert parse_amount(value) == Decimal("1234.56")


@pytest.mark.parametrize("value", ["1.234,56", "1.234", "1.234.567", "1234,56"])
def test_european_or_dot_grouped_amounts_are_rejected_never_mis_scaled(value):
    with pytest.raises(FieldError) as err:
        parse_amount(value)
    assert err.value.code == "amount_ambiguous"


def test_amount_with_three_decimals_or_text_is_rejected():
    with pytest.raises(FieldError) as err:
        parse_amount("1234.567")
    assert err.value.code == "amount_precision"
    with pytest.raises(FieldError):
        parse_amount("abc")


def test_negative_amount_allowed_only_where_the_field_allows_it():
    assert parse_amount("-339603") == Decimal("-339603.00")
    with pytest.raises(FieldError) as err:
        parse_amount("-5", allow_negative=False)
    assert err.value.code == "amount_negative"


def test_whole_number_amount_is_quantized_to_cents():
    assert str(parse_amount("3261")) == "3261.00"


# --- input 3: ID numbers ----------------------------------------------------------------------------

def test_valid_id_number_is_accepted_upper_cased():
    assert parse_id_number("11010519491231002x") == "11010519491231002X"


def test_id_number_in_scientific_notation_is_rejected_with_that_reason():
    with pytest.raises(FieldError) as err:
        parse_id_number("4.40304E+17")
    assert err.value.code == "id_number_excel_scientific" and "scientific notation" in err.value.message


def test_id_number_with_excel_rounded_trailing_zeros_is_rejected_with_that_reason():
    good = id_number("44030419900101123")
    damaged = good[:15] + "000"
    assert damaged != good
    with pytest.raises(FieldError) as err:
        parse_id_number(damaged)
    assert err.value.code == "id_number_excel_truncated"


@pytest.mark.parametrize("cell", [440304199001011230, 4.40304199001011e17])
def test_id_number_from_an_xlsx_number_cell_is_rejected_with_that_reason(cell):
    with pytest.raises(FieldError) as err:
        parse_id_number(cell)
    assert err.value.code == "id_number_excel_numeric" and "stored as a number" in err.value.message


def test_empty_id_number_is_optional():
    assert parse_id_number("") is None


# --- mobiles, integers, headers ---------------------------------------------------------------------

@pytest.mark.parametrize("value", ["13800138000", "+86 138-0013-8000", "0086 13800138000", "１３８００１３８０００", 13800138000])
def test_mobile_fast_path_gives_exactly_what_mobile_normalize_gives(value):
    assert parse_mobile(value) == mobile_normalize(str(value)) == "+8613800138000"


def test_invalid_mobile_is_rejected():
    with pytest.raises(FieldError):
        parse_mobile("12345")


def test_int_accepts_full_width_and_integral_floats_only():
    assert parse_int("３") == 3 and parse_int(3.0) == 3 and parse_int("-2") == -2
    with pytest.raises(FieldError):
        parse_int(3.5)


@pytest.mark.parametrize("header", ["\ufeff账号", " 账号\u3000", "\u3000\u3000账号 "])
def test_headers_are_matched_after_trimming_bom_ascii_and_full_width_spaces(header):
    assert header_key(header) == "账号"


def test_english_headers_are_matched_case_and_separator_insensitively():
    assert header_key(" Account Number ") == header_key("account_number") == header_key("ACCOUNT-NUMBER")
