"""The import parsers' fast paths give exactly what the general path gives, and never accept
what it refuses (docs/import-format.md, "Decisions")."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from collections_app.imports.parsers import FieldError, parse_date, parse_id_number
from common.validators import id_number_normalize

from .import_support import id_number


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("value", [id_number("11010519491231002"), id_number("44030419900101123"), id_number("31010420000229456")])
def test_id_number_fast_path_gives_exactly_what_id_number_normalize_gives(value):
    assert parse_id_number(value) == id_number_normalize(value) == value


@pytest.mark.parametrize("value", [
    "110105194912310021",  # wrong check character
    "110105194902300024",  # 30 February
    "110105194912310000",  # Excel-rounded
    "11010519491231002x",  # lower-case x: normalised by the general path
    " 11010519491231002X",
])
def test_id_number_fast_path_leaves_everything_else_to_id_number_normalize(value):
    try:
        expected = id_number_normalize(value)
    except ValidationError as exc:
        with pytest.raises(FieldError) as err:
            parse_id_number(value)
        assert err.value.code == exc.code
    else:
        assert parse_id_number(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-01-05", dt.date(2024, 1, 5)),
    ("２０２４-０１-０５", dt.date(2024, 1, 5)),
])
def test_iso_date_fast_path_and_full_width_digits(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(("value", "code"), [("2024-02-30", "date_invalid"), ("1899-12-31", "date_range"),
                                             ("2101-01-01", "date_range")])
def test_iso_date_fast_path_still_refuses_impossible_and_out_of_range_dates(value, code):
    with pytest.raises(FieldError) as err:
        parse_date(value)
    assert err.value.code == code
