"""Placement files as they arrive from lenders' Excel on Chinese Windows: QUALITY.md field inputs
1 (encodings), 2 (BOM, trimmed headers in Chinese or English), 3–5 through whole files (CSV and
XLSX cells)."""
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from collections_app.choices import PlacementStatus
from collections_app.models import Account, Case, ContactPoint, Debtor

from .import_support import STANDARD_HEADER, errors_by_line, id_number, import_file, import_rows

pytestmark = pytest.mark.django_db
AS_OF = "2024-01-05"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_gb18030_csv_imports_names_that_only_exist_in_gb18030(tmp_path, creditor):
    rows = [["A001", "王䶮", id_number("11010519900307123"), "13800138000", 10, "1200.00", "5000", AS_OF],
            ["A002", "李娜", "", "", 40, "¥2,000.00", "", AS_OF]]
    placement = import_rows(tmp_path, creditor, rows, encoding="gb18030")
    assert placement.status == PlacementStatus.SUCCEEDED, placement.error_message
    assert set(Debtor.objects.values_list("name", flat=True)) == {"王䶮", "李娜"}
    assert not Debtor.objects.filter(name__contains="\ufffd").exists()


def test_file_valid_in_no_supported_encoding_is_refused_as_a_whole(tmp_path, creditor):
    path = tmp_path / "broken.csv"
    # a UTF-8 header, then a Latin-1 byte sequence that is neither UTF-8 nor GB18030
    path.write_bytes(",".join(STANDARD_HEADER).encode("utf-8") + b"\r\nA001,\xff\xfe\xff,,,10,100,,2024-01-05\r\n")
    placement = import_file(path, creditor)
    assert placement.status == PlacementStatus.FAILED
    assert "neither valid UTF-8" in placement.error_message and "GB18030" in placement.error_message
    assert "0xFF" in placement.error_message
    assert not Account.objects.exists() and not placement.row_errors.exists()


def test_row_carrying_a_replacement_character_is_rejected_and_never_stored(tmp_path, creditor):
    rows = [["A001", "王\ufffd", "", "", 10, "100", "", AS_OF], ["A002", "张三", "", "", 10, "100", "", AS_OF]]
    placement = import_rows(tmp_path, creditor, rows)
    assert placement.counts["rejected"] == 1 and placement.counts["cases_created"] == 1
    assert "U+FFFD" in errors_by_line(placement)[2]
    assert not Debtor.objects.filter(name__contains="\ufffd").exists()


@pytest.mark.parametrize("header", [
    ["\ufeff账号", " 姓名 ", "\u3000逾期天数\u3000", "逾期金额", "数据日期"],
    ["\ufeffAccount Number", "Name ", " DPD", "Overdue Amount", "\u3000As Of"],
])
def test_bom_and_padded_headers_in_chinese_or_english_are_matched(tmp_path, creditor, header):
    path = tmp_path / "bom.csv"
    path.write_bytes(("\ufeff" if not header[0].startswith("\ufeff") else "").encode() + (
        ",".join(header) + "\r\nA001,张三,15,\"1,500.00\",2024-01-05\r\n").encode("utf-8"))
    placement = import_file(path, creditor)
    assert placement.status == PlacementStatus.SUCCEEDED, placement.error_message
    account = Account.objects.get(account_number="A001")
    assert account.days_past_due == 15 and account.overdue_amount == Decimal("1500.00")


def test_missing_required_column_refuses_the_file_naming_the_column(tmp_path, creditor):
    placement = import_rows(tmp_path, creditor, [["张三", 10, "100"]], header=["姓名", "逾期天数", "逾期金额"])
    assert placement.status == PlacementStatus.FAILED
    assert "account_number" in placement.error_message and "账号" in placement.error_message


def test_excel_damaged_id_numbers_are_rejected_per_row_with_that_reason(tmp_path, creditor):
    good = id_number("44030419900101123")
    rows = [
        ["A001", "张三", "4.40304E+17", "", 10, "100", "", AS_OF],
        ["A002", "李四", good[:15] + "000", "", 10, "100", "", AS_OF],
        ["A003", "王五", good, "", 10, "100", "", AS_OF],
    ]
    placement = import_rows(tmp_path, creditor, rows)
    errors = errors_by_line(placement)
    assert "scientific notation" in errors[2] and "000" in errors[3] and 4 not in errors
    assert list(Debtor.objects.values_list("id_number", flat=True)) == [good]


def test_dates_and_amounts_from_the_field_land_in_a_whole_file(tmp_path, creditor):
    header = ["账号", "姓名", "最早未还款日", "逾期金额", "数据日期"]
    rows = [
        ["A1", "甲", "45296", "¥1,234.56", "2024年1月15日"],
        ["A2", "乙", "2024/1/5", "1,234.56元", "20240115"],
        ["A3", "丙", "2024.01.05", "￥１，２３４．５６", "2024.01.15"],
        ["A4", "丁", "01/05/2024", "100", "2024-01-15"],
        ["A5", "戊", "2024-01-05", "1.234,56", "2024-01-15"],
    ]
    placement = import_rows(tmp_path, creditor, rows, header=header)
    for number in ("A1", "A2", "A3"):
        account = Account.objects.get(account_number=number)
        assert (account.earliest_due_date, account.days_past_due, account.as_of) == (dt.date(2024, 1, 5), 10, dt.date(2024, 1, 15))
        assert account.overdue_amount == Decimal("1234.56")
    errors = errors_by_line(placement)
    assert "ambiguous" in errors[5] and "最早未还款日" in errors[5]
    assert "ambiguous" in errors[6] and "逾期金额" in errors[6]
    assert not Account.objects.filter(account_number__in=["A4", "A5"]).exists()


def _xlsx(path, rows, *, date1904=False):
    workbook = Workbook()
    if date1904:
        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_numeric_id_cell_is_rejected_and_text_cells_import(tmp_path, creditor):
    good = id_number("44030419900101123")
    path = _xlsx(tmp_path / "p.xlsx", [
        ["账号", "姓名", "身份证号", "手机号", "逾期天数", "逾期金额", "数据日期"],
        ["A001", "张三", int(good[:17] + "0"), 13800138000, 10, 1234.56, dt.datetime(2024, 1, 5)],
        ["A002", "李四", good, "13900139000", 10, 99.5, dt.datetime(2024, 1, 5)],
    ])
    placement = import_file(path, creditor)
    errors = errors_by_line(placement)
    assert set(errors) == {2} and "stored as a number in Excel" in errors[2]
    account = Account.objects.get(account_number="A002")
    assert account.overdue_amount == Decimal("99.50") and account.as_of == dt.date(2024, 1, 5)
    assert ContactPoint.objects.get(debtor=account.debtor).value == "+8613900139000"


@pytest.mark.parametrize("date1904, serial", [(False, 45296), (True, 43834)])
def test_xlsx_serial_number_dates_follow_the_workbook_date_system(tmp_path, creditor, date1904, serial):
    path = _xlsx(tmp_path / "d.xlsx", [
        ["account_number", "name", "earliest_due_date", "overdue_amount", "as_of"],
        ["A001", "张三", serial, 100, dt.datetime(2024, 1, 15)],
    ], date1904=date1904)
    placement = import_file(path, creditor)
    assert placement.status == PlacementStatus.SUCCEEDED, placement.error_message
    account = Account.objects.get(account_number="A001")
    assert account.earliest_due_date == dt.date(2024, 1, 5) and account.days_past_due == 10


def test_case_groups_the_accounts_of_one_debtor(tmp_path, creditor):
    person = id_number("11010519900307123")
    rows = [["L1", "张三", person, "", 10, "100", "", AS_OF], ["L2", "张三", person, "", 70, "300", "", AS_OF]]
    import_rows(tmp_path, creditor, rows)
    case = Case.objects.get()
    assert case.accounts.count() == 2
    assert case.overdue_amount == Decimal("400.00") and case.bucket == "M3" and case.days_past_due == 70
    assert case.risk_tier == "high" and case.tier_rule == "high_bucket_m3_plus"


def test_rejected_row_keeps_every_cell_under_blank_and_repeated_headers(tmp_path, creditor):
    header = STANDARD_HEADER + ["", "备注", "备注"]
    placement = import_rows(tmp_path, creditor, [["A9", "张三", "4.40304E+17", "", 10, "100", "", "2024-01-05", "x", "甲", "乙"]], header=header)
    raw = placement.row_errors.get().raw
    assert raw["column 9"] == "x" and raw["备注"] == "甲" and raw["备注 (11)"] == "乙"


def test_row_whose_delinquency_cells_are_only_spaces_is_rejected_not_taken_as_current(tmp_path, creditor):
    placement = import_rows(tmp_path, creditor, [["A10", "张三", "", "", "   ", "100", "", "2024-01-05"]])
    assert placement.counts["rejected"] == 1 and placement.counts["skipped"] == 0


def test_a_failed_chunk_takes_its_counts_back_with_its_rows(tmp_path, creditor, settings, monkeypatch):
    from collections_app.imports import batch as batch_module
    from collections_app.models import Case

    settings.PLACEMENT_CHUNK_ROWS = 2
    real_apply, calls = batch_module.BatchApplier.apply, []

    def apply_then_fail(self, records):
        calls.append(len(records))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_apply(self, records)

    monkeypatch.setattr(batch_module.BatchApplier, "apply", apply_then_fail)
    rows = [[f"B{n}", "张三", "", "", 10, "100", "", "2024-01-05"] for n in range(4)]
    placement = import_rows(tmp_path, creditor, rows)
    assert placement.status == "failed"
    assert Case.objects.count() == placement.counts["cases_created"] == 2
