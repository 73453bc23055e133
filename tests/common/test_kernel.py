"""Shared kernel: local dates (QUALITY.md inputs 6, 7), validators and masking, production guard."""
import datetime as dt
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from common.dates import days_past_due, local_day_bounds, local_today
from common.validators import id_number_normalize, mask_id_number, mask_mobile, mask_name, mobile_normalize

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_dpd_uses_the_shanghai_date_not_utc():
    # 07:30 local on 2024-01-05 is still 2024-01-04 in UTC.
    now = dt.datetime(2024, 1, 5, 7, 30, tzinfo=SHANGHAI)
    today = local_today(now)
    assert today == dt.date(2024, 1, 5)
    assert days_past_due(dt.date(2023, 12, 31), today=today) == 5


def test_local_day_bounds_include_0030_and_235959_and_exclude_next_midnight():
    start, end = local_day_bounds(dt.date(2024, 1, 5))
    inside = [dt.datetime(2024, 1, 5, 0, 30, tzinfo=SHANGHAI), dt.datetime(2024, 1, 5, 23, 59, 59, tzinfo=SHANGHAI)]
    outside = dt.datetime(2024, 1, 6, 0, 0, tzinfo=SHANGHAI)
    assert all(start <= t < end for t in inside)
    assert not (start <= outside < end)


@pytest.mark.parametrize("raw, expected", [("11010519491231002x", "11010519491231002X"), (" 110105194912310021 ", None)])
def test_id_number_checksum(raw, expected):
    if expected:
        assert id_number_normalize(raw) == expected
    else:
        with pytest.raises(ValidationError) as err:
            id_number_normalize(raw)
        assert err.value.code == "id_number_checksum"


@pytest.mark.parametrize(
    "raw, code",
    [("4.40304E+17", "id_number_excel_scientific"), ("440304199001011000", "id_number_excel_truncated"),
     ("11010519491331002X", "id_number_checksum"), ("1101051949123100", "id_number_format")],
)
def test_damaged_id_numbers_are_rejected_with_the_reason(raw, code):
    with pytest.raises(ValidationError) as err:
        id_number_normalize(raw)
    assert err.value.code == code


def test_impossible_birth_date_is_rejected():
    # 1949-02-30 with a correct check digit
    from stdnum.cn import ric

    body = "11010519490230002"
    with pytest.raises(ValidationError) as err:
        id_number_normalize(body + ric.calc_check_digit(body + "0"))
    assert err.value.code == "id_number_birth_date"


@pytest.mark.parametrize("raw", ["+86 138-0013-8000", "0086 13800138000", "１３８００１３８０００", "138 0013 8000"])
def test_mobile_normalised_to_e164(raw):
    assert mobile_normalize(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "010-12345678"])
def test_invalid_mobile_rejected(raw):
    with pytest.raises(ValidationError):
        mobile_normalize(raw)


def test_masking():
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_mobile("+8613800138000") == "138****8000"
    assert mask_name("张三") == "张*"


def test_production_settings_refuse_to_start_without_secrets():
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr or "ImproperlyConfigured" in result.stderr


def test_iso_date_filter_refuses_an_ambiguous_date_even_in_english():
    import django_filters
    from django.utils import translation

    from common.filters import IsoDateFilter

    class Dates(django_filters.FilterSet):
        on = IsoDateFilter(method=lambda qs, name, value: qs)

    from teams.models import User

    with translation.override("en"):
        ambiguous = Dates({"on": "01/05/2024"}, queryset=User.objects.none())
        iso = Dates({"on": "2024-01-05"}, queryset=User.objects.none())
        assert not ambiguous.is_valid() and "on" in ambiguous.errors
        assert iso.is_valid()
