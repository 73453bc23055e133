"""Forms of the offer, background-check and hire pages (issue 3 §6–7). They parse and shape input
only; the Labour Contract Law checks, the approval need and every refusal live in
``recruitment.services.offers`` / ``hiring``, whose errors the views put back on these forms."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.dates import local_today

from ..choices import CheckResult, ProposalParty
from ..defaults import BACKGROUND_CHECK_CONSENT_VERSION
from .base import BootstrapFormMixin

MONEY = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.01")}
DEFAULT_ANSWER_DAYS = 7
DEFAULT_START_DAYS = 14


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OfferForm(BootstrapFormMixin, forms.Form):
    """Draft an offer → ``services.offers.offer_create``."""

    monthly_wage = forms.DecimalField(label=_("Monthly wage (CNY, gross)"), **MONEY)
    contract_months = forms.IntegerField(
        label=_("Contract term (months)"), required=False, max_value=600,
        help_text=_("Leave empty for an open-ended contract."),
    )
    probation_months = forms.IntegerField(
        label=_("Probation (months)"), min_value=0, max_value=120, initial=0,
        help_text=_("Labour Contract Law art. 19: the longest probation depends on the contract term (see the table)."),
    )
    probation_wage = forms.DecimalField(
        label=_("Probation monthly wage (CNY)"), required=False, **MONEY,
        help_text=_("Art. 20: at least 80 percent of the monthly wage. Required with a probation period."),
    )
    start_on = forms.DateField(label=_("Start date"), widget=DateInput())
    expires_on = forms.DateField(label=_("Answer by"), widget=DateInput(), help_text=_("On or before the start date."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = today or local_today()
        self.fields["start_on"].initial = today + dt.timedelta(days=DEFAULT_START_DAYS)
        self.fields["expires_on"].initial = today + dt.timedelta(days=DEFAULT_ANSWER_DAYS)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "monthly_wage": data["monthly_wage"], "contract_months": data.get("contract_months"),
            "probation_months": data.get("probation_months") or 0, "probation_wage": data.get("probation_wage"),
            "start_on": data["start_on"], "expires_on": data["expires_on"], "note": data.get("note") or "",
        }


class OfferCounterForm(BootstrapFormMixin, forms.Form):
    """Record a proposal → ``offer_counter``: the candidate's counter-offer (history only) or the
    company's new figure (changes the offer, may need approval again)."""

    party = forms.ChoiceField(label=_("Proposed by"), choices=ProposalParty.choices, initial=ProposalParty.CANDIDATE)
    monthly_wage = forms.DecimalField(label=_("Monthly wage (CNY)"), **MONEY)
    probation_wage = forms.DecimalField(
        label=_("New probation wage (CNY)"), required=False, **MONEY,
        help_text=_("Company proposals only; keeps art. 20's 80 percent floor after a raise."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OfferDecisionForm(BootstrapFormMixin, forms.Form):
    """The candidate's answer to a sent offer → ``offer_record_decision``."""

    DECISIONS = (("accepted", _("Accepted")), ("declined", _("Declined")))

    decision = forms.ChoiceField(label=_("Candidate's answer"), choices=DECISIONS)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class OfferWithdrawForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BackgroundCheckConsentForm(BootstrapFormMixin, forms.Form):
    """The candidate's separate consent to the background check → ``background_check_consent_record``."""

    consent_version = forms.CharField(
        label=_("Consent notice version"), max_length=20, initial=BACKGROUND_CHECK_CONSENT_VERSION,
        help_text=_("The version printed on the notice the candidate signed."),
    )
    confirmed = forms.BooleanField(
        label=_("The candidate signed the separate background-check consent (no-criminal-record certificate and credit record)."),
    )


class BackgroundCheckResultForm(BootstrapFormMixin, forms.Form):
    """The results → ``background_check_result_record``."""

    criminal_record = forms.ChoiceField(label=_("No-criminal-record certificate"), choices=CheckResult.choices)
    credit_record = forms.ChoiceField(label=_("Credit record"), choices=CheckResult.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class HireForm(BootstrapFormMixin, forms.Form):
    """Confirm the hire → ``hiring.application_hire``; the username is pre-filled with the
    service's suggestion (``hire_username``) and may be changed."""

    username = forms.CharField(
        label=_("Username"), max_length=150, required=False,
        help_text=_("Letters, digits and @/./+/-/_ only. Leave empty to use the suggestion."),
    )
