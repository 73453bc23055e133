"""Status-feed semantics of the import engine and the placement services (the issue "Foundation",
section 4): later as-of updates, older rejected, same as-of a no-op, cure, re-open, several
as-of dates in one file, dry run, per-row rejection with line numbers, rejected-rows CSV."""
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from collections_app.choices import AssignmentReason, CaseStatus, PaymentSource, PlacementStatus, PromiseStatus
from collections_app.models import Account, Assignment, Case, CaseBucketHistory, Debtor, Payment, Placement, PromiseToPay
from collections_app.services import case_assign, promise_to_pay_create
from collections_app.services.placements import placement_create, placement_rejected_rows_csv, placement_run
from common.exports import escape_cell

from .import_support import STANDARD_HEADER, csv_text, errors_by_line, import_rows

pytestmark = pytest.mark.django_db
UCI = ["account_id", "as_of", "repayment_status", "statement_balance", "amount_paid", "credit_limit"]
APR, MAY, JUN = "2005-04-30", "2005-05-31", "2005-06-30"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def feed(tmp_path, creditor, rows, name="feed.csv", **kwargs):
    return import_rows(tmp_path, creditor, rows, header=UCI, name=name, profile="uci-monthly", **kwargs)


def history(case):
    return list(CaseBucketHistory.objects.filter(case=case).order_by("entered_on", "id").values_list("bucket", "entered_on", "left_on"))


def case_rows():
    return sorted(Case.objects.values_list(
        "id", "status", "bucket", "cycles_delinquent", "overdue_amount", "outstanding_balance", "paid_amount", "risk_tier",
        "cured_on", "as_of", "updated_at",
    ))


def d(text):
    return dt.date.fromisoformat(text)


def test_later_as_of_updates_balances_moves_bucket_and_re_tiers(tmp_path, creditor):
    feed(tmp_path, creditor, [["7", APR, 1, 3000, 0, 20000]], name="apr.csv")
    case = Case.objects.get()
    assert (case.bucket, case.cycles_delinquent, case.overdue_amount, case.risk_tier) == ("M1", 1, Decimal("3000.00"), "low")
    assert case.delinquency_basis == "cycles" and case.days_past_due is None
    assert Debtor.objects.get().name == "Account 7"
    placement = feed(tmp_path, creditor, [["7", MAY, 3, 3500, 0, 20000]], name="may.csv")
    case.refresh_from_db()
    assert (case.bucket, case.cycles_delinquent, case.overdue_amount, case.as_of) == ("M3", 3, Decimal("3500.00"), d(MAY))
    assert case.risk_tier == "high" and case.tier_rule == "high_bucket_m3_plus"
    assert case.bucket_entered_on == d(MAY)
    assert history(case) == [("M1", d(APR), d(MAY)), ("M3", d(MAY), None)]
    assert placement.counts["accounts_updated"] == 1 and placement.counts["cases_updated"] == 1


def test_older_as_of_is_rejected_and_same_as_of_is_skipped_as_already_applied(tmp_path, creditor):
    feed(tmp_path, creditor, [["7", MAY, 2, 3000, 0, 20000]], name="may.csv")
    before = case_rows()
    placement = feed(tmp_path, creditor, [["7", APR, 1, 100, 0, 20000], ["7", MAY, 5, 9, 0, 1]], name="again.csv")
    errors = placement.row_errors.order_by("line_number")
    assert [(e.line_number, e.is_skip) for e in errors] == [(2, False), (3, True)]
    assert "older than 2005-05-31" in errors[0].reason and errors[1].reason == "already applied"
    assert case_rows() == before


def test_re_running_the_same_file_changes_nothing(tmp_path, creditor):
    rows = [["1", APR, 1, 1000, 0, 5000], ["1", MAY, 0, 0, 1000, 5000], ["2", MAY, 2, 800, 0, 5000], ["3", MAY, -1, 0, 0, 100]]
    first = feed(tmp_path, creditor, rows, name="one.csv")
    before = (case_rows(), Payment.objects.count(), CaseBucketHistory.objects.count(), Account.objects.count())
    second = feed(tmp_path, creditor, rows, name="two.csv")
    assert (case_rows(), Payment.objects.count(), CaseBucketHistory.objects.count(), Account.objects.count()) == before
    assert first.counts["cases_created"] == 2 and second.counts["cases_created"] == 0
    assert second.counts["accounts_updated"] == 0 and second.counts["payments_created"] == 0


def test_case_with_no_past_due_account_is_cured_and_its_assignment_ends(tmp_path, creditor, collector):
    feed(tmp_path, creditor, [["9", APR, 2, 5000, 0, 9000]], name="apr.csv")
    case = Case.objects.get()
    case_assign(case=case, collector=collector, actor=None, reason=AssignmentReason.NEW_CASE)
    placement = feed(tmp_path, creditor, [["9", MAY, 0, 200, 4800, 9000]], name="may.csv")
    case.refresh_from_db()
    assert case.status == CaseStatus.CURED and case.cured_on == d(MAY) and case.collector is None
    assert case.bucket == "M0" and case.overdue_amount == Decimal("0.00") and case.outstanding_balance == Decimal("200.00")
    assert not Assignment.objects.filter(case=case, ended_at__isnull=True).exists()
    assert history(case) == [("M2", d(APR), d(MAY)), ("M0", d(MAY), None)]
    assert placement.counts["cases_cured"] == 1
    payment = Payment.objects.get()
    assert (payment.amount, payment.paid_on, payment.source, payment.external_ref) == (
        Decimal("4800.00"), d(MAY), PaymentSource.FEED, "uci-monthly:9:2005-05-31")
    assert case.paid_amount == Decimal("4800.00")


def test_cured_case_that_is_past_due_again_re_opens(tmp_path, creditor):
    placement = feed(tmp_path, creditor, [["9", APR, 1, 500, 0, 9000], ["9", MAY, -1, 0, 500, 9000], ["9", JUN, 2, 700, 0, 9000]])
    case = Case.objects.get()
    assert case.status == CaseStatus.OPEN and case.cured_on is None and case.bucket == "M2"
    assert history(case) == [("M1", d(APR), d(MAY)), ("M0", d(MAY), d(JUN)), ("M2", d(JUN), None)]
    assert placement.counts["cases_cured"] == 1 and placement.counts["cases_reopened"] == 1


def test_several_as_of_dates_in_one_file_apply_in_date_order(tmp_path, creditor):
    rows = [["5", JUN, 3, 900, 0, 1000], ["5", APR, 1, 300, 0, 1000], ["5", MAY, 2, 600, 0, 1000]]
    placement = feed(tmp_path, creditor, rows)
    case = Case.objects.get()
    assert placement.counts["rejected"] == 0
    assert history(case) == [("M1", d(APR), d(MAY)), ("M2", d(MAY), d(JUN)), ("M3", d(JUN), None)]
    assert case.overdue_amount == Decimal("900.00") and case.as_of == d(JUN)


def test_unknown_account_not_past_due_is_skipped(tmp_path, creditor):
    placement = feed(tmp_path, creditor, [["1", APR, 0, 100, 0, 1000], ["2", APR, -2, 0, 0, 1000], ["3", APR, 1, 50, 0, 1000]])
    assert placement.counts["skipped"] == 2 and placement.counts["skip_reasons"] == {"not past due": 2}
    assert errors_by_line(placement) == {2: "not past due", 3: "not past due"}
    assert Case.objects.count() == 1


def test_feed_payment_applies_to_open_promises_fifo_and_is_not_recorded_twice(tmp_path, creditor, collector):
    feed(tmp_path, creditor, [["4", APR, 1, 1000, 0, 5000]], name="apr.csv")
    case = Case.objects.get()
    promise = promise_to_pay_create(case=case, actor=collector, amount=Decimal("300.00"), due_date=dt.date.today() + dt.timedelta(days=3))
    # the promise was taken in April (a payment made before a promise cannot keep it)
    PromiseToPay.objects.filter(pk=promise.pk).update(created_at=dt.datetime(2005, 4, 30, 10, 0, tzinfo=dt.timezone.utc))
    feed(tmp_path, creditor, [["4", MAY, 1, 700, 300, 5000]], name="may.csv")
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT and promise.paid_amount == Decimal("300.00")
    # the same payment reference again (e.g. a corrected file for the month) is not recorded twice
    Account.objects.update(as_of=d(APR))
    feed(tmp_path, creditor, [["4", MAY, 1, 700, 300, 5000]], name="may-again.csv")
    assert Payment.objects.count() == 1


def test_dry_run_counts_everything_and_writes_nothing(tmp_path, creditor):
    rows = [["1", APR, 1, 1000, 0, 5000], ["1", MAY, 0, 0, 1000, 5000], ["2", APR, "x", 5, 0, 1]]
    placement = feed(tmp_path, creditor, rows, dry_run=True)
    assert placement.status == PlacementStatus.SUCCEEDED and placement.dry_run
    assert placement.counts["cases_created"] == 1 and placement.counts["cases_cured"] == 1 and placement.counts["rejected"] == 1
    assert not Case.objects.exists() and not Account.objects.exists() and not Debtor.objects.exists()
    assert not Payment.objects.exists() and not CaseBucketHistory.objects.exists()


def test_bad_row_is_reported_with_line_and_reason_while_good_rows_land(tmp_path, creditor):
    rows = [
        ["A1", "张三", "", "", 10, "100", "", "2024-01-05"],
        ["A2", "李四", "", "12345", "ten", "100", "", "2024-01-05"],
        ["A3", "", "", "", 10, "100", "", "2024-01-05"],
        ["A4", "王五", "", "", 40, "200", "", "2024-01-05"],
    ]
    placement = import_rows(tmp_path, creditor, rows)
    errors = errors_by_line(placement)
    assert set(errors) == {3, 4}
    assert "手机号" in errors[3] and "逾期天数" in errors[3] and "not a whole number" in errors[3]
    assert "name is empty" in errors[4]
    assert set(Account.objects.values_list("account_number", flat=True)) == {"A1", "A4"}
    assert placement.counts["rejected"] == 2 and placement.rows_total == 4 and placement.rows_processed == 4


def test_rejected_rows_csv_has_bom_line_reason_and_escapes_formulas(tmp_path, creditor):
    rows = [["A1", "=HYPERLINK(\"http://x\")", "", "", "-3", "-5", "", "2024-01-05"],
            ["A2", "@SUM(1)", "", "", 10, "100", "", "2024-01-05"]]
    placement = import_rows(tmp_path, creditor, rows)
    data = b"".join(placement_rejected_rows_csv(placement=placement))
    assert data.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["line", "reason", *STANDARD_HEADER]
    assert table[1][0] == "2" and table[1][3] == "'=HYPERLINK(\"http://x\")"
    assert table[1][6] == "-3" and table[1][7] == "-5"  # numbers stay numbers
    assert len(table) == 2  # the @SUM row was a good row (a name is just text in the database)


@pytest.mark.parametrize("value, expected", [("=1+2", "'=1+2"), ("+cmd", "'+cmd"), ("-1+2", "'-1+2"), ("@A1", "'@A1"),
                                             ("-1234.56", "-1234.56"), (-5, -5), (Decimal("1.50"), Decimal("1.50")), ("王五", "王五")])
def test_escape_cell_writes_formulas_as_text_and_keeps_numbers(value, expected):
    assert escape_cell(value) == expected


def test_placement_create_validates_profile_extension_and_size(creditor, settings, tmp_path):
    settings.PLACEMENT_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationError) as err:
        placement_create(creditor=creditor, profile="nope", uploaded_file=ContentFile(b"a,b\n", name="x.txt"),
                         original_filename="x.txt", actor=None)
    assert set(err.value.message_dict) == {"profile", "file"}
    with pytest.raises(ValidationError) as err:
        placement_create(creditor=creditor, profile="standard", uploaded_file=ContentFile(b"a" * 11, name="x.csv"),
                         original_filename="x.csv", actor=None)
    assert "limit" in err.value.message_dict["file"][0]
    assert not Placement.objects.exists()


def test_placement_create_stores_the_file_privately_and_runs_the_task_on_commit(creditor, supervisor, tmp_path, monkeypatch,
                                                                                 django_capture_on_commit_callbacks, settings):
    from collections_app.tasks import placement_run_task

    dispatched = []
    monkeypatch.setattr(placement_run_task, "delay", lambda *args: dispatched.append(args))
    content = csv_text(STANDARD_HEADER, [["A1", "张三", "", "", 10, "100", "", "2024-01-05"]]).encode()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        placement = placement_create(creditor=creditor, profile="standard", uploaded_file=ContentFile(content, name="p.csv"),
                                     original_filename="C:\\Users\\x\\p.csv", actor=supervisor)
        assert dispatched == []  # nothing runs before the transaction commits
    assert len(callbacks) == 1 and dispatched == [(placement.pk,)]
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.PENDING and placement.original_filename == "p.csv"
    assert placement.created_by == supervisor
    assert not placement.source_file.path.startswith(str(settings.MEDIA_ROOT))
    assert placement.source_file.storage.location.endswith("private")
    assert placement_run_task(placement.pk) == {"placement_id": placement.pk, "status": "succeeded"}
    placement.refresh_from_db()
    assert placement.counts["cases_created"] == 1 and placement.rows_processed == 1


def test_placement_task_for_a_missing_placement_does_nothing(db):
    from collections_app.tasks import placement_run_task

    assert placement_run_task(987654) == {"placement_id": 987654, "status": "missing"}


def test_placement_run_twice_does_not_re_run_a_succeeded_placement(tmp_path, creditor):
    placement = feed(tmp_path, creditor, [["1", APR, 1, 100, 0, 1000]])
    finished = placement.finished_at
    again = placement_run(placement_id=placement.pk)
    assert again.status == PlacementStatus.SUCCEEDED and again.finished_at == finished
    assert Case.objects.count() == 1


def test_failed_placement_can_be_run_again(tmp_path, creditor):
    placement = feed(tmp_path, creditor, [["1", APR, 1, 100, 0, 1000]])
    Placement.objects.filter(pk=placement.pk).update(status=PlacementStatus.FAILED)
    again = placement_run(placement_id=placement.pk)
    assert again.status == PlacementStatus.SUCCEEDED
    assert again.counts["skip_reasons"] == {"already applied": 1} and Case.objects.count() == 1


def test_second_row_for_the_same_account_and_as_of_is_rejected_naming_the_first_line(tmp_path, creditor):
    placement = feed(tmp_path, creditor, [["7", APR, 1, 100, 0, 1000], ["7", APR, 2, 999, 0, 1000]])
    assert placement.counts["rejected"] == 1
    assert "line 2" in errors_by_line(placement)[3]
    case = Case.objects.get()
    assert case.bucket == "M1" and case.overdue_amount == Decimal("100.00")


def test_skipped_rows_are_all_counted_but_only_the_first_ones_kept(tmp_path, creditor, monkeypatch):
    from collections_app.imports import engine

    monkeypatch.setattr(engine, "SKIPPED_ROWS_KEPT", 2)
    placement = feed(tmp_path, creditor, [[str(n), APR, 0, 100, 0, 1000] for n in range(5)])
    assert placement.counts["skipped"] == 5 and placement.counts["skip_reasons"] == {"not past due": 5}
    assert placement.row_errors.filter(is_skip=True).count() == 2
