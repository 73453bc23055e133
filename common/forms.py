"""Form plumbing shared by every app's pages: Bootstrap classes on widgets and putting a service
refusal back on a form. Forms only parse and shape input; every rule lives in the service the view
calls (STYLE.md rule 2)."""
from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from common.errors import ApplicationError


class BootstrapFormMixin:
    """Bootstrap 5 classes on every widget, ``is-invalid`` on fields with errors. ``control_size``
    ``"sm"`` (dense HR pages) or ``""`` (the public careers form)."""

    control_size = "sm"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suffix = f" form-control-{self.control_size}" if self.control_size else ""
        select_suffix = f" form-select-{self.control_size}" if self.control_size else ""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select" + select_suffix
            else:
                css = "form-control" + suffix
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def form_add_service_error(form: forms.Form, error: ValidationError | ApplicationError) -> None:
    """Field errors on their fields (unknown keys become form-wide errors); a ``RuleViolation`` or
    other application error becomes a form-wide error."""
    if isinstance(error, ApplicationError):
        form.add_error(None, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
        return
    for message in error.messages:
        form.add_error(None, message)


DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class DateTimeLocalField(forms.DateTimeField):
    """A local (Asia/Shanghai) wall-clock time from ``<input type="datetime-local">``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATETIME_LOCAL_FORMATS)
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
        super().__init__(*args, **kwargs)
