"""Accounts: the first-login link a new hire receives (issue 3 §7)."""
from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ..models import User


def first_login_path(user: User) -> str:
    """The path (no scheme/host) of ``user``'s first-login page, ``/people/welcome/<uidb64>/<token>/``.

    The token is Django's password-reset token (``default_token_generator``): it stops working as
    soon as the password is set (the token hashes the password and last login) and after
    ``PASSWORD_RESET_TIMEOUT`` seconds. Build the absolute URL with ``request.build_absolute_uri``
    or the site's base URL; never log the link.
    """
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("people:welcome", kwargs={"uidb64": uidb64, "token": token})
