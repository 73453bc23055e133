"""Declarative mapping profiles: which source columns (Chinese or English headers) feed which
fields, through which typed parser. ``docs/import-format.md`` documents every column.

A profile is bound to a file's header row (:meth:`Profile.bind`), which refuses the file when a
required column is missing, and returns a row parser giving one :class:`Record` per row or raising
:class:`~collections_app.imports.parsers.FieldError` naming the column(s) at fault. Headers are
matched after trimming ASCII and full-width spaces and a BOM, case-insensitively, with spaces,
hyphens and underscores treated alike (QUALITY.md input 2).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial
from decimal import Decimal
from typing import Any, Callable, Sequence

from django.utils.translation import gettext as _

from common.dates import days_past_due

from ..choices import DelinquencyBasis, ProductType
from .parsers import (
    FieldError, is_blank, parse_amount, parse_date, parse_id_number, parse_int, parse_mobile, parse_product, parse_reference,
    parse_text,
)
from .readers import FileRefused

ZERO = Decimal("0.00")
# the parsers with their options bound once (each runs once per cell of a million-row file)
_parse_name = partial(parse_text, max_length=100)
_parse_dpd = partial(parse_int, minimum=0, maximum=100000)
_parse_cycles = partial(parse_int, minimum=0, maximum=999)
_parse_repayment_status = partial(parse_int, minimum=-9, maximum=999)
_parse_amount_not_negative = partial(parse_amount, allow_negative=False)


def header_key(header: Any) -> str:
    """``" \u3000账号 "`` → ``"账号"``; ``"\ufeffAccount Number"`` → ``"account_number"``."""
    text = str(header or "").replace("\ufeff", "").strip(" \t\r\n\u3000")
    return re.sub(r"[\s_\-\u3000]+", "_", text.casefold())


@dataclass(frozen=True)
class Column:
    """One field of a profile: the header names it is known by and whether it must be present."""

    field: str
    headers: tuple[str, ...]
    required: bool = False
    description: str = ""


class Record:
    """One parsed row, as the engine applies it. Money in CNY ``Decimal``; dates local."""

    __slots__ = (
        "line", "cells", "account_number", "customer_ref", "name", "id_number", "mobile", "product", "as_of",
        "basis", "days_past_due", "cycles", "past_due", "overdue_principal", "overdue_interest", "overdue_fees",
        "overdue_amount", "outstanding_balance", "credit_limit", "earliest_due_date", "amount_paid",
    )

    def __init__(  # noqa: PLR0913 - one keyword per column
        self,
        *,
        line: Any = None, cells: Any = None, account_number: Any = None, customer_ref: Any = None,
        name: Any = None, id_number: Any = None, mobile: Any = None, product: Any = None,
        as_of: Any = None, basis: Any = None, days_past_due: Any = None, cycles: Any = None,
        past_due: Any = None, overdue_principal: Any = None, overdue_interest: Any = None,
        overdue_fees: Any = None, overdue_amount: Any = None, outstanding_balance: Any = None,
        credit_limit: Any = None, earliest_due_date: Any = None, amount_paid: Any = None
    ) -> None:
        self.line = line
        self.cells = cells
        self.account_number = account_number
        self.customer_ref = customer_ref
        self.name = name
        self.id_number = id_number
        self.mobile = mobile
        self.product = product
        self.as_of = as_of
        self.basis = basis
        self.days_past_due = days_past_due
        self.cycles = cycles
        self.past_due = past_due
        self.overdue_principal = overdue_principal
        self.overdue_interest = overdue_interest
        self.overdue_fees = overdue_fees
        self.overdue_amount = overdue_amount
        self.outstanding_balance = outstanding_balance
        self.credit_limit = credit_limit
        self.earliest_due_date = earliest_due_date
        self.amount_paid = amount_paid


class BoundProfile:
    """A profile matched to one file's headers: ``parse(line, cells) -> Record``."""

    def __init__(self, profile: "Profile", index: dict[str, int], headers: Sequence[str], *, default_as_of: dt.date,
                 today: dt.date, date1904: bool, default_product: str) -> None:
        self.profile = profile
        self.index = index
        self.headers = list(headers)
        self.default_as_of = default_as_of
        self.today = today
        self.date1904 = date1904
        self.default_product = default_product
        self.parse_date = partial(parse_date, date1904=date1904)
        self.errors: list[str] = []
        # field → (column index, header as shown in error messages): one dict look-up per cell
        self.slots = {field: (i, str(self.headers[i]).strip()) for field, i in index.items()}
        self.account_name = _("Account %(number)s")
        self.future_as_of = _("as-of date %(date)s is in the future")

    def value(self, cells: list[Any], field: str) -> Any:
        i = self.index.get(field, -1)
        return cells[i] if 0 <= i < len(cells) else None

    def get(self, cells: list[Any], field: str, parser: Callable[[Any], Any]) -> Any:
        """Parse one field with ``parser`` (one argument: the cell); an error is remembered with the
        column's header and ``None`` returned."""
        slot = self.slots.get(field)
        if slot is None or slot[0] >= len(cells):
            return None
        try:
            return parser(cells[slot[0]])
        except FieldError as exc:
            self.errors.append(f"{slot[1]}: {exc.message}")
            return None

    def parse(self, line: int, cells: list[Any]) -> Record:
        self.errors = []
        record = self.profile.build(self, line, cells)
        if self.errors:
            raise FieldError("; ".join(self.errors), "row_invalid")
        return record

    def as_of(self, cells: list[Any]) -> dt.date | None:
        value = self.get(cells, "as_of", self.parse_date) or self.default_as_of
        if value and value > self.today:
            self.errors.append(self.future_as_of % {"date": value.isoformat()})
        return value


class Profile:
    """A named mapping from source columns to :class:`Record` fields."""

    name = ""
    label = ""
    columns: tuple[Column, ...] = ()

    def bind(self, headers: Sequence[str], *, default_as_of: dt.date, today: dt.date, date1904: bool = False,
             default_product: str = ProductType.LOAN) -> BoundProfile:
        """Match ``headers`` to the profile's columns; refuses the file (:class:`FileRefused`) when a
        required column is missing or two columns map to the same field."""
        aliases = {header_key(h): c.field for c in self.columns for h in (c.field, *c.headers)}
        index: dict[str, int] = {}
        for i, header in enumerate(headers):
            field = aliases.get(header_key(header))
            if field is None:
                continue
            if field in index:
                raise FileRefused(
                    _("Columns %(a)s and %(b)s both mean %(field)s; keep one.")
                    % {"a": headers[index[field]], "b": header, "field": field}
                )
            index[field] = i
        missing = [c for c in self.columns if c.required and c.field not in index]
        if missing:
            raise FileRefused(
                _("Required columns are missing for profile %(profile)s: %(missing)s. Columns found: %(found)s.")
                % {
                    "profile": self.name,
                    "missing": ", ".join(f"{c.headers[0]} ({c.field})" for c in missing),
                    "found": ", ".join(str(h) for h in headers) or "—",
                }
            )
        return BoundProfile(self, index, headers, default_as_of=default_as_of, today=today, date1904=date1904,
                            default_product=default_product)

    def build(self, bound: BoundProfile, line: int, cells: list[Any]) -> Record:  # pragma: no cover - abstract
        raise NotImplementedError


class StandardProfile(Profile):
    """``standard``: a placement or status feed of loan or card accounts with named debtors."""

    name = "standard"
    label = _("Standard placement / status feed")
    columns = (
        Column("account_number", ("账号", "账户号", "借据号", "合同号", "贷款账号", "卡号", "account_no", "account", "loan_id"), True),
        Column("customer_ref", ("客户号", "客户编号", "customer_id", "customer_no")),
        Column("name", ("姓名", "客户姓名", "借款人姓名", "借款人", "debtor_name"), True),
        Column("id_number", ("身份证号", "身份证号码", "证件号码", "证件号", "id_no", "id_card")),
        Column("mobile", ("手机号", "手机号码", "手机", "联系电话", "phone", "mobile_phone")),
        Column("product", ("产品类型", "产品", "product_type")),
        Column("as_of", ("数据日期", "截止日期", "统计日期", "as_of_date", "date")),
        Column("days_past_due", ("逾期天数", "dpd")),
        Column("cycles_delinquent", ("逾期期数", "cycles")),
        Column("earliest_due_date", ("最早未还款日", "最早应还款日", "应还款日", "due_date")),
        Column("overdue_principal", ("逾期本金", "principal_overdue")),
        Column("overdue_interest", ("逾期利息", "interest_overdue")),
        Column("overdue_fees", ("逾期费用", "罚息", "fees_overdue")),
        Column("overdue_amount", ("逾期金额", "逾期总额", "欠款金额", "amount_overdue")),
        Column("outstanding_balance", ("剩余本金", "未还余额", "贷款余额", "balance")),
        Column("credit_limit", ("授信额度", "信用额度", "limit")),
        Column("amount_paid", ("本期还款", "还款金额", "paid")),
    )

    def build(self, bound: BoundProfile, line: int, cells: list[Any]) -> Record:
        get = bound.get
        account = get(cells, "account_number", parse_reference)
        if account is None:
            bound.errors.append(_("the account number is empty"))
        name = get(cells, "name", _parse_name)
        if name is None:
            bound.errors.append(_("the name is empty"))
        as_of = bound.as_of(cells)
        dpd = get(cells, "days_past_due", _parse_dpd)
        cycles = get(cells, "cycles_delinquent", _parse_cycles)
        due = get(cells, "earliest_due_date", bound.parse_date)
        if dpd is not None:
            basis = DelinquencyBasis.DPD
        elif due is not None:
            basis, dpd = DelinquencyBasis.DPD, days_past_due(due, today=as_of) if as_of else None
        elif cycles is not None:
            basis = DelinquencyBasis.CYCLES
        else:
            basis = DelinquencyBasis.DPD
            if all(is_blank(bound.value(cells, f)) for f in ("days_past_due", "cycles_delinquent", "earliest_due_date")):
                bound.errors.append(_("give days past due (逾期天数), cycles delinquent (逾期期数) or the earliest unpaid due date"))
        principal = get(cells, "overdue_principal", _parse_amount_not_negative)
        interest = get(cells, "overdue_interest", _parse_amount_not_negative)
        fees = get(cells, "overdue_fees", _parse_amount_not_negative)
        overdue = get(cells, "overdue_amount", _parse_amount_not_negative)
        if overdue is None:
            if principal is None and interest is None and fees is None:
                bound.errors.append(_("give the overdue amount (逾期金额) or its parts"))
            overdue = (principal or ZERO) + (interest or ZERO) + (fees or ZERO)
        balance = get(cells, "outstanding_balance", parse_amount)
        return Record(
            line=line, cells=cells, account_number=account, customer_ref=get(cells, "customer_ref", parse_reference),
            name=name, id_number=get(cells, "id_number", parse_id_number), mobile=get(cells, "mobile", parse_mobile),
            product=get(cells, "product", parse_product) or bound.default_product, as_of=as_of, basis=basis,
            days_past_due=dpd, cycles=cycles,
            past_due=bool((dpd or 0) >= 1 if basis == DelinquencyBasis.DPD else (cycles or 0) >= 1),
            overdue_principal=principal or ZERO, overdue_interest=interest or ZERO, overdue_fees=fees or ZERO,
            overdue_amount=overdue, outstanding_balance=overdue if balance is None else balance,
            credit_limit=get(cells, "credit_limit", _parse_amount_not_negative), earliest_due_date=due,
            amount_paid=get(cells, "amount_paid", _parse_amount_not_negative),
        )


class UciMonthlyProfile(Profile):
    """``uci-monthly``: the monthly card status feed of shared/data/uci_credit_card_monthly.csv.

    ``repayment_status`` ≤ 0 is not past due, n ≥ 1 is n cycles delinquent (bucket Mn, capped at
    M7+; basis "cycles", no DPD invented). ``statement_balance`` (TWD, relabelled CNY) is the
    outstanding balance and, while past due, the overdue amount (a card statement balance is
    what is due). Rows carry no names: the debtor is keyed by the account id.
    """

    name = "uci-monthly"
    label = _("Monthly card status feed (UCI layout)")
    columns = (
        Column("account_number", ("account_id", "账户号", "卡号"), True),
        Column("as_of", ("数据日期",), True),
        Column("repayment_status", ("还款状态",), True),
        Column("statement_balance", ("账单金额",), True),
        Column("amount_paid", ("本期还款", "还款金额")),
        Column("credit_limit", ("信用额度", "授信额度")),
    )

    def build(self, bound: BoundProfile, line: int, cells: list[Any]) -> Record:
        get = bound.get
        account = get(cells, "account_number", parse_reference)
        if account is None:
            bound.errors.append(_("the account number is empty"))
        status = get(cells, "repayment_status", _parse_repayment_status)
        if status is None and not bound.errors:
            bound.errors.append(_("the repayment status is empty"))
        balance = get(cells, "statement_balance", parse_amount)
        if balance is None and not bound.errors:
            bound.errors.append(_("the statement balance is empty"))
        cycles = max(status or 0, 0)
        past_due = cycles >= 1
        return Record(
            line=line, cells=cells, account_number=account, customer_ref=account,
            name=bound.account_name % {"number": account}, id_number=None, mobile=None, product=ProductType.CARD,
            as_of=bound.as_of(cells), basis=DelinquencyBasis.CYCLES, days_past_due=None, cycles=cycles, past_due=past_due,
            overdue_principal=ZERO, overdue_interest=ZERO, overdue_fees=ZERO,
            overdue_amount=max(balance, ZERO) if past_due and balance is not None else ZERO,
            outstanding_balance=balance if balance is not None else ZERO,
            credit_limit=get(cells, "credit_limit", _parse_amount_not_negative), earliest_due_date=None,
            amount_paid=get(cells, "amount_paid", _parse_amount_not_negative),
        )


PROFILES: dict[str, Profile] = {p.name: p for p in (StandardProfile(), UciMonthlyProfile())}


def profile_get(name: str) -> Profile:
    """The profile called ``name``; ``KeyError`` when there is none."""
    return PROFILES[name]
