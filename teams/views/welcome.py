"""People pages: the first-login link (issue 3 §7).

A new hire opens ``/people/welcome/<uidb64>/<token>/`` (built by
``teams.services.accounts.first_login_path``), chooses a password, is signed in and lands on the
home page. The token is Django's password-reset token, so it stops working once the password is
set. Integration clients and inactive accounts cannot use the link.
"""
from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _

from common.audit import audit_event_record

from ..choices import Role


class WelcomeSetPasswordForm(SetPasswordForm):
    """Django's set-password form with Bootstrap classes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class WelcomeView(auth_views.PasswordResetConfirmView):
    template_name = "teams/welcome.html"
    form_class = WelcomeSetPasswordForm
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")
    title = _("Welcome — set your password")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.role == Role.INTEGRATION_CLIENT:
            return None  # machine accounts never get an interactive password this way
        return user

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_event_record(actor=self.user, verb="first_login_password_set", target=self.user, data={})
        return response


urlpatterns = [
    path("welcome/<uidb64>/<token>/", WelcomeView.as_view(), name="welcome"),
]
