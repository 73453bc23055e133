"""Form plumbing of the recruitment pages (shared with every app: :mod:`common.forms`)."""
from common.forms import BootstrapFormMixin, form_add_service_error

__all__ = ["BootstrapFormMixin", "form_add_service_error"]
