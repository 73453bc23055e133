"""``manage.py import_placement``: summary, ``--json``, refusal exit code; the headline import of
the six months of shared/data/uci_credit_card_monthly.csv; the PostgreSQL COPY path."""
import csv
import datetime as dt
import hashlib
import io
import json
import re
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from collections_app.choices import CaseStatus
from collections_app.imports.writers import PostgresCopyWriter, writer_for
from collections_app.models import Account, Case, CaseBucketHistory, Payment, Placement
from tests.factories import CreditorFactory

from .import_support import STANDARD_HEADER, id_number, write_csv

pytestmark = pytest.mark.django_db
UCI_FILE = "uci_credit_card_monthly.csv"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run_command(*args, **options):
    out = io.StringIO()
    call_command("import_placement", *map(str, args), stdout=out, **options)
    return out.getvalue()


def test_command_prints_the_summary_with_first_rejected_lines(tmp_path, creditor):
    rows = [["A1", "张三", id_number("11010519900307123"), "13800138000", 10, "100", "", "2024-01-05"],
            ["A2", "李四", "4.40304E+17", "", 10, "100", "", "2024-01-05"],
            ["A3", "王五", "", "", 0, "0", "", "2024-01-05"]]
    path = write_csv(tmp_path / "p.csv", STANDARD_HEADER, rows)
    out = run_command(path, creditor=creditor.code, profile="standard")
    assert "p.csv (standard, creditor zhongyin-cf): succeeded" in out
    assert re.search(r"rows read\s+3\n", out) and re.search(r"cases created\s+1\n", out)
    assert re.search(r"rejected\s+1\n", out) and re.search(r"skipped\s+1  \(not past due: 1\)\n", out)
    assert "line 3: 身份证号: ID number 4.40304E+17 was turned into scientific notation" in out


def test_command_json_prints_one_object(tmp_path, creditor):
    path = write_csv(tmp_path / "p.csv", STANDARD_HEADER, [["A1", "张三", "", "", 10, "100", "", "2024-01-05"],
                                                           ["A2", "李四", "", "", "x", "100", "", "2024-01-05"]])
    data = json.loads(run_command(path, creditor=creditor.code, profile="standard", json=True, as_of="2024-01-05"))
    assert data["status"] == "succeeded" and data["counts"]["cases_created"] == 1 and data["counts"]["rejected"] == 1
    assert data["rejected_rows"] == [{"line": 3, "account": "A2", "reason": "逾期天数: x is not a whole number."}]
    assert "columns" not in data["counts"]


def test_command_dry_run_writes_nothing(tmp_path, creditor):
    path = write_csv(tmp_path / "p.csv", STANDARD_HEADER, [["A1", "张三", "", "", 10, "100", "", "2024-01-05"]])
    data = json.loads(run_command(path, creditor=creditor.code, profile="standard", json=True, dry_run=True))
    assert data["dry_run"] and data["counts"]["cases_created"] == 1
    assert not Case.objects.exists()


def test_command_exits_non_zero_when_the_file_is_refused(tmp_path, creditor):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\xff\xff,\x80\x80\n")
    with pytest.raises(CommandError) as err:
        run_command(path, creditor=creditor.code, profile="standard")
    assert "neither valid UTF-8" in str(err.value)
    assert Placement.objects.get().status == "failed"
    with pytest.raises(CommandError):
        run_command(tmp_path / "missing.csv", creditor=creditor.code, profile="standard")
    with pytest.raises(CommandError):
        run_command(path, creditor="no-such-creditor", profile="standard")


# --- the headline: six months of a real card portfolio ---------------------------------------------

def _case_checksum() -> tuple[int, str]:
    rows = Case.objects.order_by("id").values_list(
        "id", "status", "bucket", "delinquency_basis", "cycles_delinquent", "days_past_due", "risk_tier", "tier_rule",
        "overdue_amount", "outstanding_balance", "paid_amount", "cured_on", "bucket_entered_on", "as_of", "updated_at",
    )
    digest = hashlib.sha256()
    count = 0
    for row in rows.iterator(chunk_size=5000):
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def _expected_history(months: list[tuple[str, int]]) -> list[tuple[str, dt.date, dt.date | None]]:
    """Bucket stays computed straight from the file: from the first past-due month, each month's
    bucket (n cycles → Mn, 7+ → M7+, not past due → M0), consecutive equal months merged."""
    result: list[list] = []
    started = False
    for as_of, status in months:
        started = started or status >= 1
        if not started:
            continue
        bucket = "M0" if status <= 0 else ("M7+" if status >= 7 else f"M{status}")
        day = dt.date.fromisoformat(as_of)
        if result and result[-1][0] == bucket:
            continue
        if result:
            result[-1][2] = day
        result.append([bucket, day, None])
    return [tuple(r) for r in result]


@pytest.mark.shared_data
def test_uci_six_months_leave_the_published_september_buckets(shared_data, tmp_path):
    creditor = CreditorFactory(code="uci-tw", name="UCI card portfolio", default_product="card")
    source = shared_data / UCI_FILE
    out = run_command(source, creditor=creditor.code, profile="uci-monthly")
    assert ": succeeded" in out

    open_cases = Case.objects.filter(creditor=creditor, status=CaseStatus.OPEN)
    by_bucket = defaultdict(int)
    for bucket in open_cases.values_list("bucket", flat=True):
        by_bucket[bucket] += 1
    assert open_cases.count() == 6818
    assert dict(by_bucket) == {"M1": 3688, "M2": 2667, "M3": 322, "M4": 76, "M5": 26, "M6": 11, "M7+": 28}
    assert not open_cases.exclude(as_of=dt.date(2005, 9, 30)).exists()
    assert Case.objects.filter(creditor=creditor).count() == 10069  # README: ≥1 month late in at least one month

    # a sample account: the first whose six months include a cure and two different past-due buckets
    months: dict[str, list[tuple[str, int]]] = defaultdict(list)
    with open(source, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            months[row["account_id"]].append((row["as_of"], int(row["repayment_status"])))
    sample = next(
        account for account, statuses in months.items()
        if len({s for _d, s in statuses if s >= 1}) >= 2 and any(s >= 1 for _d, s in statuses[:3]) and any(
            statuses[i][1] >= 1 and statuses[i + 1][1] <= 0 for i in range(5))
    )
    case = Account.objects.get(creditor=creditor, account_number=sample).case
    stays = list(CaseBucketHistory.objects.filter(case=case).order_by("entered_on", "id").values_list("bucket", "entered_on", "left_on"))
    assert stays == _expected_history(sorted(months[sample]))
    assert len(stays) >= 3

    # re-importing a month changes nothing
    september = tmp_path / "uci-2005-09.csv"
    with open(source, newline="", encoding="utf-8") as handle, open(september, "w", newline="", encoding="utf-8") as target:
        reader, writer = csv.reader(handle), csv.writer(target)
        writer.writerow(next(reader))
        writer.writerows(row for row in reader if row[1] == "2005-09-30")
    before = (_case_checksum(), Payment.objects.count(), CaseBucketHistory.objects.count(), Account.objects.count())
    data = json.loads(run_command(september, creditor=creditor.code, profile="uci-monthly", json=True))
    assert data["counts"]["rows_read"] == 30000
    assert data["counts"]["cases_created"] == data["counts"]["accounts_updated"] == data["counts"]["payments_created"] == 0
    assert data["counts"]["skip_reasons"]["already applied"] == 10069
    assert (_case_checksum(), Payment.objects.count(), CaseBucketHistory.objects.count(), Account.objects.count()) == before


# --- PostgreSQL: the COPY path -------------------------------------------------------------------

@pytest.mark.postgres
def test_postgres_import_goes_through_copy_and_staging_updates(tmp_path, creditor):
    assert isinstance(writer_for(now=timezone.now()), PostgresCopyWriter)
    first = [["A1", "张三", id_number("11010519900307123"), "13800138000", 10, "1000", "5000", "2024-01-05"],
             ["A2", "李\t四", "", "", 45, "2,000.50", "", "2024-01-05"]]
    run_command(write_csv(tmp_path / "jan.csv", STANDARD_HEADER, first), creditor=creditor.code, profile="standard")
    later = [["A1", "张三", "", "", 75, "1200", "5200", "2024-02-05"], ["A2", "李\t四", "", "", 0, "0", "0", "2024-02-05"]]
    data = json.loads(run_command(write_csv(tmp_path / "feb.csv", STANDARD_HEADER, later), creditor=creditor.code,
                                  profile="standard", json=True))
    assert data["counts"]["accounts_updated"] == 2 and data["counts"]["cases_cured"] == 1
    a1 = Case.objects.get(accounts__account_number="A1")
    a2 = Case.objects.get(accounts__account_number="A2")
    assert (a1.bucket, a1.days_past_due, a1.overdue_amount, a1.risk_tier) == ("M3", 75, Decimal("1200.00"), "high")
    assert a2.status == CaseStatus.CURED and a2.debtor.name == "李\t四"
    assert a1.debtor.contact_points.get().value == "+8613800138000"
    assert list(a1.bucket_history.values_list("bucket", "left_on")) == [("M1", dt.date(2024, 2, 5)), ("M3", None)]
