"""HTML forms of the collections pages. Forms only parse and shape input; every rule lives in the
service the view calls (STYLE.md rule 2), whose ``ValidationError`` / ``RuleViolation`` the view
puts back on the form with :func:`form_add_service_error`."""
from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.forms import BootstrapFormMixin, DateTimeLocalField, form_add_service_error  # noqa: F401 - used by the collections views
from common.validators import mask_name
from teams.choices import Role
from teams.models import User

from .choices import Channel, ContactParty, Direction
from .models import Case, ContactPoint, Creditor, ResultCode




def placement_profile_choices() -> list[tuple[str, str]]:
    """The mapping profiles of ``collections_app.imports.profiles`` (``standard``, ``uci-monthly``)."""
    from .imports.profiles import PROFILES

    return [(name, f"{name} · {profile.label}") for name, profile in PROFILES.items()]


class ContactPointChoiceField(forms.ModelChoiceField):
    """Options read like the contact card before a reveal: ``Mobile 138****8000 · Emergency
    contact · 李* (friend)`` — value and name masked (DOMAIN.md "Identity and contact data")."""

    def label_from_instance(self, obj: ContactPoint) -> str:
        from .templatetags.collections_ui import masked_contact

        label = f"{obj.get_kind_display()} {masked_contact(obj)} · {obj.get_party_display()}"
        if obj.contact_name:
            label += f" · {mask_name(obj.contact_name)}"
        if obj.relation:
            label += f" ({obj.relation})"
        return label


class ResultCodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ResultCode) -> str:
        return f"{obj.code} · {obj.label}"


class ContactAttemptForm(BootstrapFormMixin, forms.Form):
    """One contact attempt (催记) on a case → ``services.contact_attempt_record``.

    Contact points flagged do-not-contact are not offered: an outbound attempt to them is never allowed.
    """

    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND, required=False,
        help_text=_("Inbound: the debtor or a contact reached us; always recorded"),
    )
    party = forms.ChoiceField(label=_("Party"), choices=ContactParty.choices, initial=ContactParty.DEBTOR)
    contact_point = ContactPointChoiceField(label=_("Contact point"), queryset=ContactPoint.objects.none(), required=False, empty_label=_("— none —"))
    result_code = ResultCodeChoiceField(label=_("Result code"), queryset=ResultCode.objects.none(), empty_label=_("— choose —"))
    duration_seconds = forms.IntegerField(label=_("Duration (seconds)"), min_value=0, max_value=24 * 3600, required=False, initial=0)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    next_action_at = DateTimeLocalField(label=_("Next action"), required=False, help_text=_("Local time (Asia/Shanghai)"))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["contact_point"].queryset = ContactPoint.objects.filter(debtor_id=case.debtor_id, do_not_contact=False).order_by("party", "kind", "id")
        self.fields["result_code"].queryset = ResultCode.objects.filter(is_active=True)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"], "direction": data.get("direction") or Direction.OUTBOUND, "party": data["party"], "contact_point": data.get("contact_point"),
            "result_code": data["result_code"], "duration_seconds": data.get("duration_seconds") or 0,
            "note": data.get("note") or "", "next_action_at": data.get("next_action_at"),
        }


class PromiseToPayForm(BootstrapFormMixin, forms.Form):
    """A promise to pay ``amount`` CNY by ``due_date`` → ``services.promise_to_pay_create``."""

    amount = forms.DecimalField(label=_("Amount (¥)"), max_digits=12, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}))
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class ReassignForm(BootstrapFormMixin, forms.Form):
    """Manual reassignment: collector + a required reason; ``expected_version`` is the case version
    the person saw, so a change made by someone else in between is a conflict, not an overwrite."""

    collector = forms.ModelChoiceField(label=_("Collector"), queryset=User.objects.none(), empty_label=_("— choose —"))
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs={"placeholder": _("Why this case changes hands")}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, collectors, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collector"].queryset = collectors
        self.fields["collector"].label_from_instance = lambda user: user.display_name


class PlacementUploadForm(BootstrapFormMixin, forms.Form):
    """A placement or status-feed file → ``services.placements.placement_create``."""

    creditor = forms.ModelChoiceField(label=_("Creditor"), queryset=Creditor.objects.none(), empty_label=_("— choose —"))
    profile = forms.ChoiceField(label=_("Mapping profile"), choices=placement_profile_choices, initial="standard")
    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8, GBK or GB18030) or XLSX"))
    as_of = forms.DateField(
        label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("For rows without their own as-of date"),
    )
    dry_run = forms.BooleanField(label=_("Dry run (validate only, store nothing)"), required=False)

    def __init__(self, *args: Any, creditors, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["creditor"].queryset = creditors


class WebAuthenticationForm(AuthenticationForm):
    """The website's login form (``config/urls.py`` → ``LoginView``): machine accounts
    (role ``integration_client``) authenticate to the API with an API key and may not open a
    browser session, even with a correct password."""

    WEB_REFUSED_ROLES = frozenset({Role.INTEGRATION_CLIENT})

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user.role in self.WEB_REFUSED_ROLES:
            raise ValidationError(_("This account is for the API only; use an API key."), code="api_only")
